"""Celery tasks of the work app: each calls one idempotent service."""

from celery import shared_task


@shared_task(name="work.remind_overdue_suggestions")
def remind_overdue_suggestions() -> int:
    from apps.work.services import suggestions_remind_overdue

    return suggestions_remind_overdue()
