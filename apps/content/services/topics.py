"""Topics (选题) and content plans: propose and decide topics, plan a channel's posts."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.content.models import ContentPlan, Topic
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.org import permissions as org_policy
from apps.org.authorities import Authority


@transaction.atomic
def topic_propose(*, actor, department, title, proposal="", channel=None) -> Topic:
    """Propose a topic for the department's topic meeting. Refused without the authority to
    create content in the department, or without a title."""
    org_policy.require_authority(actor, Authority.CREATE_CONTENT, department)
    if not title.strip():
        raise ApplicationError(_("Give the topic a title."), field="title")
    topic = Topic.objects.create(
        department=department, title=title, proposal=proposal, channel=channel, proposer=actor
    )
    audit.record(actor=actor, obj=topic, action="content.topic_proposed", to_state=topic.status)
    return topic


@transaction.atomic
def topic_decide(*, actor, topic: Topic, status, notes="", meeting_date=None) -> Topic:
    """Record the topic meeting's decision: accepted, rejected or parked (the meeting date
    defaults to today). Refused without the authority to review content in the department,
    for another status, or (a conflict) for the decision it already has."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    org_policy.require_authority(actor, Authority.REVIEW_CONTENT, topic.department)
    if status not in (Topic.Status.ACCEPTED, Topic.Status.REJECTED, Topic.Status.PARKED):
        raise ApplicationError(_("Choose accepted, rejected or parked."), field="status")
    if topic.status == status:
        raise ConflictError(_("The topic already has this decision."))
    from_state = topic.status
    topic.status = status
    topic.decision_notes = notes
    topic.meeting_date = meeting_date or timezone.localdate()
    topic.decided_by = actor
    topic.save()
    audit.record(
        actor=actor, obj=topic, action="content.topic_decided", from_state=from_state,
        to_state=status, comment=notes,
    )  # fmt: skip
    return topic


@transaction.atomic
def plan_create(*, actor, department, channel, theme, format, frequency, planned_dates=()):
    """Plan a channel's posts: theme, format, frequency and the planned dates. Refused
    without the authority to create content in the department, or for a date that is not
    YYYY-MM-DD."""
    org_policy.require_authority(actor, Authority.CREATE_CONTENT, department)
    dates = sorted({d.isoformat() if hasattr(d, "isoformat") else str(d) for d in planned_dates})
    for value in dates:
        try:
            dt.date.fromisoformat(value)
        except ValueError as error:
            raise ApplicationError(
                _("Planned dates must look like 2026-01-31."), field="planned_dates"
            ) from error
    plan = ContentPlan.objects.create(
        department=department, channel=channel, theme=theme, format=format,
        frequency=frequency, planned_dates=dates, created_by=actor,
    )  # fmt: skip
    audit.record(actor=actor, obj=plan, action="content.plan_created")
    return plan
