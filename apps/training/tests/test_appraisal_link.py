"""Appraisal → training with the real jobs on a real Celery worker: the annual job
builds the annual results (kpis) and, right after, below-standard ones become required
training and repeated excellence development flags; the monthly compute job is followed
by required training for repeated below-standard monthly results once released."""

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from apps.core.testing import TRANSACTIONAL_DB, wait_for
from apps.training.models import DevelopmentFlag, SupervisorTask, TrainingAssignment


def _year_of_monthly_results(people):
    from apps.kpis import jobs, presets
    from apps.kpis.models import AppraisalCycle, AppraisalForm

    presets.install()
    year = timezone.localdate().year - 1
    for month, score in enumerate([95, 92, 91], start=1):
        cycle = AppraisalCycle.objects.create(
            kind="monthly",
            period_start=dt.date(year, month, 1),
            period_end=dt.date(year, month, 28),
            state="closed",
        )
        jobs.populate_cycle(cycle.pk)
        AppraisalForm.objects.filter(cycle=cycle).update(
            state="locked", total_score=score, grade="S"
        )
        AppraisalForm.objects.filter(cycle=cycle, employee=people["cs"]).update(
            total_score=50, grade="D"
        )
    return year


@pytest.mark.worker
@TRANSACTIONAL_DB
def test_annual_job_on_a_worker_creates_required_training_once(
    people, users, celery_worker_process
):
    from apps.kpis import services as kpi_services
    from apps.kpis.models import AnnualResult

    year = _year_of_monthly_results(people)
    kpi_services.cycle_open(actor=users["hr"], kind="annual", period_start=dt.date(year, 1, 1))

    annual = TrainingAssignment.objects.filter(
        employee=people["cs"], source_type="kpis.annualresult"
    )
    assignment = wait_for(annual.first, timeout=90)
    source = AnnualResult.objects.get(year=year, employee=people["cs"])
    assert (assignment.source_type, assignment.source_id) == ("kpis.annualresult", str(source.pk))
    assert assignment.reason == TrainingAssignment.Reason.BELOW_STANDARD
    assert assignment.due_on > timezone.localdate()
    assert SupervisorTask.objects.filter(
        assignment=assignment, supervisor=people["manager"]
    ).exists()
    flagged = wait_for(
        lambda: DevelopmentFlag.objects.filter(employee=people["specialist"]).first(), timeout=30
    )
    assert flagged.source_id == str(
        AnnualResult.objects.get(year=year, employee=people["specialist"]).pk
    )

    # The annual job is rebuilt (kpis upserts its results) and training follows again:
    # nothing is created twice.
    from apps.kpis.tasks import populate_cycle

    log = Path(settings.BASE_DIR) / "var" / f"test-worker-{os.getpid()}.log"
    wait_for(lambda: _succeeded_runs(log) >= 1, timeout=90)  # the first run has finished
    runs_before = _succeeded_runs(log)
    before = _counts()
    populate_cycle.delay(AnnualResult.objects.get(year=year, employee=people["cs"]).cycle_id)
    wait_for(lambda: _succeeded_runs(log) > runs_before, timeout=90)
    assert annual.count() == 1
    assert DevelopmentFlag.objects.filter(employee=people["specialist"]).count() == 1
    assert _counts() == before
    # cs's monthly results (January to March, all D) are a run of their own: one more
    # required training, from the form that made it two in a row (February's).
    from apps.kpis.models import AppraisalForm

    monthly = TrainingAssignment.objects.get(
        employee=people["cs"], source_type="kpis.appraisalform"
    )
    assert monthly.source_id == str(
        AppraisalForm.objects.get(
            employee=people["cs"], cycle__kind="monthly", cycle__period_start=dt.date(year, 2, 1)
        ).pk
    )


@pytest.mark.worker
@TRANSACTIONAL_DB
def test_monthly_compute_on_a_worker_turns_repeated_below_standard_into_training(
    people, users, celery_worker_process
):
    """The month before last was below standard; last month's form is scored low, the
    kpis compute job runs on the worker (nothing yet: results count once released), HR
    releases, the next compute run is followed by the required training, once."""
    from apps.kpis import jobs, presets
    from apps.kpis import raters as kpi_raters
    from apps.kpis import services as kpi
    from apps.kpis.models import AppraisalForm
    from apps.kpis.policies import previous_period
    from apps.kpis.tasks import close_stages, compute_scores
    from apps.training.tests.factories import released_month

    presets.install()
    cs, manager = people["cs"], people["manager"]
    last_start, _end = previous_period("monthly", timezone.localdate())
    before_start, _end = previous_period("monthly", last_start)
    released_month(before_start.year, before_start.month, {cs: "D"})
    cycle = kpi.cycle_open(
        actor=users["hr"], kind="monthly", period_start=last_start, enqueue=False
    )
    jobs.populate_cycle(cycle.pk)
    form = AppraisalForm.objects.get(cycle=cycle, employee=cs)
    items = list(form.items.select_related("indicator"))
    kpi.form_save_self(
        actor=cs.user,
        form=form,
        tasks="处理用户投诉",
        results="响应偏慢",
        problems="高峰期积压",
        scores={i.pk: Decimal(30) for i in kpi_raters.self_items(form)},
        submit=True,
    )
    kpi.form_supervisor_score(
        actor=manager.user,
        form=form,
        scores={i.pk: Decimal(20) for i in items},
        comment="本月多次超时",
        submit=True,
    )

    log = Path(settings.BASE_DIR) / "var" / f"test-worker-{os.getpid()}.log"
    compute_scores.delay(cycle.pk)
    wait_for(lambda: _succeeded_runs(log) >= 1, timeout=90)  # training ran after compute
    form.refresh_from_db()
    assert (form.state, form.grade) == ("calibration", "D")
    assert not TrainingAssignment.objects.exists()  # not released: not a result yet

    kpi.form_calibrate(actor=manager.user, form=form)
    kpi.forms_release(actor=users["hr"], cycle=cycle, forms=[form])
    compute_scores.delay()  # beat's quarter-hourly run over the open cycles

    assignment = wait_for(
        lambda: TrainingAssignment.objects.filter(employee=cs).first(), timeout=90
    )
    assert (assignment.source_type, assignment.source_id) == ("kpis.appraisalform", str(form.pk))
    assert assignment.reason == TrainingAssignment.Reason.BELOW_STANDARD
    assert assignment.due_on > timezone.localdate()
    assert f"{last_start:%Y-%m}" in assignment.source_label
    assert SupervisorTask.objects.filter(assignment=assignment, supervisor=manager).exists()

    # The hourly stage job (locking results) is followed by training again: nothing twice.
    wait_for(lambda: _succeeded_runs(log) >= 2, timeout=90)
    before = _counts()
    close_stages.delay()
    wait_for(lambda: _succeeded_runs(log) >= 3, timeout=90)
    assert _counts() == before == (1, 0, 1)


def _counts():
    return (
        TrainingAssignment.objects.count(),
        DevelopmentFlag.objects.count(),
        SupervisorTask.objects.count(),
    )


def _succeeded_runs(log) -> int:
    return sum(
        1
        for line in log.read_text().splitlines()
        if "training.training_from_appraisal_results" in line and "succeeded" in line
    )
