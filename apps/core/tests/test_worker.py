"""A real Celery worker process, on the configured broker, writes to the test database."""

import pytest
from django_celery_beat.schedulers import DatabaseScheduler

from apps.core.models import WorkerHeartbeat
from apps.core.tasks import record_heartbeat
from apps.core.testing import wait_for
from ops_portal.celery import app


@pytest.mark.worker
def test_a_real_worker_runs_a_task_that_writes_to_the_database(celery_worker_process):
    # given a worker process on the broker; when a task is queued
    record_heartbeat.delay("pytest")
    # then the worker's row appears in the test database
    beat = wait_for(lambda: WorkerHeartbeat.objects.filter(source="pytest").first(), timeout=60)
    assert beat.database in {"postgresql", "sqlite"}


@pytest.mark.django_db
def test_beat_reads_its_schedule_from_the_database():
    # given the periodic tasks written after migrate; when beat's scheduler loads
    scheduler = DatabaseScheduler(app=app, lazy=True)
    schedule = scheduler.all_as_schedule()
    # then the core heartbeat is among the entries beat will run
    assert "core: worker heartbeat" in schedule
    assert schedule["core: worker heartbeat"].task == "apps.core.tasks.record_heartbeat"
