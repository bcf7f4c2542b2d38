"""HR aggregation in one SQL statement (PostgreSQL) gives exactly what the Python rules
of apps.kpis.scoring give (the path kept for other databases): item scores, totals,
grades, bonus coefficients, states and audit rows — and costs the same number of
queries for one form as for many."""

import random
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.kpis import jobs, services
from apps.kpis.models import AppraisalForm, FormItem, PeerReview, Rating
from apps.kpis.policies import Resolver
from apps.kpis.tests.conftest import qualitative_scores

pytestmark = pytest.mark.postgres


class Undo(Exception):
    pass


def _snapshot(cycle):
    items = dict(FormItem.objects.filter(form__cycle=cycle).values_list("pk", "score"))
    forms = {
        row[0]: row[1:]
        for row in AppraisalForm.objects.filter(cycle=cycle).values_list(
            "pk", "computed_score", "total_score", "grade", "bonus_coefficient", "state"
        )
    }
    audit = sorted(
        AuditEntry.objects.filter(action="form.aggregated").values_list(
            "object_type", "object_id", "object_repr", "from_state", "to_state", "actor_id"
        )
    )
    return items, forms, audit


def _run(path, cycle, actor):
    """Run one path of compute_scores, snapshot the outcome, undo it."""
    forms = AppraisalForm.objects.filter(cycle=cycle, state="aggregation")
    try:
        with transaction.atomic():
            count = path(forms, Resolver(), actor)
            result = (count, *_snapshot(cycle))
            raise Undo
    except Undo:
        pass
    return result


def _both(cycle, actor):
    sql = _run(jobs._compute_scores_sql, cycle, actor)
    python = _run(jobs._compute_scores_python, cycle, actor)
    return sql, python


def test_003_preset_total_is_82_60_by_sql_and_by_python(form_of, people, users):
    form = form_of(people["specialist"])
    items = list(form.items.order_by("order"))
    given = ["90", "80", "85", "70", "75", "88", "92", "60", "100", "95", "70"]
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form, 0),
        submit=True,
    )
    for item, value in zip(items, given, strict=True):
        Rating.objects.filter(item=item, role="self").update(score=D(value))
    scores = {item.pk: D(v) for item, v in zip(items, given, strict=True)}
    scores[items[0].pk] = ""
    # The composite official-account metric at 95 % of every target → 90.
    parts = {"followers": 475, "reads": 47500, "shares": 1900, "likes": 2850, "comments": 475}
    services.item_set_actual(actor=users["manager"], item=items[0], parts=parts)
    services.form_supervisor_score(actor=users["manager"], form=form, scores=scores, submit=True)

    sql, python = _both(form.cycle, users["hr"])

    assert sql == python
    count, _items, forms, audit = sql
    assert count == 1
    assert forms[form.pk] == (D("82.60"), D("82.60"), "A", D("1.20"), "calibration")
    assert audit == [
        (
            "kpis.appraisalform",
            str(form.pk),
            form.employee.name,
            "aggregation",
            "calibration",
            users["hr"].pk,
        )
    ]


def _rate_at_random(cycle, people, users, seed):
    """Every form handed to HR with random ratings: self, supervisor, zero to three
    peers (means that do not divide evenly), formula scores on some quantitative items,
    and on some forms an item nobody rated (the form stays with HR)."""
    rng = random.Random(seed)

    def score():
        return D(rng.randint(0, 10_000)) / 100

    employees = list(people.values())
    ratings = []
    for form in AppraisalForm.objects.filter(cycle=cycle).select_related("employee"):
        reviewers = [e for e in employees if e.pk != form.employee_id]
        reviews = PeerReview.objects.bulk_create(
            [
                PeerReview(form=form, reviewer=r, state="submitted", assigned_by=users["hr"])
                for r in rng.sample(reviewers, rng.randint(0, 3))
            ]
        )
        unrated = rng.random() < 0.25
        items = list(form.items.select_related("indicator"))
        for index, item in enumerate(items):
            if unrated and index == len(items) - 1:
                continue
            if item.indicator.kind == "quantitative" and rng.random() < 0.5:
                item.formula_score = score()
                item.save(update_fields=["formula_score"])
            if rng.random() < 0.9:
                ratings.append(Rating(item=item, role="supervisor", score=score()))
            if rng.random() < 0.8:
                ratings.append(Rating(item=item, role="self", score=score()))
            ratings += [
                Rating(item=item, role="peer", peer_review=review, score=score())
                for review in reviews
                if rng.random() < 0.8
            ]
    Rating.objects.bulk_create(ratings)
    AppraisalForm.objects.filter(cycle=cycle).update(state="aggregation")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_and_python_agree_on_random_ratings(monthly_cycle, people, users, seed):
    _rate_at_random(monthly_cycle, people, users, seed)

    sql, python = _both(monthly_cycle, users["hr"])

    assert sql == python
    count, items, forms, audit = sql
    assert count == len(audit) == sum(1 for f in forms.values() if f[-1] == "calibration")
    assert any(score is None for score in items.values()) or count == len(forms)


def test_sql_path_is_one_statement_whatever_the_number_of_forms(monthly_cycle, people, users):
    _rate_at_random(monthly_cycle, people, users, seed=4)
    forms = AppraisalForm.objects.filter(cycle=monthly_cycle)
    one = forms.order_by("pk").first()
    forms.exclude(pk=one.pk).update(state="supervisor")

    with CaptureQueriesContext(connection) as small:
        jobs.compute_scores(monthly_cycle.pk, actor=users["hr"])
    forms.filter(state="supervisor").update(state="aggregation")
    with CaptureQueriesContext(connection) as large:
        done = jobs.compute_scores(monthly_cycle.pk, actor=users["hr"])

    assert forms.filter(state="calibration").count() > 2
    assert done >= 1
    assert len(small) == len(large)
    # A rerun finds nothing left to aggregate and changes nothing.
    before = _snapshot(monthly_cycle)
    assert jobs.compute_scores(monthly_cycle.pk, actor=users["hr"]) == 0
    assert _snapshot(monthly_cycle) == before
