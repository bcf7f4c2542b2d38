"""The specialist's main flow in a real browser (Playwright on the system Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from apps.campaigns.models import Campaign
from apps.core.testing import TRANSACTIONAL_DB, log_in

pytestmark = [pytest.mark.browser, TRANSACTIONAL_DB]


def _log_out(page):
    page.context.clear_cookies()


def test_plan_approve_run_log_and_close_out(browser_page, people, org):
    page = browser_page
    # The specialist plans and submits.
    log_in(page, "specialist")
    page.goto(f"{page.base_url}/campaigns/new/")
    page.select_option("#id_department", str(org["wechat"].pk))
    page.fill("#id_theme", "双十一关注有礼")
    page.select_option("#id_campaign_type", label="抽奖")
    page.select_option("#id_mode", "online")
    page.fill("#id_purpose", "拉新关注，促进小程序转化")
    page.fill("#id_starts_on", "2026-11-01")
    page.fill("#id_ends_on", "2026-11-11")
    page.fill("#id_expected_benefit", "15000")
    page.check("input[name=channels][value=wechat]")
    page.select_option("#id_budget_lines-0-category", "ads")
    page.fill("#id_budget_lines-0-amount", "8000")
    page.select_option("#id_budget_lines-1-category", "prizes")
    page.fill("#id_budget_lines-1-amount", "2000")
    # a third budget line, added in place
    page.click("[data-testid=add-row-budget_lines]")
    page.select_option("#id_budget_lines-2-category", "materials")
    page.fill("#id_budget_lines-2-amount", "500")
    page.fill("#id_targets-0-metric", "新增关注")
    page.fill("#id_targets-0-target_value", "1000")
    page.fill("#id_targets-0-unit", "人")
    page.fill("#id_risks-0-description", "抽奖页面访问量过大")
    page.fill("#id_risks-0-contingency", "提前扩容并准备静态备用页")
    page.click("[data-testid=save-plan]")
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    campaign = Campaign.objects.get(theme="双十一关注有礼")
    assert sorted(campaign.budget_lines.values_list("amount", flat=True)) == [500, 2000, 8000]
    page.click("[data-testid=submit-plan]")
    page.wait_for_selector("[data-testid=campaign-state][data-state=submitted]")

    # The manager approves.
    _log_out(page)
    log_in(page, "manager")
    page.goto(f"{page.base_url}/campaigns/{campaign.pk}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=campaign-state][data-state=approved]")

    # The specialist prepares, ticks the checklist in place and starts the campaign.
    _log_out(page)
    log_in(page, "specialist")
    url = f"{page.base_url}/campaigns/{campaign.pk}/"
    page.goto(url)
    page.click("[data-testid=start-preparing]")
    page.wait_for_selector("[data-testid=campaign-state][data-state=preparing]")
    for kind in ("materials", "guests", "rehearsal"):
        page.click(f"[data-testid=checklist-{kind}]")
        page.wait_for_selector(f"[data-testid=checklist-{kind}][aria-pressed=true]")
    page.click("[data-testid=start-running]")
    page.wait_for_selector("[data-testid=campaign-state][data-state=running]")

    # Two log entries in place (htmx), a spend and a day's metrics. (Waits use locators:
    # a JavaScript-string predicate would need eval, which the page's CSP refuses.)
    page.fill("#id_text", "推文发布，首日参与 800 人")
    page.click("[data-testid=log-submit]")
    expect(page.locator("[data-testid=log-entry]")).to_have_count(1)
    page.select_option("#id_kind", "incident")
    page.fill("#id_text", "抽奖页面短暂卡顿")
    page.fill("#id_handling", "技术支持扩容后恢复")
    page.click("[data-testid=log-submit]")
    expect(page.locator("[data-testid=log-entry]")).to_have_count(2)
    assert page.url.rstrip("#") == url  # stayed on the page

    # The spend commits the department's money: the manager (spend_budget) records it.
    assert page.locator("[data-testid=spend-form]").count() == 0
    _log_out(page)
    log_in(page, "manager")
    page.goto(url)
    page.select_option("[data-testid=spend-form] select[name=budget_line]", index=1)
    page.fill("[data-testid=spend-form] input[name=amount]", "6000")
    page.fill("[data-testid=spend-form] input[name=spent_on]", "2026-11-02")
    page.click("[data-testid=spend-form-submit]")
    page.wait_for_selector("[data-testid=spend-row]")
    _log_out(page)
    log_in(page, "specialist")
    page.goto(url)

    form = "[data-testid=metrics-form]"
    page.select_option(f"{form} select[name=channel]", "wechat")
    page.fill(f"{form} input[name=taken_on]", "2026-11-02")
    page.fill(f"{form} input[name=impressions]", "20000")
    page.fill(f"{form} input[name=clicks]", "1000")
    page.fill(f"{form} input[name=conversions]", "150")
    page.fill(f"{form} input[name=new_followers]", "1200")
    page.fill(f"{form} input[name=cost]", "3000")
    page.click("[data-testid=metrics-form-submit]")
    page.wait_for_selector("[data-testid=channel-table]")
    assert page.inner_text("[data-testid=ctr]").strip() == "5.00%"

    # Finish and write the close-out.
    page.click("[data-testid=finish]")
    page.wait_for_selector("[data-testid=campaign-state][data-state=finished]")
    page.click("[data-testid=write-close-out]")
    target = campaign.targets.get()
    page.fill(f"#id_actual_{target.pk}", "1200")
    page.fill("#id_actual_benefit", "15000")
    page.fill("#id_what_worked", "转发抽奖带来大量关注")
    page.fill("#id_what_did_not", "活动页首日卡顿")
    page.fill("#id_lessons", "提前压测")
    page.click("[data-testid=save-close-out]")
    page.wait_for_selector("[data-testid=campaign-state][data-state=evaluated]")

    # The page shows target vs actual and the ROI: (15000 − 6000) / 6000 = 150%.
    table = page.inner_text("[data-testid=targets-vs-actual]")
    assert "新增关注" in table
    assert "1,200.00" in table or "1200.00" in table
    assert page.inner_text("[data-testid=roi]").strip() == "150.00%"
