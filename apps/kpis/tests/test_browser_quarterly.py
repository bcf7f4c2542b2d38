"""001's quarterly appraisal in Chromium (issue 12): the beat job, run on the quarter's
opening day under 001's policy (每季度末), opens the general ops department's quarterly
cycle; HR sees it and its department schedule closing on the quarter's last working day;
the specialist hands in the summary, the manager scores and confirms, HR aggregates and
releases, and the specialist sees the result."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.core.testing import TRANSACTIONAL_DB, log_in
from apps.kpis import jobs, presets, schedule
from apps.kpis.models import AppraisalCycle, AppraisalForm
from apps.kpis.policies import Resolver, period_of


def _as(page, login, path):
    page.context.clear_cookies()
    log_in(page, login)
    page.goto(f"{page.base_url}{path}")


def _fill_all(page, testid, value):
    boxes = page.locator(f"[data-testid={testid}]")
    for i in range(boxes.count()):
        boxes.nth(i).fill(str(value))


def _last_quarter_plan(org):
    """001's plan for the last quarter whose stages are over (its opening day is past)."""
    today = timezone.localdate()
    start, _end = period_of("quarterly", today)
    start, _end = period_of("quarterly", start - dt.timedelta(days=1))
    resolver = Resolver()
    policy = resolver.policy(org["general-ops"].pk)
    cal = schedule.load_calendar(start, today)
    return schedule.plan("quarterly", start, resolver.timing(policy, "quarterly"), cal)


@pytest.mark.browser
@TRANSACTIONAL_DB
def test_001_quarterly_cycle_opened_by_the_job_walks_to_its_result(
    browser_page, org, people, make_employee
):
    page = browser_page
    presets.install()
    manager = make_employee(
        "go_manager", "general-ops", "ops_manager", people["director"], name="郑国强"
    )
    specialist = make_employee(
        "go_specialist", "general-ops", "ops_specialist", manager, name="钱晓雯"
    )
    plan = _last_quarter_plan(org)
    opening = dt.datetime.combine(plan.opens_on, dt.time(1, 10), timezone.get_current_timezone())
    with time_machine.travel(opening, tick=False):  # beat's 01:10 run on the opening day
        [cycle_id] = jobs.open_due_cycles()
    cycle = AppraisalCycle.objects.get(pk=cycle_id)
    assert (cycle.kind, cycle.period_start) == ("quarterly", plan.period_start)
    assert plan.calibration_due == schedule.last_working_day(
        schedule.load_calendar(plan.period_end, plan.period_end), plan.period_end
    )  # 每季度末: manager review closes on the quarter's last working day
    form = AppraisalForm.objects.get(cycle=cycle, employee=specialist)

    _as(page, "hr", "/kpis/cycles/")
    page.click(f"[data-testid=cycle-link][href$='/cycles/{cycle.pk}/']")
    row = page.locator("[data-testid=schedule-general-ops]")
    assert row.is_visible()
    assert row.locator("[data-testid=schedule-calibration-due]").inner_text().strip() == (
        f"{plan.calibration_due:%Y-%m-%d}"
    )
    assert page.locator("tr[data-testid^=schedule-]").count() == 1  # 001 only, quarterly

    _as(page, "go_specialist", f"/kpis/forms/{form.pk}/")
    page.fill("#tasks", "第三季度市场推广：渠道投放与新客户拓展")
    page.fill("#results", "新客户数量完成目标的 95%")
    page.fill("#problems", "投放预算偏紧，已调整渠道组合")
    _fill_all(page, "self-score", 85)
    page.click("[data-testid=self-submit]")
    page.wait_for_selector("[data-testid=form-state]")
    form.refresh_from_db()
    assert form.state == "peer"

    _as(page, "go_manager", f"/kpis/forms/{form.pk}/")
    _fill_all(page, "supervisor-score", 88)
    page.click("[data-testid=score-submit]")
    page.wait_for_load_state()
    form.refresh_from_db()
    assert form.state == "aggregation"

    _as(page, "hr", f"/kpis/cycles/{cycle.pk}/")
    page.click("[data-testid=aggregate]")
    page.wait_for_load_state()
    form.refresh_from_db()
    assert form.state == "calibration" and form.total_score is not None

    _as(page, "go_manager", f"/kpis/forms/{form.pk}/")
    page.click("[data-testid=calibrate-submit]")
    page.wait_for_load_state()
    _as(page, "hr", f"/kpis/cycles/{cycle.pk}/")
    page.click("[data-testid=release]")
    page.wait_for_load_state()
    form.refresh_from_db()
    assert form.state == "released"

    _as(page, "go_specialist", f"/kpis/forms/{form.pk}/")
    shown = page.inner_text("[data-testid=total-score]").strip()
    assert shown == f"{form.total_score}"
    # 001's policy routes appeals to the manager, with skip-level allowed.
    assert page.locator("#skip_level").count() == 1
