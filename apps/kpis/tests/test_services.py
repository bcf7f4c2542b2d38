"""The appraisal flow through its services: state checks, bad input, audit rows."""

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import timezone

from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.imports import ImportRejected
from apps.core.models import AuditEntry
from apps.kpis import jobs, scoring, services
from apps.kpis.models import AppraisalForm, FormItem, Indicator, Rating
from apps.kpis.tests.conftest import all_scores, qualitative_scores, walk_to_calibration

pytestmark = pytest.mark.django_db


def test_opening_creates_one_form_per_eligible_employee_from_their_template(monthly_cycle, people):
    forms = AppraisalForm.objects.filter(cycle=monthly_cycle)
    employees = set(forms.values_list("employee__user__username", flat=True))
    # WeChat staff, the community manager and the mini-program specialist have templates;
    # HR, tech (partner departments) and the director do not.
    assert employees == {
        "manager",
        "specialist",
        "specialist2",
        "copywriter",
        "designer",
        "cs",
        "other_manager",
        "other_specialist",
    }
    form = forms.get(employee=people["specialist"])
    assert form.supervisor == people["manager"]
    assert form.items.count() == 11
    assert sum(form.items.values_list("weight", flat=True)) == 100
    monthly_cycle.refresh_from_db()
    assert monthly_cycle.state == "open" and monthly_cycle.forms_count == 8
    jobs.populate_cycle(monthly_cycle.pk)  # again: nothing new
    assert (
        forms.count() == 8
        and FormItem.objects.filter(form__cycle=monthly_cycle).count() == 6 * 11 + 11 + 4
    )


def test_opening_twice_is_a_conflict(monthly_cycle, users):
    with pytest.raises(ConflictError):
        services.cycle_open(
            actor=users["hr"],
            kind="monthly",
            period_start=monthly_cycle.period_start,
            enqueue=False,
        )


def test_only_hr_opens_cycles_and_not_for_a_running_period(kpi_presets, users):
    with pytest.raises(PermissionDenied):
        services.cycle_open(
            actor=users["manager"], kind="monthly", period_start=dt.date(2024, 1, 1), enqueue=False
        )
    with pytest.raises(ApplicationError) as error:
        services.cycle_open(
            actor=users["hr"],
            kind="monthly",
            period_start=timezone.localdate() + dt.timedelta(days=40),  # not open yet
            enqueue=False,
        )
    assert error.value.field == "period_start"


def test_003_preset_hand_computed_total_through_the_flow(form_of, people, users):
    """Supervisor-only scores on the 003 form: the total is the hand-computed 82.6 (A)."""
    form = form_of(people["specialist"])
    items = list(form.items.select_related("indicator").order_by("order"))
    assert [i.indicator.code for i in items][:3] == [
        "wx_ops_metrics",
        "wx_campaign_effect",
        "collaboration",
    ]
    # Quantitative composite (followers, reads, shares, likes, comments): every figure
    # at 90 % of its target (ratio 0.9 → linear 0.5…1 → 80).
    targets = {"followers": 500, "reads": 50000, "shares": 2000, "likes": 3000, "comments": 500}

    def at(rate):
        return {key: D(target) * D(rate) for key, target in targets.items()}

    services.item_set_actual(actor=users["manager"], item=items[0], parts=at("0.9"))
    given = ["90", "80", "85", "70", "75", "88", "92", "60", "100", "95", "70"]
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form, 0),
        submit=True,
    )
    # The section mix gives self 10 %: zero self scores would pull totals down, so set
    # self = supervisor for the qualitative items to keep the hand sum exact.
    for item, value in zip(items, given, strict=True):
        Rating.objects.filter(item=item, role="self").update(score=D(value))
    scores = {item.pk: D(v) for item, v in zip(items, given, strict=True)}
    scores[items[0].pk] = ""  # formula score (80) counts; re-set below to 90 via the actual
    services.item_set_actual(actor=users["manager"], item=items[0], parts=at("0.95"))  # → 90
    services.form_supervisor_score(actor=users["manager"], form=form, scores=scores, submit=True)
    assert services.cycle_aggregate(actor=users["hr"], cycle=form.cycle) == 1
    form.refresh_from_db()
    assert form.total_score == D("82.60")
    assert (form.grade, form.bonus_coefficient) == ("A", D("1.20"))
    assert form.state == "calibration"


def test_rater_mix_applies_per_section(form_of, people, users):
    form = walk_to_calibration(
        form_of(people["specialist"]),
        users,
        peer=people["specialist2"],
        self_value=100,
        peer_value=60,
        supervisor_value=80,
    )
    collab = form.items.get(indicator__code="collaboration")
    assert collab.score == D("78.00")  # 0.7·80 + 0.2·60 + 0.1·100
    ops = form.items.get(indicator__code="wx_ops_metrics")
    assert ops.score == D("80.00")  # quantitative without an actual: the supervisor's score


def test_self_assessment_rules(form_of, people, users):
    form = form_of(people["specialist"])
    with pytest.raises(PermissionDenied):
        services.form_save_self(actor=users["specialist2"], form=form, tasks="x")
    with pytest.raises(ApplicationError) as error:
        services.form_save_self(
            actor=users["specialist"], form=form, tasks="", results="", submit=True
        )
    assert error.value.field == "tasks"
    item = form.items.first()
    with pytest.raises(ApplicationError) as error:
        services.form_save_self(
            actor=users["specialist"], form=form, tasks="t", results="r", scores={item.pk: "120"}
        )
    assert error.value.field == f"score_{item.pk}"
    assert not Rating.objects.filter(item__form=form).exists()  # nothing stored half
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form),
        submit=True,
    )
    with pytest.raises(ConflictError):
        services.form_save_self(
            actor=users["specialist"], form=form, tasks="t", results="r", submit=True
        )
    assert (
        AuditEntry.objects.filter(
            object_type="kpis.appraisalform", action="form.self_submitted"
        ).count()
        == 1
    )


def test_supervisor_scoring_rules(form_of, people, users):
    form = form_of(people["specialist"])
    services.form_save_self(
        actor=users["specialist"],
        form=form,
        tasks="t",
        results="r",
        scores=qualitative_scores(form),
        submit=True,
    )
    with pytest.raises(PermissionDenied):
        services.form_supervisor_score(actor=users["other_manager"], form=form, scores={})
    with pytest.raises(ApplicationError):
        services.form_supervisor_score(
            actor=users["manager"], form=form, scores={form.items.first().pk: "-5"}
        )
    with pytest.raises(ApplicationError, match="Score every indicator"):
        services.form_supervisor_score(actor=users["manager"], form=form, scores={}, submit=True)
    [review] = services.peer_reviewers_assign(
        actor=users["manager"], form=form, reviewers=[people["specialist2"]]
    )
    with pytest.raises(ConflictError, match="peer reviews"):
        services.form_supervisor_score(
            actor=users["manager"], form=form, scores=all_scores(form), submit=True
        )
    with pytest.raises(PermissionDenied):
        services.peer_review_submit(
            actor=users["copywriter"], review=review, scores=qualitative_scores(form, review=review)
        )
    services.peer_review_submit(
        actor=users["specialist2"], review=review, scores=qualitative_scores(form, review=review)
    )
    with pytest.raises(ConflictError):
        services.peer_review_submit(
            actor=users["specialist2"],
            review=review,
            scores=qualitative_scores(form, review=review),
        )
    form.refresh_from_db()
    assert form.state == "supervisor"
    services.form_supervisor_score(
        actor=users["manager"], form=form, scores=all_scores(form), submit=True
    )
    form.refresh_from_db()
    assert form.state == "aggregation"


def test_peers_cannot_be_the_appraisee_and_only_supervisor_or_hr_assign(form_of, people, users):
    form = form_of(people["specialist"])
    with pytest.raises(ApplicationError):
        services.peer_reviewers_assign(
            actor=users["manager"], form=form, reviewers=[people["specialist"]]
        )
    with pytest.raises(PermissionDenied):
        services.peer_reviewers_assign(
            actor=users["specialist2"], form=form, reviewers=[people["copywriter"]]
        )


def _released(form_of, people, users):
    form = walk_to_calibration(form_of(people["specialist"]), users)
    services.form_calibrate(actor=users["manager"], form=form)
    services.forms_release(actor=users["hr"], cycle=form.cycle)
    form.refresh_from_db()
    return form


def test_calibration_needs_a_reason_to_adjust(form_of, people, users):
    form = walk_to_calibration(form_of(people["specialist"]), users)
    assert form.total_score == D("80.00") and form.grade == "A"
    with pytest.raises(PermissionDenied):
        services.form_calibrate(actor=users["specialist"], form=form, total_score="95")
    with pytest.raises(ApplicationError) as error:
        services.form_calibrate(actor=users["manager"], form=form, total_score="91")
    assert error.value.field == "reason"
    services.form_calibrate(
        actor=users["manager"], form=form, total_score="91", reason="季度大促贡献"
    )
    form.refresh_from_db()
    assert (form.total_score, form.computed_score, form.grade, form.state) == (
        D("91.00"),
        D("80.00"),
        "S",
        "approved",
    )
    with pytest.raises(ConflictError):
        services.form_calibrate(actor=users["manager"], form=form)


def test_release_opens_the_appeal_window_in_working_days(form_of, people, users):
    form = _released(form_of, people, users)
    assert form.state == "released"
    from apps.core.calendar import add_working_days

    assert form.appeal_deadline == add_working_days(timezone.localdate(), 5)
    with pytest.raises(ConflictError):
        services.forms_release(actor=users["hr"], cycle=form.cycle)


def test_appeal_and_ruling(form_of, people, users):
    form = _released(form_of, people, users)
    with pytest.raises(PermissionDenied):
        services.appeal_file(actor=users["specialist2"], form=form, reason="x")
    with pytest.raises(ApplicationError) as error:
        services.appeal_file(actor=users["specialist"], form=form, reason=" ")
    assert error.value.field == "reason"
    appeal = services.appeal_file(actor=users["specialist"], form=form, reason="活动数据漏算")
    with pytest.raises(ConflictError):
        services.appeal_file(actor=users["specialist"], form=form, reason="again")
    with pytest.raises(PermissionDenied):
        services.appeal_rule(
            actor=users["specialist"], appeal=appeal, decision="upheld", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.appeal_rule(
            actor=users["other_manager"], appeal=appeal, decision="upheld", reason="x"
        )
    with pytest.raises(ApplicationError) as error:
        services.appeal_rule(
            actor=users["manager"], appeal=appeal, decision="adjusted", reason="核实"
        )
    assert error.value.field == "total_score"
    services.appeal_rule(
        actor=users["manager"],
        appeal=appeal,
        decision="adjusted",
        reason="核实后补录",
        total_score="86",
    )
    form.refresh_from_db()
    appeal.refresh_from_db()
    assert (form.state, form.total_score, form.grade) == ("locked", D("86.00"), "A")
    assert (appeal.score_before, appeal.score_after) == (D("80.00"), D("86.00"))
    with pytest.raises(ConflictError):
        services.appeal_rule(actor=users["manager"], appeal=appeal, decision="upheld", reason="x")


def test_skip_level_appeal_goes_to_the_director(form_of, people, users):
    form = _released(form_of, people, users)
    appeal = services.appeal_file(
        actor=users["specialist"], form=form, reason="直属上级有偏见", skip_level=True
    )
    with pytest.raises(PermissionDenied):
        services.appeal_rule(actor=users["manager"], appeal=appeal, decision="upheld", reason="x")
    services.appeal_rule(
        actor=users["director"], appeal=appeal, decision="upheld", reason="评分有据"
    )
    appeal.refresh_from_db()
    assert appeal.state == "upheld"


def test_an_appeal_after_the_window_is_refused(form_of, people, users):
    form = _released(form_of, people, users)
    after = form.appeal_deadline + dt.timedelta(days=1, hours=12)
    with (
        time_machine.travel(after, tick=False),
        pytest.raises(ApplicationError, match="appeal window closed"),
    ):
        services.appeal_file(actor=users["specialist"], form=form, reason="太晚了")


def test_interview_recorded_by_the_supervisor(form_of, people, users):
    form = _released(form_of, people, users)
    with pytest.raises(ApplicationError):
        services.form_record_interview(
            actor=users["manager"], form=form, notes="谈了", improvement_plan=""
        )
    with pytest.raises(PermissionDenied):
        services.form_record_interview(
            actor=users["specialist"], form=form, notes="n", improvement_plan="p"
        )
    services.form_record_interview(
        actor=users["manager"], form=form, notes="肯定成绩", improvement_plan="提升数据分析"
    )
    form.refresh_from_db()
    assert form.improvement_plan == "提升数据分析"


def test_template_weights_not_totalling_100_are_refused(kpi_presets, org, users):
    from apps.org.models import Position

    indicator = Indicator.objects.get(code="skills")
    with pytest.raises(ApplicationError) as error:
        services.template_save(
            actor=users["hr"],
            department=org["wechat"],
            position=Position.objects.get(code="designer"),
            name="x",
            sections=[
                {"name": "能力", "weight": 90, "items": [{"indicator": indicator, "weight": 90}]}
            ],
        )
    assert error.value.field == "weights" and "total 90" in str(error.value.message)


def test_csv_import_of_actuals_is_all_or_nothing(form_of, people, users, monthly_cycle):
    import io

    no = people["specialist"].employee_no
    good = f"employee_no,indicator,actual\n{no},wx_campaign_effect,100\n"
    services.actuals_import_csv(
        actor=users["hr"], cycle=monthly_cycle, file=io.BytesIO(good.encode())
    )
    item = FormItem.objects.get(
        form__employee=people["specialist"],
        form__cycle=monthly_cycle,
        indicator__code="wx_campaign_effect",
    )
    assert (item.actual, item.formula_score, item.actual_source) == (D("100"), D("100.00"), "csv")
    bad = good.replace(",100", ",40") + "X999,wx_campaign_effect,1\n"
    with pytest.raises(ImportRejected) as refused:
        services.actuals_import_csv(
            actor=users["hr"], cycle=monthly_cycle, file=io.BytesIO(bad.encode())
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "employee_no")]
    item.refresh_from_db()
    assert item.actual == D("100")
    # A composite indicator takes its sub-measures on the form, not one CSV figure.
    composite = f"employee_no,indicator,actual\n{no},wx_ops_metrics,50000\n"
    with pytest.raises(ImportRejected) as refused:
        services.actuals_import_csv(
            actor=users["hr"], cycle=monthly_cycle, file=io.BytesIO(composite.encode())
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "indicator")]


def test_auto_actuals_pulled_from_the_complaints_app(kpi_presets, people, users, org):
    """other_specialist (000) has 用户互动管理效果 from complaints: reply rate (accepted
    within SLA) and complainants' satisfaction, each against its target (95 %, 4.5)."""
    from apps.complaints.models import Complaint, ComplaintCategory
    from apps.kpis.policies import previous_period

    category = ComplaintCategory.objects.create(
        code="kpi-test", name="功能", department=org["miniprogram-ops"], default_severity="normal"
    )
    start, _end = previous_period("monthly", timezone.localdate())
    received = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=3), dt.time(10)))
    for n, late in enumerate([False, False, False, True]):
        Complaint.objects.create(
            code=f"C{n}",
            tracking_token_hash=f"h{n}",
            category=category,
            channel="phone",
            department=org["miniprogram-ops"],
            severity="normal",
            description="d",
            contact_name="c",
            state="accepted",
            owner=users["other_specialist"],
            received_at=received,
            accept_due_at=received + dt.timedelta(hours=4),
            accepted_at=received + dt.timedelta(hours=8 if late else 1),
            resolve_due_at=received + dt.timedelta(days=2),
            rating=4,
        )
    cycle = services.cycle_open(
        actor=users["hr"], kind="monthly", period_start=start, enqueue=False
    )
    jobs.populate_cycle(cycle.pk)
    item = FormItem.objects.get(
        form__cycle=cycle,
        form__employee=people["other_specialist"],
        indicator__code="mp_user_interaction",
    )
    assert (item.part_actuals, item.actual_source) == (
        {"reply_rate": "75.00", "satisfaction": "4.00"},
        "auto",
    )
    # (75/95 + 4/4.5) / 2 = 0.8392 → 83.92 %; linear 0.6…1 → 59.80.
    assert item.completion_rate == D("83.92")
    assert (
        item.formula_score
        == scoring.quantitative_score(
            item.indicator,
            None,
            None,
            part_actuals=item.part_actuals,
            part_targets=item.part_targets,
        )
        == D("59.80")
    )


def test_annual_results_and_flags(kpi_presets, people, users):
    from apps.kpis.models import AnnualResult, AppraisalCycle
    from apps.kpis.selectors import flags_for

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
    annual = services.cycle_open(
        actor=users["hr"], kind="annual", period_start=dt.date(year, 1, 1), enqueue=False
    )
    assert jobs.populate_cycle(annual.pk) == 0
    assert jobs.build_annual(annual.pk) == AnnualResult.objects.filter(year=year).count() == 8
    star = AnnualResult.objects.get(year=year, employee=people["specialist"])
    assert (star.score, star.grade, star.repeated_excellence, star.promotion_eligible) == (
        D("92.67"),
        "S",
        True,
        True,
    )
    assert list(
        flags_for(year=year, flag="below_standard").values_list(
            "employee__user__username", flat=True
        )
    ) == ["cs"]
    jobs.build_annual(annual.pk)
    assert AnnualResult.objects.filter(year=year).count() == 8
