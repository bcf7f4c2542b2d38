"""In a real browser (Playwright on the system Chromium): the WeChat manager logs in in
Chinese, sees the home page and the department tree, switches to English, logs out.
Screenshots go to var/screenshots/ (git-ignored) for people to look at."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apps.core.testing import TRANSACTIONAL_DB, log_in

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"org_{name}.png"), full_page=True)


@pytest.mark.browser
@TRANSACTIONAL_DB
def test_manager_logs_in_in_chinese_sees_the_tree_switches_to_english_and_logs_out(
    browser_page, people, org
):
    page = browser_page
    wechat, community = org["wechat"], org["community-ops"]

    # given the WeChat manager, whose language is Chinese; when they log in
    log_in(page, "manager")
    # then the home page greets them, in Chinese
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#main h1")).to_contain_text("王建国")
    nav = page.locator("#main-nav")
    expect(nav.get_by_role("link", name="首页", exact=True)).to_be_visible()
    expect(nav.get_by_test_id("nav-group-org")).to_contain_text("组织架构")
    shoot(page, "home_zh")

    # when they open the department tree from the menu's organisation dropdown
    nav.get_by_test_id("nav-group-org").click()
    expect(nav.get_by_role("link", name="部门", exact=True)).to_be_visible()
    nav.get_by_role("link", name="部门", exact=True).click()
    page.wait_for_load_state()
    tree = page.get_by_test_id("department-tree")
    # then WeChat (微信部) is a link; another department is not, and its people are not shown
    expect(tree.get_by_role("link", name=wechat.name, exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name=community.name, exact=True)).to_have_count(0)
    expect(tree).not_to_contain_text("杨帆")
    shoot(page, "departments_zh")

    # when they open WeChat; then its people are listed
    tree.get_by_role("link", name=wechat.name, exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("members-table")).to_contain_text("李晓明")

    # when they switch to English with the language select
    page.get_by_test_id("language-select").select_option("en")
    page.wait_for_load_state()
    # then the same page is in English, and the menu too
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text(wechat.name_en)
    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
    nav.get_by_test_id("nav-group-org").click()
    expect(nav.get_by_role("link", name="Departments", exact=True)).to_be_visible()
    nav.get_by_role("link", name="Departments", exact=True).click()
    page.wait_for_load_state()
    expect(
        page.get_by_test_id("department-tree").get_by_role("link", name="WeChat", exact=True)
    ).to_be_visible()
    shoot(page, "departments_en")

    # when they log out from the user menu
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_load_state()
    # then they are on the log-in page, still in English, and logged out
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_test_id("login-form")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shoot(page, "logged_out_en")
    page.goto(f"{page.base_url}/org/departments/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
