"""The WeChat (003) chain end to end in Chromium, and bulk approve from the queue."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.content import services
from apps.content.models import ContentItem
from apps.content.presets import install_channels
from apps.content.tests.factories import fresh, make_item, submit
from apps.core.testing import TRANSACTIONAL_DB, log_in

State = ContentItem.State
pytestmark = [pytest.mark.browser, TRANSACTIONAL_DB]


@pytest.fixture
def page_for(chromium, live_server):
    contexts = []

    def make(login):
        context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        log_in(page, login)
        return page

    yield make
    for context in contexts:
        context.close()


def _tick_self_check(page):
    for box in page.locator("[data-testid=submit-form] input[name=self_check]").all():
        box.check()
    page.click("[data-testid=submit]")
    page.wait_for_load_state()


def _open_review(page, item):
    page.goto(f"{page.base_url}/content/review/")
    page.click(f"[data-testid=queue-row-{item.pk}] a >> nth=0")
    page.wait_for_selector("[data-testid=review-actions]")


def test_wechat_chain_from_draft_to_published(users, page_for):
    install_channels()
    writer = page_for("copywriter")
    writer.goto(f"{writer.base_url}/content/new/")
    writer.fill("#id_title", "冬季新品推文")
    writer.select_option("#id_channel", label="微信公众号")
    writer.fill("#id_body", "<p>第一段</p><p>第二段：价格 99 元</p>")
    writer.click("[data-testid=save]")
    writer.wait_for_selector("[data-testid=submit-form]")
    item = ContentItem.objects.get(title="冬季新品推文")
    _tick_self_check(writer)
    assert fresh(item).state == State.SUBMITTED
    assert fresh(item).step_number == 2

    specialist = page_for("specialist")
    _open_review(specialist, item)
    specialist.fill("[data-testid=return-comment]", "第二段价格写错了")
    specialist.click("[data-testid=return]")
    specialist.wait_for_url("**/content/review/")
    assert fresh(item).state == State.RETURNED

    writer.goto(f"{writer.base_url}/content/{item.pk}/edit/")
    writer.fill("#id_body", "<p>第一段</p><p>第二段：价格 89 元</p>")
    writer.click("[data-testid=save]")
    writer.wait_for_selector("[data-testid=submit-form]")
    _tick_self_check(writer)
    assert fresh(item).version_number == 2

    _open_review(specialist, item)
    assert "89" in specialist.inner_text("[data-testid=diff]")
    for box in specialist.locator("#approve-form input[name=checklist]").all():
        box.check()
    # the specialist's second review is 003's last step: it schedules the item
    when = timezone.localtime(timezone.now() + dt.timedelta(hours=2)).replace(
        second=0, microsecond=0
    )
    specialist.fill("[data-testid=publish-at]", when.strftime("%Y-%m-%dT%H:%M"))
    specialist.click("[data-testid=approve]")
    specialist.wait_for_url("**/content/review/")
    item = fresh(item)
    assert item.state == State.SCHEDULED
    assert item.publish_at == when

    assert services.content_publish_due(now=when + dt.timedelta(minutes=1))["published"] == 1

    writer.goto(f"{writer.base_url}/content/{item.pk}/")
    assert writer.is_visible("[data-testid=publication]")
    timeline = writer.locator("[data-testid=timeline] > li")
    decisions = [
        (el.get_attribute("data-testid") or "").removeprefix("timeline-") for el in timeline.all()
    ]
    assert decisions == [
        "created", "submitted", "self_checked", "returned", "edited", "submitted",
        "self_checked", "approved", "scheduled", "published",
    ]  # fmt: skip
    assert "第二段价格写错了" in writer.inner_text("[data-testid=timeline]")


def test_bulk_approve_from_the_queue(users, page_for):
    items = [submit(make_item(users["copywriter"], title=f"批量{i}")) for i in range(3)]
    page = page_for("specialist")
    page.goto(f"{page.base_url}/content/review/")
    for item in items:
        page.check(f"[data-testid=select-{item.pk}]")
    page.fill("[data-testid=bulk-comment]", "批量通过")
    page.check("[data-testid=bulk-confirm]")
    page.click("[data-testid=bulk-approve]")
    page.wait_for_selector("[data-testid=queue-empty]")
    assert all(fresh(i).state == State.APPROVED for i in items)
    assert all(fresh(i).actions.filter(comment="批量通过").exists() for i in items)


def test_keyboard_shortcut_approves(users, page_for):
    item = submit(make_item(users["copywriter"], title="键盘"))
    page = page_for("specialist")
    page.goto(f"{page.base_url}/content/{item.pk}/review/")
    for box in page.locator("#approve-form input[name=checklist]").all():
        box.check()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("a")
    page.wait_for_url("**/content/review/")
    assert fresh(item).state == State.APPROVED
