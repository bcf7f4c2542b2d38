"""Repeated below-standard monthly results → required training with a due date and a
task for the supervisor, once per run of results (apps.training.appraisal_link
.monthly_signals over apps.kpis.selectors.repeated_monthly_below_standard)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import AuditEntry, Notification
from apps.kpis.models import AppraisalForm
from apps.training import services
from apps.training.appraisal_link import MONTHLY_SOURCE_TYPE, monthly_signals
from apps.training.models import SupervisorTask, TrainingAssignment
from apps.training.tasks import training_from_appraisal_results_task
from apps.training.tests.factories import released_month

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


@pytest.fixture
def cs(people):
    from apps.kpis import presets

    presets.install()
    return people["cs"]


def run():
    return services.training_from_appraisal_results(monthly_signals())


def test_two_consecutive_below_standard_months_create_one_required_training(cs, people):
    released_month(YEAR, 3, {cs: "D"})
    april = released_month(YEAR, 4, {cs: "D"})

    assert run() == {"assignments": 1, "flags": 0, "skipped": 0}

    assignment = TrainingAssignment.objects.get()
    source = AppraisalForm.objects.get(cycle=april, employee=cs)
    assert (assignment.source_type, assignment.source_id) == (MONTHLY_SOURCE_TYPE, str(source.pk))
    assert assignment.employee == cs and assignment.supervisor == people["manager"]
    assert assignment.reason == TrainingAssignment.Reason.BELOW_STANDARD
    assert assignment.due_on > timezone.localdate()
    assert f"{YEAR}-04" in assignment.source_label and "连续 2 个月" in assignment.source_label
    assert "D" in assignment.source_label and "45" in assignment.source_label
    task = SupervisorTask.objects.get()
    assert (task.supervisor, task.employee, task.assignment) == (people["manager"], cs, assignment)
    assert task.kind == SupervisorTask.Kind.ARRANGE_TRAINING
    assert task.due_on < assignment.due_on
    assert Notification.objects.filter(recipient=cs.user).count() == 1
    assert Notification.objects.filter(recipient=people["manager"].user).count() == 1
    assert AuditEntry.objects.filter(action="training_assignment.from_appraisal").count() == 1


def test_running_twice_still_gives_one(cs):
    released_month(YEAR, 3, {cs: "D"})
    released_month(YEAR, 4, {cs: "D"})

    first = training_from_appraisal_results_task()
    second = training_from_appraisal_results_task()

    assert first["assignments"] == 1
    assert second == {"assignments": 0, "flags": 0, "skipped": 1}
    assert TrainingAssignment.objects.count() == SupervisorTask.objects.count() == 1


def test_a_third_month_in_the_run_adds_nothing(cs):
    released_month(YEAR, 3, {cs: "D"})
    released_month(YEAR, 4, {cs: "D"})
    run()
    released_month(YEAR, 5, {cs: "D"})

    assert run()["assignments"] == 0
    assert TrainingAssignment.objects.count() == 1


def test_one_below_standard_month_creates_nothing(cs):
    released_month(YEAR, 3, {cs: "A"})
    released_month(YEAR, 4, {cs: "D"})

    assert run() == {"assignments": 0, "flags": 0, "skipped": 0}
    assert not TrainingAssignment.objects.exists()
    assert not SupervisorTask.objects.exists()


def test_a_good_month_in_between_creates_nothing(cs):
    released_month(YEAR, 3, {cs: "D"})
    released_month(YEAR, 4, {cs: "B"})
    released_month(YEAR, 5, {cs: "D"})

    assert run()["assignments"] == 0
    assert not TrainingAssignment.objects.exists()


def test_a_new_run_after_a_good_month_is_a_new_required_training(cs):
    released_month(YEAR, 3, {cs: "D"})
    released_month(YEAR, 4, {cs: "D"})
    run()
    released_month(YEAR, 5, {cs: "B"})
    released_month(YEAR, 6, {cs: "D"})
    assert run()["assignments"] == 0
    july = released_month(YEAR, 7, {cs: "D"})

    assert run()["assignments"] == 1
    latest = TrainingAssignment.objects.order_by("-pk").first()
    assert latest.source_id == str(AppraisalForm.objects.get(cycle=july, employee=cs).pk)
    assert TrainingAssignment.objects.filter(employee=cs).count() == 2


def test_a_rerun_with_nothing_new_costs_the_same_at_any_size(cs, people):
    released_month(YEAR, 3, {cs: "D"})
    released_month(YEAR, 4, {cs: "D"})
    training_from_appraisal_results_task()
    with CaptureQueriesContext(connection) as one:
        assert training_from_appraisal_results_task()["skipped"] == 1

    released_month(YEAR, 5, default="D")
    released_month(YEAR, 6, default="D")
    created = training_from_appraisal_results_task()["assignments"]
    assert created > 5
    with CaptureQueriesContext(connection) as many:
        assert training_from_appraisal_results_task()["skipped"] == created + 1

    assert len(many) == len(one) <= 12
