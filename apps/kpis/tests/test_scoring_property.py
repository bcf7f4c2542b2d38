"""Property: on any form HR aggregates, the one-statement SQL path (PostgreSQL) gives
the item scores, totals, grades, states and audit rows of the Python rules of
apps.kpis.scoring. Hypothesis draws the inputs aggregation reads: indicator kind,
weight, every Raters value, section shares (including all-zero), formula scores, and
supervisor / self / peer / team ratings, None or anywhere in 0..100 with the edges.
Targets and composite parts are not drawn: they make the formula score when the actual
is entered (scoring.quantitative_result), and aggregation reads only that score."""

from decimal import Decimal as D

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.kpis.models import (
    AppraisalForm,
    FormItem,
    Indicator,
    PeerReview,
    RaterRole,
    Raters,
    Rating,
    TemplateSection,
)
from apps.kpis.tests.test_compute_sql import _both

pytestmark = pytest.mark.postgres

# Scores as stored (two decimals), with the edges 0 and 100 drawn often.
scores = st.one_of(
    st.sampled_from([D("0"), D("100"), D("0.01"), D("99.99")]),
    st.integers(0, 10_000).map(lambda n: D(n) / 100),
)
# None a quarter of the time: a form is aggregated only when every item has a score,
# and enough forms must get that far to compare totals, grades and audit rows too.
maybe_score = st.one_of(scores, scores, scores, st.none())
peer_ratings = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from([RaterRole.PEER, RaterRole.TEAM]), scores),
    max_size=3,
    unique_by=lambda rating: rating[0],  # one rating per review and item
)
item_inputs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(list(Indicator.Kind.values)),
        "raters": st.sampled_from(list(Raters.values)),
        "weight": st.sampled_from([D("0"), D("100")]) | st.integers(0, 100).map(D),
        "formula_score": maybe_score,
        "supervisor": maybe_score,
        "self": maybe_score,
        "peers": peer_ratings,
    }
)
shares = st.tuples(*[st.integers(0, 100).map(D)] * 3) | st.just((D(0), D(0), D(0)))


class Undo(Exception):
    pass


@pytest.mark.django_db
def test_sql_path_equals_python_rules_on_random_forms(monthly_cycle, people, users):
    forms = AppraisalForm.objects.filter(cycle=monthly_cycle).select_related("employee")
    form = forms.get(employee=people["specialist"])
    forms.exclude(pk=form.pk).update(state="supervisor")  # one form per example: fast
    items = list(form.items.order_by("order"))
    reviewers = [e for e in people.values() if e.pk != form.employee_id][:3]

    @settings(
        max_examples=200,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        drawn=st.lists(item_inputs, min_size=len(items), max_size=len(items)),
        section_shares=shares,
    )
    def check(drawn, section_shares):
        try:
            with transaction.atomic():
                _write(form, items, reviewers, drawn, section_shares, users["hr"])
                sql, python = _both(monthly_cycle, users["hr"])
                raise Undo
        except Undo:
            pass
        assert sql == python

    check()


def _write(form, items, reviewers, drawn, section_shares, hr):
    """Put the drawn inputs on the form (undone after the example)."""
    supervisor, peer, self_share = section_shares
    TemplateSection.objects.filter(pk__in={i.section_id for i in items}).update(
        supervisor_share=supervisor, peer_share=peer, self_share=self_share
    )
    reviews = PeerReview.objects.bulk_create(
        [PeerReview(form=form, reviewer=r, state="submitted", assigned_by=hr) for r in reviewers]
    )
    ratings = []
    for item, data in zip(items, drawn, strict=True):
        Indicator.objects.filter(pk=item.indicator_id).update(kind=data["kind"])
        FormItem.objects.filter(pk=item.pk).update(
            raters=data["raters"], weight=data["weight"], formula_score=data["formula_score"]
        )
        for role in (RaterRole.SUPERVISOR, RaterRole.SELF):
            if data[role] is not None:
                ratings.append(Rating(item=item, role=role, score=data[role]))
        ratings += [
            Rating(item=item, role=role, peer_review=reviews[index], score=score)
            for index, role, score in data["peers"]
        ]
    Rating.objects.bulk_create(ratings)
    AppraisalForm.objects.filter(pk=form.pk).update(state="aggregation")
