"""Fixtures for the appraisal tests: the presets installed over the `people` org, and a
monthly cycle for last month opened by HR and populated synchronously."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from apps.kpis import jobs, presets, raters, services
from apps.kpis.models import AppraisalForm
from apps.kpis.policies import previous_period


@pytest.fixture(autouse=True)
def english_messages():
    """Service and scoring tests match messages in English; pages and the API pick the
    language per request (and the export per user) whatever is active here."""
    with translation.override("en"):
        yield


@pytest.fixture
def kpi_presets(people):
    return presets.install()


@pytest.fixture
def monthly_cycle(kpi_presets, users):
    start, _end = previous_period("monthly", timezone.localdate())
    cycle = services.cycle_open(
        actor=users["hr"], kind="monthly", period_start=start, enqueue=False
    )
    jobs.populate_cycle(cycle.pk)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def form_of(monthly_cycle):
    def get(employee):
        return AppraisalForm.objects.get(cycle=monthly_cycle, employee=employee)

    return get


def qualitative_scores(form, value=80, review=None):
    """A score for every indicator the employee rates (or, given a peer review, every
    indicator that colleague rates): apps.kpis.raters decides which."""
    items = raters.review_items(review) if review is not None else raters.self_items(form)
    return {item.pk: Decimal(value) for item in items}


def all_scores(form, value=80):
    return {item.pk: Decimal(value) for item in form.items.all()}


def walk_to_calibration(
    form, users, *, peer=None, self_value=80, peer_value=80, supervisor_value=80
):
    """Drive a form from self-assessment to manager review through the services."""
    employee_user = form.employee.user
    services.form_save_self(
        actor=employee_user,
        form=form,
        tasks="任务",
        results="成果",
        problems="问题与解决",
        scores=qualitative_scores(form, self_value),
        submit=True,
    )
    if peer is not None:
        [review] = services.peer_reviewers_assign(actor=users["hr"], form=form, reviewers=[peer])
        services.peer_review_submit(
            actor=peer.user, review=review, scores=qualitative_scores(form, peer_value, review)
        )
    supervisor_user = form.supervisor.user
    services.form_supervisor_score(
        actor=supervisor_user,
        form=form,
        scores=all_scores(form, supervisor_value),
        comment="好",
        submit=True,
    )
    services.cycle_aggregate(actor=users["hr"], cycle=form.cycle)
    form.refresh_from_db()
    return form
