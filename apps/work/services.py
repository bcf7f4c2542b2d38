"""Every write of the work app. Each service checks the actor's right through
apps.work.permissions, locks what it changes, writes, and records the audit row in the
same transaction; notification rows are written with it, their e-mails go on commit."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.campaigns.models import Campaign
from apps.complaints.holders import holders
from apps.content.models import Channel
from apps.core import audit
from apps.core import calendar as work_calendar
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify
from apps.org.models import Assignment, Department
from apps.work import permissions as policy
from apps.work.models import (
    DEFAULT_REPLY_WORKING_DAYS,
    ChannelBooking,
    CoordinationRequest,
    Suggestion,
    SuggestionPolicy,
)

# A campaign's execution runs from approval to the end of the event.
CAMPAIGN_EXECUTION_STATES = (
    Campaign.State.APPROVED,
    Campaign.State.PREPARING,
    Campaign.State.RUNNING,
)


def _text(value, *, field: str, min_length: int = 2, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if len(value) < min_length:
        raise ApplicationError(
            _("Write at least %(n)d characters.") % {"n": min_length}, field=field
        )
    if max_length and len(value) > max_length:
        raise ApplicationError(
            _("Keep it within %(n)d characters.") % {"n": max_length}, field=field
        )
    return value


# --- Suggestions ----------------------------------------------------------------------


def reply_working_days(department: Department) -> int:
    """The department's policy, else its nearest ancestor's, else the default."""
    ancestors = [int(pk) for pk in department.path.strip("/").split("/") if pk]
    policies = dict(
        SuggestionPolicy.objects.filter(department_id__in=ancestors).values_list(
            "department_id", "reply_working_days"
        )
    )
    for pk in reversed(ancestors):
        if pk in policies:
            return policies[pk]
    return DEFAULT_REPLY_WORKING_DAYS


def reply_due_on(department: Department, submitted_on: dt.date) -> dt.date:
    return work_calendar.add_working_days(submitted_on, reply_working_days(department))


def _suggestion_department(actor, kind: str, department: Department | None) -> Department:
    """The department the author suggests from: the one given, or their primary post's,
    or the one place they hold the right. No right there → 403."""
    authority = policy.SUGGESTION_AUTHORITY[kind]
    if department is None:
        primary = (
            Assignment.objects.active_on()
            .filter(employee__user=actor, is_primary=True)
            .select_related("post__department")
            .first()
        )
        candidates = list(policy.suggestion_departments(actor, kind)[:2])
        if primary and primary.post.department in candidates:
            department = primary.post.department
        elif candidates:
            department = candidates[0]
    if department is None or not policy.org_policy.has_authority(actor, authority, department):
        raise PermissionDenied(
            _("Your position does not give you the right to “%(a)s”.")
            % {"a": policy.A(authority).label}
        )
    return department


@transaction.atomic
def suggestion_submit(
    *, actor, kind: str, title: str, body: str, regarding: str = "", department=None
) -> Suggestion:
    """Submit a suggestion (合理化建议) or an improvement to an instruction (改进) to
    one's supervisor, who owes a reply by the policy's working days."""
    if kind not in Suggestion.Kind.values:
        raise ApplicationError(_("Choose the kind of suggestion."), field="kind")
    department = _suggestion_department(actor, kind, department)
    employee = getattr(actor, "employee", None)
    supervisor = employee.supervisor if employee else None
    if supervisor is None or not supervisor.is_active or not supervisor.user.is_active:
        raise ApplicationError(
            _("You have no supervisor on record to address it to. Ask HR to set one.")
        )
    title = _text(title, field="title", max_length=200)
    body = _text(body, field="body", min_length=5)
    regarding = (regarding or "").strip()
    if kind == Suggestion.Kind.IMPROVEMENT and len(regarding) < 2:
        raise ApplicationError(_("Name the instruction you propose to improve."), field="regarding")
    if len(regarding) > 200:
        raise ApplicationError(
            _("Keep it within %(n)d characters.") % {"n": 200}, field="regarding"
        )
    now = timezone.now()
    suggestion = Suggestion.objects.create(
        kind=kind,
        department=department,
        author=actor,
        recipient=supervisor.user,
        title=title,
        body=body,
        regarding=regarding,
        created_at=now,
        reply_due_on=reply_due_on(department, timezone.localdate(now)),
    )
    audit.record(
        actor=actor,
        obj=suggestion,
        action=f"suggestion.{kind}",
        to_state=Suggestion.State.OPEN,
        comment=f"→ {supervisor.name}",
    )
    notify(
        recipients=[supervisor.user],
        title=format_lazy(
            gettext_lazy("{who} sent you a suggestion: {title}"),
            who=actor.display_name,
            title=title,
        ),
        body=format_lazy(gettext_lazy("Reply by {due}."), due=suggestion.reply_due_on),
        url=reverse("work:suggestion_detail", args=[suggestion.pk]),
    )
    return suggestion


@transaction.atomic
def suggestion_reply(*, actor, suggestion: Suggestion, decision: str, reply: str) -> Suggestion:
    """The supervisor it was addressed to adopts, declines or notes it, with a reply."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    policy.require(
        policy.can_reply(actor, suggestion),
        _("Only the supervisor this suggestion was addressed to replies to it."),
    )
    if suggestion.state != Suggestion.State.OPEN:
        raise ConflictError(_("This suggestion has already been answered."))
    if decision not in Suggestion.REPLY_STATES:
        raise ApplicationError(_("Choose adopt, decline or noted."), field="decision")
    reply = _text(reply, field="reply")
    suggestion.state = decision
    suggestion.reply = reply
    suggestion.replied_at = timezone.now()
    suggestion.save(update_fields=["state", "reply", "replied_at"])
    audit.record(
        actor=actor,
        obj=suggestion,
        action="suggestion.reply",
        from_state=Suggestion.State.OPEN,
        to_state=decision,
        comment=reply,
    )
    notify(
        recipients=[suggestion.author],
        title=format_lazy(
            gettext_lazy("Your suggestion “{title}”: {state}"),
            title=suggestion.title,
            state=Suggestion.State(decision).label,
        ),
        body=reply,
        url=reverse("work:suggestion_detail", args=[suggestion.pk]),
    )
    return suggestion


def suggestions_remind_overdue(*, today: dt.date | None = None) -> int:
    """Remind each supervisor once of a suggestion past its reply date. Idempotent:
    a reminded suggestion is marked in the same transaction, and rows another run is
    reminding right now are skipped."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(
            Suggestion.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Suggestion.State.OPEN, reminded_at__isnull=True, reply_due_on__lt=today)
            .select_related("recipient", "author__employee")
            .order_by("pk")
        )
        if not due:
            return 0
        now = timezone.now()
        for suggestion in due:
            suggestion.reminded_at = now
        Suggestion.objects.bulk_update(due, ["reminded_at"])
        audit.record_many(actor=None, objs=due, action="suggestion.remind")
        for suggestion in due:
            notify(
                recipients=[suggestion.recipient],
                title=format_lazy(
                    gettext_lazy("A suggestion waits for your reply: {title}"),
                    title=suggestion.title,
                ),
                body=format_lazy(
                    gettext_lazy("From {who}; the reply was due on {due}."),
                    who=suggestion.author.display_name,
                    due=suggestion.reply_due_on,
                ),
                url=reverse("work:suggestion_detail", args=[suggestion.pk]),
            )
    return len(due)


# --- Coordination requests ------------------------------------------------------------


def _receivers(department: Department) -> list:
    """Who is told of a request: those who receive coordination in the department, else
    its nearest supervisor."""
    people = holders(policy.A.COORDINATE_TASK, department)
    return people or holders(policy.A.SUPERVISE, department, nearest=True)


@transaction.atomic
def coordination_request_open(
    *,
    actor,
    to_department: Department,
    title: str,
    due_on: dt.date,
    body: str = "",
    from_department: Department | None = None,
    campaign: Campaign | None = None,
) -> CoordinationRequest:
    """Ask another department for help (工作协同权, from a department where the actor
    holds it), or ask for a part in a campaign's execution (活动执行协同权, held in the
    campaign's department)."""
    if campaign is not None:
        campaign = Campaign.objects.select_related("department").get(pk=campaign.pk)
        policy.require(
            policy.can_coordinate_campaign(actor, campaign),
            _("Coordinating a campaign's execution takes the authority “%(a)s” in %(d)s.")
            % {"a": policy.A.CAMPAIGN_COORDINATION.label, "d": campaign.department.label},
        )
        if campaign.state not in CAMPAIGN_EXECUTION_STATES:
            raise ConflictError(
                _("A campaign's execution is coordinated between its approval and its end.")
            )
        kind, from_department = CoordinationRequest.Kind.CAMPAIGN, campaign.department
    else:
        if from_department is None:
            places = list(policy.coordination_departments(actor)[:2])
            from_department = places[0] if len(places) == 1 else None
        policy.require(
            from_department is not None and policy.can_coordinate_from(actor, from_department),
            _("Asking another department for coordination takes the authority “%(a)s”.")
            % {"a": policy.A.WORK_COORDINATION.label},
        )
        kind = CoordinationRequest.Kind.WORK
    if to_department is None or not to_department.is_active:
        raise ApplicationError(_("Choose a department."), field="to_department")
    if kind == CoordinationRequest.Kind.WORK and to_department.pk == from_department.pk:
        raise ApplicationError(
            _("Coordination is asked of another department."), field="to_department"
        )
    title = _text(title, field="title", max_length=200)
    body = (body or "").strip()
    if due_on is None or due_on < timezone.localdate():
        raise ApplicationError(_("The due date cannot be in the past."), field="due_on")
    request = CoordinationRequest.objects.create(
        kind=kind,
        from_department=from_department,
        to_department=to_department,
        campaign=campaign,
        title=title,
        body=body,
        due_on=due_on,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        obj=request,
        action=f"coordination.{kind}",
        to_state=CoordinationRequest.State.OPEN,
        comment=f"{from_department.label} → {to_department.label} ({due_on:%Y-%m-%d})",
    )
    notify(
        recipients=_receivers(to_department),
        title=format_lazy(
            gettext_lazy("{dept} asks for coordination: {title}"),
            dept=from_department.label,
            title=title,
        ),
        body=format_lazy(gettext_lazy("Due {due}."), due=due_on),
        url=reverse("work:coordination_detail", args=[request.pk]),
    )
    return request


@transaction.atomic
def coordination_request_answer(
    *, actor, request: CoordinationRequest, outcome: str, answer: str
) -> CoordinationRequest:
    """The receiving department closes a request: done, or declined with a reason."""
    request = (
        CoordinationRequest.objects.select_for_update(of=("self",))
        .select_related("to_department", "from_department")
        .get(pk=request.pk)
    )
    policy.require(
        policy.can_answer(actor, request),
        _("Only %(d)s answers this request.") % {"d": request.to_department.label},
    )
    if request.state != CoordinationRequest.State.OPEN:
        raise ConflictError(_("This request has already been answered."))
    if outcome not in (CoordinationRequest.State.DONE, CoordinationRequest.State.DECLINED):
        raise ApplicationError(_("Choose done or declined."), field="outcome")
    answer = _text(answer, field="answer")
    request.state = outcome
    request.answer = answer
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    audit.record(
        actor=actor,
        obj=request,
        action="coordination.answer",
        from_state=CoordinationRequest.State.OPEN,
        to_state=outcome,
        comment=answer,
    )
    notify(
        recipients=[request.created_by],
        title=format_lazy(
            gettext_lazy("{dept} answered “{title}”"),
            dept=request.to_department.label,
            title=request.title,
        ),
        body=answer,
        url=reverse("work:coordination_detail", args=[request.pk]),
    )
    return request


# --- Channel bookings -----------------------------------------------------------------


@transaction.atomic
def channel_booking_create(
    *, actor, department: Department, channel: Channel, starts_at, ends_at, purpose: str
) -> ChannelBooking:
    """Book a channel slot for a department (渠道资源使用权). The channel row is locked
    so two bookings of overlapping slots cannot both pass the check."""
    policy.require(
        department is not None and policy.can_book_for(actor, department),
        _("Booking channels takes the authority “%(a)s” in the department.")
        % {"a": policy.A.CHANNEL_RESOURCES.label},
    )
    if channel is None:
        raise ApplicationError(_("Choose a channel."), field="channel")
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if not channel.is_active:
        raise ApplicationError(_("This channel is no longer in use."), field="channel")
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is None or timezone.is_naive(value):
            raise ApplicationError(_("Give the time with its time zone."), field=name)
    if ends_at <= starts_at:
        raise ApplicationError(_("The slot must end after it starts."), field="ends_at")
    if starts_at < timezone.now() - dt.timedelta(minutes=1):
        raise ApplicationError(_("The slot has already started."), field="starts_at")
    purpose = _text(purpose, field="purpose", max_length=200)
    clash = (
        ChannelBooking.objects.filter(
            channel=channel,
            state=ChannelBooking.State.BOOKED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .select_related("department")
        .first()
    )
    if clash is not None:
        raise ConflictError(
            _("%(channel)s is booked by %(dept)s from %(start)s to %(end)s.")
            % {
                "channel": channel.label,
                "dept": clash.department.label,
                "start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    booking = ChannelBooking.objects.create(
        department=department,
        channel=channel,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        booked_by=actor,
    )
    audit.record(
        actor=actor,
        obj=booking,
        action="channel_booking.create",
        to_state=ChannelBooking.State.BOOKED,
        comment=purpose,
    )
    return booking


@transaction.atomic
def channel_booking_cancel(*, actor, booking: ChannelBooking) -> ChannelBooking:
    booking = (
        ChannelBooking.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=booking.pk)
    )
    policy.require(
        policy.can_cancel_booking(actor, booking),
        _("Only someone who books channels for %(d)s cancels its bookings.")
        % {"d": booking.department.label},
    )
    if booking.state != ChannelBooking.State.BOOKED:
        raise ConflictError(_("This booking is already cancelled."))
    booking.state = ChannelBooking.State.CANCELLED
    booking.save(update_fields=["state"])
    audit.record(
        actor=actor,
        obj=booking,
        action="channel_booking.cancel",
        from_state=ChannelBooking.State.BOOKED,
        to_state=ChannelBooking.State.CANCELLED,
    )
    return booking
