"""Demo appraisals: last month's monthly cycle (月度考核) run to the end — summaries,
self-assessments, peer reviews, supervisor scores, HR aggregation, manager review,
release, feedback interviews, one appeal by `specialist` ruled by `manager` — and
closed; and this month's cycle in progress with forms at every stage.

Everything goes through the real services and jobs (cycle_open, populate,
compute_scores, release, appeal, ruling, close). One exception: the product opens a
period only once it is over, so this month's cycle is created as the beat job would
create it after month end and then populated by the real job — the demo shows an
appraisal in progress without waiting a month. Idempotent: a second run finds both
cycles and adds nothing. The indicators, templates and policies are presets, installed
before any demo by `install_presets`."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core import audit

from . import jobs, raters, services
from . import permissions as policy
from .models import AppraisalCycle, AppraisalForm, CycleKind, FormState, PeerReview
from .policies import period_of, previous_period

S = FormState

SUMMARY = {
    "tasks": "负责公众号日常内容排期与发布，配合完成月度主题活动。",
    "results": "按计划完成发布，阅读量与互动率较上月提升，活动参与人数达标。",
    "problems": "个别选题时效性不足，已建立热点选题周会机制，提前一周储备选题。",
}


def _write(stdout, text):
    if stdout:
        stdout.write(text)


def load(stdout=None) -> None:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(employee__isnull=False)}
    if not {"hr", "manager", "specialist", "director"} <= set(users):
        _write(stdout, "kpis: demo people (hr, manager, specialist) missing; load the org demo")
        return
    today = timezone.localdate()
    last_start, _last_end = previous_period(CycleKind.MONTHLY, today)
    this_start, this_end = period_of(CycleKind.MONTHLY, today)
    if AppraisalCycle.objects.filter(
        kind=CycleKind.MONTHLY, period_start__in=[last_start, this_start]
    ).exists():
        _write(stdout, "kpis: demo already loaded")
        return
    closed = _closed_cycle(users, last_start)
    current = _open_cycle(users, this_start, this_end)
    _write(
        stdout,
        f"kpis: {closed.label} closed ({closed.forms_count} forms, 1 appeal); "
        f"{current.label} in progress ({current.forms_count} forms)",
    )


# --- Helpers ---------------------------------------------------------------------------


def _actor_for(check, form, users):
    """The first demo user the policy allows `check` for on this form: the supervisor,
    then the department's managers, then the director."""
    candidates = []
    if form.supervisor_id:
        candidates.append(form.supervisor.user)
    candidates += [u for n, u in sorted(users.items()) if n.endswith("manager")]
    candidates.append(users["director"])
    for user in candidates:
        if check(user, form):
            return user
    return None


def _forms(cycle):
    return list(
        AppraisalForm.objects.filter(cycle=cycle)
        .select_related("employee__user", "supervisor__user", "department", "cycle")
        .order_by("department__path", "employee__employee_no")
    )


def _self(form, rng, *, submit=True):
    # Only what the employee rates (none where the self-assessment is a summary).
    scores = {item.pk: Decimal(rng.randint(70, 95)) for item in raters.self_items(form)}
    services.form_save_self(
        actor=form.employee.user,
        form=form,
        comment="本月整体完成情况良好，沟通协作上还可以更主动。",
        scores=scores,
        submit=submit,
        **SUMMARY,
    )


def _peer(form, reviewer, users, rng, *, submit=True):
    assigner = _actor_for(policy.can_assign_peers, form, users)
    if assigner is None or reviewer is None or reviewer.pk == form.employee_id:
        return
    [review] = services.peer_reviewers_assign(
        actor=assigner, form=form, reviewers=[reviewer], anonymous=True
    ) or [PeerReview.objects.get(form=form, reviewer=reviewer)]
    if submit:
        scores = {item.pk: Decimal(rng.randint(70, 95)) for item in raters.review_items(review)}
        services.peer_review_submit(
            actor=reviewer.user, review=review, scores=scores, comment="配合积极，响应及时。"
        )


def _supervisor(form, users, rng, *, base=80):
    scorer = _actor_for(policy.can_score, form, users)
    if scorer is None:
        return False
    scores = {
        item.pk: Decimal(min(100, max(40, base + rng.randint(-12, 12))))
        for item in form.items.all()
    }
    services.form_supervisor_score(
        actor=scorer,
        form=form,
        scores=scores,
        comments={},
        comment="完成情况符合预期，下月重点提升选题策划能力。",
        submit=True,
    )
    return True


def _colleague(form, by_department):
    for employee in by_department.get(form.department_id, []):
        if employee.pk != form.employee_id and employee.is_active:
            return employee
    return None


def _by_department(forms):
    people = {}
    for form in forms:
        people.setdefault(form.department_id, []).append(form.employee)
    return people


# --- Last month: the whole flow, closed -------------------------------------------------


def _closed_cycle(users, start) -> AppraisalCycle:
    hr = users["hr"]
    rng = random.Random(202601)  # noqa: S311 - demo data
    cycle = services.cycle_open(actor=hr, kind=CycleKind.MONTHLY, period_start=start, enqueue=False)
    jobs.populate_cycle(cycle.pk)
    forms = _forms(cycle)
    colleagues = _by_department(forms)
    for n, form in enumerate(forms):
        _self(form, rng)
        if n % 3 == 0:
            _peer(_fresh(form), _colleague(form, colleagues), users, rng)
        _supervisor(_fresh(form), users, rng, base=60 + (n * 7) % 35)
    services.cycle_aggregate(actor=hr, cycle=cycle)
    for form in _forms(cycle):
        if form.state != S.CALIBRATION:
            continue
        calibrator = _actor_for(policy.can_calibrate, form, users)
        if form.employee.user.username == "copywriter":
            services.form_calibrate(
                actor=calibrator,
                form=form,
                total_score=min(Decimal(100), form.total_score + 5),
                reason="承担了额外的专题策划，按部门意见上调。",
            )
        else:
            services.form_calibrate(actor=calibrator, form=form)
    services.forms_release(actor=hr, cycle=cycle)
    for form in _forms(cycle):
        interviewer = _actor_for(policy.can_interview, form, users)
        if interviewer is not None and form.department.code == "wechat":
            services.form_record_interview(
                actor=interviewer,
                form=form,
                notes="回顾了本月目标完成情况，肯定了活动执行，指出选题时效问题。",
                improvement_plan="下月每周提交两条热点选题；参加一次数据分析内训。",
            )
    mine = AppraisalForm.objects.get(cycle=cycle, employee__user=users["specialist"])
    appeal = services.appeal_file(
        actor=users["specialist"],
        form=mine,
        reason="本月活动转化数据统计口径有误，实际转化高于表中数据，申请复核。",
    )
    services.appeal_rule(
        actor=users["manager"],
        appeal=appeal,
        decision="adjusted",
        reason="核对后台数据后确认统计口径有误，调整总分。",
        investigation="调取活动后台转化数据并与渠道核对。",
        total_score=min(Decimal(100), mine.total_score + 4),
    )
    services.cycle_close(actor=hr, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def _fresh(form):
    return AppraisalForm.objects.select_related(
        "employee__user", "supervisor__user", "department", "cycle"
    ).get(pk=form.pk)


# --- This month: in progress -------------------------------------------------------------


def _open_cycle(users, start, end) -> AppraisalCycle:
    hr = users["hr"]
    rng = random.Random(202602)  # noqa: S311 - demo data
    cycle = AppraisalCycle.objects.create(
        kind=CycleKind.MONTHLY,
        period_start=start,
        period_end=end,
        opened_by=hr,
        opened_at=timezone.now(),
        **services.stage_deadlines(CycleKind.MONTHLY, end),
    )
    audit.record(actor=hr, obj=cycle, action="cycle.opened", to_state=cycle.state)
    jobs.populate_cycle(cycle.pk)
    forms = _forms(cycle)
    colleagues = _by_department(forms)
    for n, form in enumerate(forms):
        login = form.employee.user.username
        stage = n % 6
        if login == "specialist":
            _self(form, rng, submit=False)  # a draft: the summary is started
            continue
        if login in ("wechat.zhang", "copywriter"):
            # Waiting for the specialist's peer review (a task on their list).
            _self(form, rng)
            _peer(_fresh(form), users["specialist"].employee, users, rng, submit=False)
            continue
        if stage == 0:
            continue  # not started
        _self(form, rng)
        if stage == 1:
            continue  # peer stage, no reviewers chosen yet
        if stage == 2:
            _peer(_fresh(form), _colleague(form, colleagues), users, rng)  # → supervisor
            continue
        _supervisor(_fresh(form), users, rng, base=62 + (n * 5) % 33)  # stages 3–5
    services.cycle_aggregate(actor=hr, cycle=cycle)
    for n, form in enumerate(_forms(cycle)):
        if form.state == S.CALIBRATION and n % 2 == 0:
            services.form_calibrate(actor=_actor_for(policy.can_calibrate, form, users), form=form)
    cycle.refresh_from_db()
    return cycle
