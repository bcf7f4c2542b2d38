from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection

from apps.core.models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail copies of in-app notifications. Retried on transport errors."""
    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    for note in rows:
        if not note.recipient.email:
            continue
        body = note.body
        if note.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{note.url}".strip()
        send_mail(note.title, body, None, [note.recipient.email])
        sent += 1
    return sent


@shared_task
def record_heartbeat(source: str = "beat") -> int:
    """Write a row from a worker: deploy checks and tests prove the worker reaches the DB."""
    from apps.core.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.create(source=source[:100], database=connection.vendor)
    return beat.pk
