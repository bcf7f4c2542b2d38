"""The cycle jobs on PostgreSQL with a real Celery worker: idempotent, resumable, and
closing stages at their deadlines (time travel)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.core.testing import wait_for
from apps.kpis import jobs, presets, services, tasks
from apps.kpis.models import AppraisalCycle, AppraisalForm, FormItem, PeerReview
from apps.kpis.policies import previous_period
from apps.kpis.tests.conftest import qualitative_scores


class Crash(Exception):
    pass


def _counts(cycle):
    return (
        AppraisalForm.objects.filter(cycle=cycle).count(),
        FormItem.objects.filter(form__cycle=cycle).count(),
    )


@pytest.mark.postgres
@pytest.mark.worker
def test_opening_twice_on_a_worker_gives_one_form_per_employee(
    celery_worker_process, people, users
):
    presets.install()
    start, _end = previous_period("monthly", timezone.localdate())
    cycle = services.cycle_open(actor=users["hr"], kind="monthly", period_start=start)  # queues
    tasks.populate_cycle.delay(cycle.pk)  # and once more, as a retried beat run would
    wait_for(lambda: AppraisalCycle.objects.get(pk=cycle.pk).state == "open", timeout=60)
    tasks.populate_cycle.delay(cycle.pk)
    wait_for(lambda: _counts(cycle) == (8, 81), timeout=60)
    employees = list(
        AppraisalForm.objects.filter(cycle=cycle).values_list("employee_id", flat=True)
    )
    assert len(employees) == len(set(employees)) == 8


@pytest.mark.postgres
@pytest.mark.worker
def test_a_job_killed_halfway_completes_when_run_again(celery_worker_process, people, users):
    presets.install()
    start, _end = previous_period("monthly", timezone.localdate())
    cycle = services.cycle_open(
        actor=users["hr"], kind="monthly", period_start=start, enqueue=False
    )

    def crash_after_first(number):
        if number == 1:
            raise Crash

    with pytest.raises(Crash):
        jobs.populate_cycle(cycle.pk, chunk_size=3, after_chunk=crash_after_first)
    forms, items = _counts(cycle)
    assert forms == 3 and 0 < items < 80  # the first chunk is committed, the rest is not
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == "opening"
    tasks.populate_cycle.delay(cycle.pk, chunk_size=3)
    wait_for(lambda: AppraisalCycle.objects.get(pk=cycle.pk).state == "open", timeout=60)
    assert _counts(cycle) == (8, 81)


@pytest.mark.postgres
def test_stages_close_at_their_deadlines(monthly_cycle, people, users):
    form = AppraisalForm.objects.get(cycle=monthly_cycle, employee=people["specialist"])
    late = AppraisalForm.objects.get(cycle=monthly_cycle, employee=people["copywriter"])
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form),
        submit=True,
    )
    [review] = services.peer_reviewers_assign(
        actor=users["manager"], form=form, reviewers=[people["designer"]]
    )
    tz = timezone.get_current_timezone()
    on_due = dt.datetime.combine(monthly_cycle.self_due, dt.time(23, 0), tz)
    with time_machine.travel(on_due, tick=False):
        assert jobs.close_stages()["self"] == 0  # the deadline day is still open
    after_self = dt.datetime.combine(
        monthly_cycle.self_due + dt.timedelta(days=1), dt.time(1, 0), tz
    )
    with time_machine.travel(after_self, tick=False):
        counts = jobs.close_stages()
        assert counts["self"] == 7  # everyone but the specialist had not handed in
        assert jobs.close_stages()["self"] == 0  # idempotent
    late.refresh_from_db()
    assert late.state == "peer" and late.self_submitted_at is None
    after_peer = dt.datetime.combine(
        monthly_cycle.peer_due + dt.timedelta(days=1), dt.time(1, 0), tz
    )
    with time_machine.travel(after_peer, tick=False):
        jobs.close_stages()
    form.refresh_from_db()
    review.refresh_from_db()
    assert form.state == "supervisor" and review.state == PeerReview.State.EXPIRED


@pytest.mark.postgres
def test_reminders_once_a_day_before_deadlines(monthly_cycle, people):
    from apps.core.models import Notification

    tz = timezone.get_current_timezone()
    before = dt.datetime.combine(monthly_cycle.self_due - dt.timedelta(days=1), dt.time(9, 30), tz)
    with time_machine.travel(before, tick=False):
        Notification.objects.all().delete()
        assert jobs.send_reminders() == 8
        assert jobs.send_reminders() == 0
    assert Notification.objects.filter(recipient=people["specialist"].user).count() == 1


@pytest.mark.postgres
def test_open_due_cycles_opens_last_month_once(kpi_presets):
    # 2 March 2026: February's appraisal of 000/003/004 runs until 3 March (次月上旬).
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        today = timezone.localdate()
        first = jobs.open_due_cycles(today)
        assert len(first) == 1
        assert jobs.open_due_cycles(today) == []
    start, _end = previous_period("monthly", today)
    assert AppraisalCycle.objects.get(pk=first[0]).period_start == start
