"""With the Content-Security-Policy on, in Chromium: the charts draw, the behaviours that
used to be inline handlers work, Swagger UI loads, and the browser reports no violation."""

import pytest

from apps.campaigns.tests.factories import approved_campaign
from apps.complaints.models import ReplyTemplate
from apps.complaints.tests.factories import accepted
from apps.content.tests.factories import make_item, submit
from apps.core.testing import TRANSACTIONAL_DB, log_in
from apps.core.tests.test_csp import directives
from apps.org.models import Department
from apps.org.services import department_create

pytestmark = [pytest.mark.browser, TRANSACTIONAL_DB]

CHARTS_DRAWN = """() => [...document.querySelectorAll("canvas[data-chart]")]
    .map((c) => [c.dataset.chart, Boolean(window.Chart && Chart.getChart(c))])"""


def _watch_for_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _charts(page, path):
    page.goto(f"{page.base_url}{path}")
    page.wait_for_load_state("load")
    return dict(page.evaluate(CHARTS_DRAWN))


def test_pages_work_under_the_policy(browser_page, users):
    page = browser_page
    violations = _watch_for_violations(page)
    campaign = approved_campaign(users)
    complaint, _token = accepted(users)
    ReplyTemplate.objects.create(title="致歉", body="非常抱歉给您带来不便。")
    submit(make_item(users["copywriter"]))

    log_in(page, "director")
    assert _charts(page, "/") == {
        "content-output": True,
        "training-completion": True,
        "campaign-states": True,
        "campaign-money": True,
    }
    assert _charts(page, "/campaigns/dashboard/") == {"campaign-departments": True}
    assert _charts(page, f"/campaigns/{campaign.pk}/") == {
        "campaign-budget": True,
    }
    assert _charts(page, "/complaints/reports/") == {
        "complaint-category": True,
        "complaint-channel": True,
        "complaint-satisfaction": True,
    }

    # the language menu submits itself on change (was onchange=)
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "en")
    assert page.locator("html").get_attribute("lang") == "en"

    # the review queue's "select all" ticks every row (was onclick=)
    page.context.clear_cookies()
    log_in(page, "specialist")  # the first reviewer of a copywriter's item
    page.goto(f"{page.base_url}/content/review/")
    page.check("#select-all")
    boxes = page.locator("[name=items]")
    assert boxes.count() >= 1
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))

    # a reply template fills the reply box (was an inline script)
    page.context.clear_cookies()
    log_in(page, "cs")
    page.goto(f"{page.base_url}/complaints/{complaint.pk}/")
    page.select_option("[data-reply-template]", label="致歉")
    assert page.input_value("#reply-body") == "非常抱歉给您带来不便。"

    assert violations == []


def test_a_refused_confirmation_deletes_nothing(browser_page, users, org):
    page = browser_page
    violations = _watch_for_violations(page)
    department = department_create(
        actor=users["hr"], name="临时组", code="temp-group", kind="group",
        parent=org["wechat"],
    )  # fmt: skip
    log_in(page, "hr")
    page.goto(f"{page.base_url}/org/departments/{department.pk}/")
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("[data-testid=delete-department]")
    page.wait_for_timeout(300)
    assert len(questions) == 1
    assert page.url.endswith(f"/org/departments/{department.pk}/")
    assert Department.objects.filter(pk=department.pk, is_active=True).exists()
    assert violations == []


def test_swagger_ui_loads_under_its_own_policy(browser_page, users):
    page = browser_page
    violations = _watch_for_violations(page)
    log_in(page, "director")
    response = page.goto(f"{page.base_url}/api/docs/")
    # its one exception: the <style> block of drf-spectacular's page; scripts stay 'self'
    policy = directives(response.headers["content-security-policy"])
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations == []
