"""Who scores what (issue 12): per-indicator raters on the 003 and 000 presets, team
members vs peers, refusals that change nothing, attendance, and both aggregation paths
agreeing on it."""

from decimal import Decimal as D

import pytest

from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.models import AuditEntry
from apps.kpis import attendance, raters, scoring, services
from apps.kpis.models import AttendanceRecord, FormItem, Rating
from apps.kpis.tests.conftest import qualitative_scores, walk_to_calibration
from apps.kpis.tests.test_compute_sql import _both, _rate_at_random

pytestmark = pytest.mark.django_db
M = scoring.Mix(D(70), D(20), D(10))


@pytest.mark.parametrize(
    ("who", "self_scored", "expected"),
    [
        ("", True, (70, 20, 10)),
        ("", False, (70, 20, 0)),
        ("supervisor", True, (100, 0, 0)),
        ("team", True, (0, 100, 0)),
        ("peers", True, (0, 100, 0)),
        ("peers_supervisor", True, (70, 20, 0)),
        ("self", True, (0, 0, 100)),
        ("data", True, (100, 0, 0)),
    ],
)
def test_rater_mix_per_choice(who, self_scored, expected):
    mix = scoring.rater_mix(who, M, self_scored=self_scored)
    assert (mix.supervisor, mix.peer, mix.self) == tuple(D(v) for v in expected)


def _state(form):
    return (
        sorted(Rating.objects.filter(item__form=form).values_list("item_id", "role", "score")),
        AuditEntry.objects.count(),
        form.__class__.objects.get(pk=form.pk).state,
    )


def test_003_the_employee_does_not_rate_teamwork_or_ethics(form_of, people, users):
    form = form_of(people["specialist"])
    teamwork = form.items.get(indicator__code="teamwork")
    ethics = form.items.get(indicator__code="ethics")
    before = _state(form)
    for item in (teamwork, ethics):
        with pytest.raises(ApplicationError) as refused:
            services.form_save_self(
                actor=users["specialist"],
                form=form,
                tasks="t",
                results="r",
                scores={**qualitative_scores(form), item.pk: D(90)},
                submit=True,
            )
        assert refused.value.field == f"score_{item.pk}"
        assert _state(form) == before  # nothing written, nothing audited, still "self"
    own = {i.indicator.code for i in raters.self_items(form)}
    assert {"teamwork", "ethics", "rules", "wx_ops_metrics"}.isdisjoint(own)
    assert {"collaboration", "responsibility", "confidentiality"} <= own


def test_team_members_rate_teamwork_peers_do_not(form_of, people, users):
    form = form_of(people["specialist"])
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form),
        submit=True,
    )
    team, peer = services.peer_reviewers_assign(
        actor=users["manager"],
        form=form,
        reviewers=[people["specialist2"], people["other_specialist"]],
    )
    assert (team.relation, peer.relation) == ("team", "peer")  # same supervisor / not
    teamwork = form.items.get(indicator__code="teamwork")
    assert teamwork in raters.review_items(team)
    assert teamwork not in raters.review_items(peer)
    before = _state(form)
    with pytest.raises(ApplicationError) as refused:
        services.peer_review_submit(
            actor=users["other_specialist"],
            review=peer,
            scores={**qualitative_scores(form, 60, peer), teamwork.pk: D(60)},
        )
    assert refused.value.field == f"score_{teamwork.pk}"
    with pytest.raises(ApplicationError, match="Score every indicator"):
        services.peer_review_submit(
            actor=users["specialist2"], review=team, scores=qualitative_scores(form, 60, peer)
        )
    assert _state(form) == before
    peer.refresh_from_db()
    assert peer.state == "pending"
    services.peer_review_submit(
        actor=users["specialist2"], review=team, scores=qualitative_scores(form, 50, team)
    )
    assert Rating.objects.get(item=teamwork, peer_review=team).role == "team"


def test_003_scores_by_who_rates_each_indicator(form_of, people, users):
    form = walk_to_calibration(
        form_of(people["specialist"]),
        users,
        peer=people["specialist2"],
        self_value=100,
        peer_value=60,
        supervisor_value=80,
    )
    score = dict(form.items.values_list("indicator__code", "score"))
    assert score["collaboration"] == D("78.00")  # section mix: 0.7·80 + 0.2·60 + 0.1·100
    assert score["teamwork"] == D("60.00")  # team members only (the old mix gave 78)
    assert score["ethics"] == D("75.56")  # (0.7·80 + 0.2·60) ÷ 0.9, no self (old: 78)
    assert score["rules"] == D("80.00")  # no attendance entered: the supervisor's score


def test_teamwork_falls_back_to_the_supervisor_when_no_team_member_rated(form_of, people, users):
    form = walk_to_calibration(form_of(people["specialist"]), users, supervisor_value=70)
    assert form.items.get(indicator__code="teamwork").score == D("70.00")


def test_000_self_assessment_is_a_summary_and_the_supervisor_scores(
    kpi_presets, make_employee, people, users, monthly_cycle
):
    form = monthly_cycle.forms.get(employee=people["other_specialist"])
    assert form.template.self_scored is False
    assert raters.self_items(form) == []
    item = form.items.filter(indicator__kind="qualitative").first()
    before = _state(form)
    with pytest.raises(ApplicationError):
        services.form_save_self(
            actor=users["other_specialist"],
            form=form,
            tasks="t",
            results="r",
            scores={item.pk: D(90)},
        )
    assert _state(form) == before
    services.form_save_self(
        actor=users["other_specialist"], form=form, tasks="做了", results="成果", submit=True
    )
    form.refresh_from_db()
    assert (form.state, form.work_tasks) == ("peer", "做了")
    assert {i.raters for i in form.items.filter(indicator__kind="qualitative")} == {"supervisor"}


def test_attendance_record_scores_the_rules_indicator(form_of, people, users):
    form = form_of(people["specialist"])
    rules = form.items.get(indicator__code="rules")
    before = (AttendanceRecord.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        attendance.attendance_record_set(actor=users["manager"], form=form, absences=1)
    with pytest.raises(ApplicationError) as refused:
        attendance.attendance_record_set(actor=users["hr"], form=form, late_arrivals="1.5")
    assert refused.value.field == "late_arrivals"
    assert (AttendanceRecord.objects.count(), AuditEntry.objects.count()) == before
    rules.refresh_from_db()
    assert rules.actual is None

    attendance.attendance_record_set(
        actor=users["hr"], form=form, absences="1", late_arrivals=2, early_departures=0
    )
    rules.refresh_from_db()
    assert (rules.actual, rules.formula_score, rules.actual_source) == (
        D("70.0000"),
        D("70.00"),
        "auto",
    )  # 100 − 20 − 2 × 5
    assert AuditEntry.objects.filter(action="form.attendance_set", object_id=str(form.pk)).exists()
    attendance.attendance_record_set(actor=users["hr"], form=form, absences="6")
    rules.refresh_from_db()
    assert rules.formula_score == D("0.00")  # never below 0
    assert AttendanceRecord.objects.filter(form=form).count() == 1


def test_sql_and_python_agree_with_team_and_summary_only_forms(monthly_cycle, people, users):
    _rate_at_random(monthly_cycle, people, users, seed=7)
    # Half the colleagues' ratings become team ratings on team-scored items.
    team_items = FormItem.objects.filter(form__cycle=monthly_cycle, raters="team")
    Rating.objects.filter(item__in=team_items, role="peer").update(role="team")
    assert Rating.objects.filter(role="team").exists()

    sql, python = _both(monthly_cycle, users["hr"])

    assert sql == python
    count, _items, forms, _audit = sql
    assert count == sum(1 for f in forms.values() if f[-1] == "calibration") >= 1
