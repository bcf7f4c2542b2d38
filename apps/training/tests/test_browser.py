"""The training flows in a real browser (Playwright on the system Chromium)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from apps.core.testing import TRANSACTIONAL_DB, log_in
from apps.training import services
from apps.training.models import Enrolment, Feedback, TrainingPlan
from apps.training.tests.factories import approved_plan, category, move_session, session_of

pytestmark = [pytest.mark.browser, TRANSACTIONAL_DB]


def _log_out(page):
    page.context.clear_cookies()


def test_manager_drafts_a_plan_and_the_director_approves_it(browser_page, people, org):
    page = browser_page
    year = timezone.localdate().year + 1
    category("data")
    log_in(page, "manager")
    page.goto(f"{page.base_url}/training/plans/new/")
    page.select_option("#id_department", str(org["wechat"].pk))
    page.fill("#id_year", str(year))
    page.fill("#id_title", "微信部年度培训计划")
    page.fill("#id_goals", "提升数据分析与文案能力")
    page.click("[data-testid=save-plan]")
    page.wait_for_url(re.compile(r"/training/plans/\d+/$"))
    plan = TrainingPlan.objects.get(title="微信部年度培训计划")

    page.click("[data-testid=add-course]")
    page.fill("#id_title", "公众号数据分析实战")
    page.select_option("#id_category", label="数据分析")
    page.select_option("#id_method", "internal")
    page.select_option("#id_technique", "case_study")
    page.fill("#id_trainer_external", "外部专家 王老师")
    page.select_option("#id_audience_positions", label="运营专员")
    page.fill("#id_planned_start", f"{year}-03-01")
    page.fill("#id_planned_end", f"{year}-03-31")
    page.fill("#id_planned_sessions", "2")
    page.fill("#id_planned_hours", "6")
    # A bad amount is refused next to its field, nothing is stored.
    page.fill("#id_budget", "-5")
    page.click("[data-testid=save-course]")
    page.wait_for_selector("[data-testid=field-error-budget]")
    assert plan.courses.count() == 0
    page.fill("#id_budget", "3000")
    page.click("[data-testid=save-course]")
    page.wait_for_selector("[data-testid=course-row]")
    page.click("[data-testid=submit-plan]")
    page.wait_for_selector("[data-testid=plan-state]:has-text('已提交')")

    _log_out(page)
    log_in(page, "director")
    page.goto(f"{page.base_url}/training/plans/")
    page.click(f"[data-testid=plans-awaiting] a[href$='/plans/{plan.pk}/']")
    page.fill("#id_comment", "同意，注意控制预算")
    page.click("[data-testid=approve-plan]")
    page.wait_for_selector("[data-testid=plan-state]:has-text('已通过')")
    plan.refresh_from_db()
    assert plan.state == TrainingPlan.State.APPROVED
    assert plan.decided_by == people["director"].user


def test_specialist_enrols_and_after_the_session_gives_feedback(browser_page, people):
    page = browser_page
    _plan, course = approved_plan(people)
    session = session_of(course, people["manager"].user, capacity=5)

    log_in(page, "specialist")
    page.goto(f"{page.base_url}/training/")
    page.click(f"[data-testid=session-row] a[href$='/sessions/{session.pk}/']")
    page.click("[data-testid=enrol]")
    page.wait_for_selector("[data-testid=cancel-enrolment]")
    enrolment = Enrolment.objects.get(session=session, employee=people["specialist"])
    assert enrolment.state == Enrolment.State.ENROLLED

    # The session takes place; the manager records attendance.
    move_session(session, by=-dt.timedelta(days=4))
    services.attendance_record(
        actor=people["manager"].user, session=session, attended_ids=[enrolment.pk]
    )
    page.goto(f"{page.base_url}/training/mine/")
    page.click("[data-testid=feedback-due] a")
    page.check("[data-testid=feedback-form] input[name=rating][value='4']")
    page.fill("[data-testid=feedback-form] textarea[name=comments]", "案例很实用，希望多一些练习")
    page.click("[data-testid=send-feedback]")
    page.wait_for_selector("[data-testid=my-feedback]")
    feedback = Feedback.objects.get(enrolment=enrolment)
    assert (feedback.rating, feedback.comments) == (4, "案例很实用，希望多一些练习")
