"""Seed 002: 新媒体经理 有内容优先使用权 (content_priority). Its holder's content is
reviewed first: the review queue (and "next in queue") orders their items ahead of
everyone else's, whatever the sort within each group."""

import datetime as dt

import pytest
import time_machine

from apps.content import selectors
from apps.content.tests.factories import make_item, submit
from apps.org.authorities import Authority
from apps.org.models import PostAuthority

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(make_employee):
    head = make_employee("app_head", "app-ops", "ops_manager")
    new_media = make_employee("new_media", "app-ops", "new_media_manager", head)
    planner = make_employee("planner", "app-ops", "content_planning_manager", head)
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        early = submit(make_item(planner.user, title="内容策划经理的稿件"))
    with time_machine.travel(dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC), tick=False):
        late = submit(make_item(new_media.user, title="新媒体经理的稿件"))
    return {"head": head.user, "new_media": new_media, "early": early, "late": late}


def _titles(user, **kwargs):
    return [item.title for item in selectors.review_queue_for(user, **kwargs)]


def test_the_holders_item_comes_first_in_the_review_queue(queue):
    assert _titles(queue["head"]) == ["新媒体经理的稿件", "内容策划经理的稿件"]
    assert _titles(queue["head"], sort="submitted") == ["新媒体经理的稿件", "内容策划经理的稿件"]
    assert selectors.next_in_queue(queue["head"]).pk == queue["late"].pk


def test_without_the_right_the_queue_keeps_its_own_order(queue):
    PostAuthority.objects.filter(
        post__assignments__employee=queue["new_media"], authority=Authority.CONTENT_PRIORITY
    ).delete()
    assert _titles(queue["head"]) == ["内容策划经理的稿件", "新媒体经理的稿件"]


def test_a_delegated_right_counts_too(queue, org):
    from apps.org.permissions import delegation_grant_row

    PostAuthority.objects.filter(
        post__assignments__employee=queue["new_media"], authority=Authority.CONTENT_PRIORITY
    ).delete()
    delegation_grant_row(queue["new_media"].user, Authority.CONTENT_PRIORITY, org["company"])
    assert _titles(queue["head"]) == ["新媒体经理的稿件", "内容策划经理的稿件"]


def test_the_queue_costs_the_same_queries_however_many_items_have_priority(
    queue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10) as few:
        list(selectors.review_queue_for(queue["head"]))
    for n in range(4):
        submit(make_item(queue["new_media"].user, title=f"优先稿件{n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        titles = _titles(queue["head"])
    assert titles[-1] == "内容策划经理的稿件"
