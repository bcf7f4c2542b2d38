"""Publishing: schedule an approved item, publish it through its channel when its time
comes (with retries), archive it."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.content import permissions as policy
from apps.content.models import ContentItem, Publication
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify

from ._common import Decision, State, _item_url, _lock, _log


def _schedule(item: ContentItem, *, actor):
    from_state = item.state
    item.state = State.SCHEDULED
    item.save()
    _log(
        item,
        actor=actor,
        decision=Decision.SCHEDULED,
        comment=timezone.localtime(item.publish_at).strftime("%Y-%m-%d %H:%M"),
        from_state=from_state,
    )


@transaction.atomic
def content_item_schedule(*, actor, item: ContentItem, publish_at) -> ContentItem:
    """Set (or move) the publish time of approved content. Refused to anyone but the author
    or a reviewer of the department, for content not approved or scheduled (a conflict),
    and for a time without a time zone or already past."""
    item = _lock(item)
    if not policy.can_schedule(actor, item):
        raise PermissionDenied(_("Only the author or a reviewer of this department schedules it."))
    if item.state not in (State.APPROVED, State.SCHEDULED):
        raise ConflictError(_("Only approved content can be scheduled."))
    if publish_at is None or timezone.is_naive(publish_at):
        raise ApplicationError(_("Give the publish time with its time zone."), field="publish_at")
    if publish_at < timezone.now() - dt.timedelta(minutes=1):
        raise ApplicationError(_("The publish time has already passed."), field="publish_at")
    if item.state == State.SCHEDULED and item.publish_at == publish_at:
        return item
    item.publish_at = publish_at
    # a new time is a fresh start for the publisher (after failures, too)
    item.publish_attempts = 0
    item.publish_retry_at = None
    _schedule(item, actor=actor)
    return item


@transaction.atomic
def content_item_archive(*, actor, item: ContentItem) -> ContentItem:
    """Archive a published, withdrawn or draft item. Refused to anyone but the author or a
    reviewer of the department, and (conflicts) when already archived or in another state."""
    item = _lock(item)
    if not policy.can_schedule(actor, item):
        raise PermissionDenied(_("Only the author or a reviewer of this department archives it."))
    if item.state == State.ARCHIVED:
        raise ConflictError(_("This item is already archived."))
    if item.state not in (State.PUBLISHED, State.WITHDRAWN, State.DRAFT):
        raise ConflictError(_("Only published, withdrawn or draft items are archived."))
    from_state = item.state
    item.state = State.ARCHIVED
    item.save()
    _log(item, actor=actor, decision=Decision.ARCHIVED, from_state=from_state)
    return item


MAX_PUBLISH_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd and 4th failure: a channel that is down for a while is
# not hammered every minute, and a short blip costs a minute.
PUBLISH_RETRY_DELAYS = [dt.timedelta(minutes=m) for m in (1, 5, 15, 60)]


def publish_retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait before the next publish attempt after `attempts` failures."""
    return PUBLISH_RETRY_DELAYS[min(attempts, len(PUBLISH_RETRY_DELAYS)) - 1]


def content_item_publish(*, item_id: int, now=None) -> str:
    """Publish one scheduled item whose time has come, through its channel's publisher.
    Returns "published", "failed" or "skipped" (locked by another run, not due, or done).
    Idempotent: the row lock (skip_locked) and the unique publication per item make a
    second run a no-op."""
    from apps.content.publishers import PublishError, publisher_for

    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            ContentItem.objects.select_for_update(skip_locked=True)
            .filter(pk=item_id, state=State.SCHEDULED, publish_at__lte=now)
            .first()
        )
        if locked is None:
            return "skipped"
        item = ContentItem.objects.select_related("channel", "author").get(pk=locked.pk)
        if Publication.objects.filter(item=item, status=Publication.Status.PUBLISHED).exists():
            return "skipped"
        publication = Publication.objects.filter(item=item).first() or Publication(
            item=item, channel=item.channel
        )
        publication.attempts += 1
        try:
            result = publisher_for(item.channel).publish(item)
        except PublishError as error:
            publication.status = Publication.Status.FAILED
            publication.last_error = str(error)[:2000]
            publication.save()
            # the item counts attempts since it was (re)scheduled; the publication, all
            item.publish_attempts += 1
            item.publish_error = str(error)[:2000]
            item.publish_retry_at = now + publish_retry_delay(item.publish_attempts)
            item.save(
                update_fields=[
                    "publish_attempts",
                    "publish_error",
                    "publish_retry_at",
                    "updated_at",
                ]
            )
            _log(item, actor=None, decision=Decision.PUBLISH_FAILED, comment=str(error)[:500],
                 from_state=item.state)  # fmt: skip
            if item.publish_attempts >= MAX_PUBLISH_ATTEMPTS:
                notify(
                    recipients=[item.author],
                    title=format_lazy(gettext_lazy("Publishing failed: {title}"), title=item.title),
                    body=str(error),
                    url=_item_url(item),
                )
            return "failed"
        publication.status = Publication.Status.PUBLISHED
        publication.published_at = now
        publication.url = result.url
        publication.reference = result.reference
        publication.last_error = ""
        publication.save()
        item.state = State.PUBLISHED
        item.publish_attempts += 1
        item.publish_error = ""
        item.publish_retry_at = None
        item.save()
        _log(item, actor=None, decision=Decision.PUBLISHED, comment=result.url,
             from_state=State.SCHEDULED)  # fmt: skip
        notify(
            recipients=[item.author],
            title=format_lazy(gettext_lazy("Published: {title}"), title=item.title),
            url=_item_url(item),
        )
        return "published"


def content_publish_due(now=None) -> dict:
    """The every-minute job: publish what is due. A failed item is retried after its
    back-off (PUBLISH_RETRY_DELAYS) until MAX_PUBLISH_ATTEMPTS."""
    now = now or timezone.now()
    ids = list(
        ContentItem.objects.filter(
            Q(publish_retry_at__isnull=True) | Q(publish_retry_at__lte=now),
            state=State.SCHEDULED,
            publish_at__lte=now,
            publish_attempts__lt=MAX_PUBLISH_ATTEMPTS,
        )
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    outcome = {"published": 0, "failed": 0, "skipped": 0}
    for item_id in ids:
        outcome[content_item_publish(item_id=item_id, now=now)] += 1
    return outcome
