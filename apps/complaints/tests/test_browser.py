"""The complaint's whole journey in a real browser, as the issue tells it."""

import re

import pytest

from apps.complaints.models import Complaint
from apps.core.testing import TRANSACTIONAL_DB, log_in

pytestmark = [pytest.mark.browser, TRANSACTIONAL_DB]


def _log_out(page):
    page.context.clear_cookies()


def test_visitor_to_satisfied_complainant(browser_page, users):
    page = browser_page
    # A visitor files a complaint on the public form (no login).
    page.goto(f"{page.base_url}/complaints/new/")
    page.select_option("#id_category", label="技术故障")
    page.fill("#id_description", "支付后小程序一直白屏，订单号 20261012001。")
    page.fill("#id_contact_name", "林女士")
    page.fill("#id_contact_phone", "13900001111")
    page.click("[data-testid=submit-complaint]")
    code = page.inner_text("[data-testid=tracking-code]")
    tracking = page.get_attribute("[data-testid=tracking-link]", "href")
    assert re.fullmatch(r"TS-\d{4}-[0-9A-Z]{6}", code)
    complaint = Complaint.objects.get(code=code)

    # cs accepts it and opens a task for 技术部.
    log_in(page, "cs")
    page.goto(f"{page.base_url}/complaints/{complaint.pk}/")
    assert "13900001111" in page.inner_text("[data-testid=contact]")
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=state][data-state=accepted]")
    page.select_option("#id_department", label="技术部")
    page.fill("#id_title", "排查支付回调白屏")
    page.click("[data-testid=open-task]")
    page.wait_for_selector("[data-testid=task-state][data-state=open]")
    # resolving now is refused with a clear message
    page.click("[data-testid=resolve]")
    page.wait_for_selector("[data-testid=action-error]")
    _log_out(page)

    # A 技术部 user closes the task from "tasks for my department".
    log_in(page, "tech")
    page.goto(f"{page.base_url}/complaints/tasks/")
    page.fill("[data-testid=task-note]", "支付回调超时，已修复并发布 2.3.1")
    page.click("[data-testid=close-task]")
    assert page.locator("[data-testid=close-task]").count() == 0
    _log_out(page)

    # cs replies and resolves.
    log_in(page, "cs")
    page.goto(f"{page.base_url}/complaints/{complaint.pk}/")
    page.fill("#reply-body", "您好，问题已修复，请更新到最新版本。")
    page.click("[data-testid=send-reply]")
    page.wait_for_selector("[data-testid=message-reply]")
    page.click("[data-testid=resolve]")
    page.wait_for_selector("[data-testid=state][data-state=resolved]")
    _log_out(page)

    # The visitor, by the tracking link, is not satisfied → reopened.
    page.goto(tracking)
    assert "问题已修复" in page.inner_text("[data-testid=public-messages]")
    page.fill("#reject-body", "更新后还是白屏。")
    page.click("[data-testid=not-satisfied]")
    page.wait_for_selector("[data-testid=state][data-state=reopened]")

    # cs resolves again.
    log_in(page, "cs")
    page.goto(f"{page.base_url}/complaints/{complaint.pk}/")
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=state][data-state=in_progress]")
    page.fill("#resolve-summary", "已为您清除缓存并补发订单。")
    page.click("[data-testid=resolve]")
    page.wait_for_selector("[data-testid=state][data-state=resolved]")
    _log_out(page)

    # The visitor confirms with a rating → closed.
    page.goto(tracking)
    page.check("input[name=rating][value='5']")
    page.fill("#confirm-comment", "谢谢，已经好了。")
    page.click("[data-testid=confirm-satisfied]")
    page.wait_for_selector("[data-testid=closed-note]")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CLOSED
    assert complaint.rating == 5
    assert complaint.reopen_count == 1
