import datetime as dt

import pytest
from django.utils import timezone

from apps.content import tasks
from apps.content.models import ContentItem, Publication
from apps.content.tests.factories import approve, fresh, make_item, submit
from apps.core import schedules
from apps.core.testing import wait_for


def test_jobs_are_registered():
    names = {s.task for s in schedules.registered()}
    assert {"content.publish_due", "content.remind_overdue"} <= names
    publish = next(s for s in schedules.registered() if s.task == "content.publish_due")
    assert publish.every_seconds == 60


@pytest.mark.django_db
def test_publish_task_function_is_idempotent(users):
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"], publish_at=timezone.now() + dt.timedelta(seconds=1))
    ContentItem.objects.filter(pk=item.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert tasks.publish_due()["published"] == 1
    assert tasks.publish_due()["published"] == 0
    assert Publication.objects.filter(item=item).count() == 1


@pytest.mark.worker
def test_real_worker_publishes_scheduled_item(users, celery_worker_process):
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"], publish_at=timezone.now() + dt.timedelta(seconds=1))
    ContentItem.objects.filter(pk=item.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    tasks.publish_due.delay()
    wait_for(lambda: fresh(item).state == ContentItem.State.PUBLISHED, timeout=60)
    assert Publication.objects.filter(item=item, status="published").count() == 1
