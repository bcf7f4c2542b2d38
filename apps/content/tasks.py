"""Periodic jobs of the content app (registered in apps.content.apps)."""

from celery import shared_task

from apps.content import services


@shared_task(name="content.publish_due")
def publish_due():
    """Every minute: publish scheduled items whose time has come (idempotent)."""
    return services.content_publish_due()


@shared_task(name="content.remind_overdue")
def remind_overdue():
    """Remind reviewers of overdue steps (once per step per day)."""
    return services.content_remind_overdue()


@shared_task(name="content.publish_item")
def publish_item(item_id: int):
    return services.content_item_publish(item_id=item_id)
