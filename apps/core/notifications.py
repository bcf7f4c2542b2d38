"""Notifying people: an in-app row per recipient, and an e-mail copy queued through
Celery once the transaction commits (so nobody is told of a change that rolled back).

Pass `title`/`body` as lazy strings (gettext_lazy / format_lazy): each recipient
gets them rendered in their own language.
"""

from django.db import transaction
from django.utils import timezone, translation

from apps.core.errors import PermissionDenied
from apps.core.models import Notification


def notify(*, recipients, title, body="", url="", send_email=True) -> list[Notification]:
    rows = []
    for user in {r.pk: r for r in recipients if r is not None and r.is_active}.values():
        with translation.override(getattr(user, "preferred_language", None) or "zh-hans"):
            rows.append(
                Notification(recipient=user, title=str(title)[:200], body=str(body), url=url)
            )
    created = Notification.objects.bulk_create(rows)
    if send_email and created:
        from apps.core.tasks import send_notification_emails

        ids = [n.pk for n in created if n.recipient.email]
        if ids:
            transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


# Reading one's own notifications changes no business state, so it is not audited;
# the guard below still keeps people to their own.
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
