"""Rulebook 003's two-step chain in Chromium: the copywriter drafts and does the
self-check with its three checks (准确性、完整性、逻辑性), the specialist's second review
approves and schedules, and the item publishes at its time. No manager step."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.content import services
from apps.content.models import ContentItem
from apps.content.presets import install_channels
from apps.content.tests.factories import fresh
from apps.core.models import Notification
from apps.core.testing import TRANSACTIONAL_DB, log_in

State = ContentItem.State
pytestmark = [pytest.mark.browser, TRANSACTIONAL_DB]

SELF_CHECK = "[data-testid=submit-form] input[name=self_check]"


def _as(page, login):
    page.context.clear_cookies()
    log_in(page, login)


def test_copywriter_self_check_then_specialist_schedules_and_it_publishes(users, browser_page):
    install_channels()
    page = browser_page
    _as(page, "copywriter")
    page.goto(f"{page.base_url}/content/new/")
    page.fill("#id_title", "三月会员日推文")
    page.select_option("#id_channel", label="微信公众号")
    page.fill("#id_body", "<p>会员日活动：全场八折。</p>")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=submit-form]")
    item = ContentItem.objects.get(title="三月会员日推文")

    # the self-check asks exactly its three checks
    boxes = page.locator(SELF_CHECK)
    assert [boxes.nth(i).get_attribute("value") for i in range(boxes.count())] == [
        "accuracy", "completeness", "logic",
    ]  # fmt: skip
    # two of three: refused, the item stays a draft
    page.check(f"{SELF_CHECK}[value=accuracy]")
    page.check(f"{SELF_CHECK}[value=completeness]")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    assert page.locator(".messages .alert-danger").count() == 1
    assert fresh(item).state == State.DRAFT
    for box in page.locator(SELF_CHECK).all():
        box.check()
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    item = fresh(item)
    assert (item.state, item.step_number, item.step_total) == (State.SUBMITTED, 2, 2)
    assert item.current_step.name == "运营专员二审"
    assert item.actions.get(decision="self_checked").checklist == [
        "accuracy", "completeness", "logic",
    ]  # fmt: skip

    # the specialist's second review: approve with a publish time (the last step)
    _as(page, "specialist")
    page.goto(f"{page.base_url}/content/review/")
    page.click(f"[data-testid=queue-row-{item.pk}] a >> nth=0")
    page.wait_for_selector("[data-testid=approve-form]")
    for box in page.locator("#approve-form input[name=checklist]").all():
        box.check()
    when = timezone.localtime(timezone.now() + dt.timedelta(hours=3)).replace(
        second=0, microsecond=0
    )
    page.fill("[data-testid=publish-at]", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-testid=approve]")
    page.wait_for_url("**/content/review/")
    item = fresh(item)
    assert (item.state, item.publish_at) == (State.SCHEDULED, when)
    assert not Notification.objects.filter(recipient=users["manager"]).exists()

    # the publishing job: nothing before the time, published at it
    assert services.content_publish_due(now=when - dt.timedelta(minutes=1))["published"] == 0
    assert services.content_publish_due(now=when + dt.timedelta(minutes=1))["published"] == 1
    page.goto(f"{page.base_url}/content/{item.pk}/")
    assert page.is_visible("[data-testid=publication]")
    decisions = [
        (el.get_attribute("data-testid") or "").removeprefix("timeline-")
        for el in page.locator("[data-testid=timeline] > li").all()
    ]
    assert decisions == [
        "created", "submitted", "self_checked", "approved", "scheduled", "published",
    ]  # fmt: skip
