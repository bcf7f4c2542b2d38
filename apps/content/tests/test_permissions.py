"""The content policy: who sees, reviews and is reminded (apps.content.permissions)."""

import pytest

from apps.content import permissions as policy
from apps.content.models import ContentItem
from apps.content.tests.factories import approve, fresh, make_item, submit

pytestmark = pytest.mark.django_db


def test_reviewers_of_each_wechat_step(users):
    item = fresh(submit(make_item(users["copywriter"])))
    names = {u.username for u in policy.reviewers_for(item, item.current_step)}
    assert names == {"specialist", "specialist2"}
    approve(item, users["specialist"])
    assert fresh(item).current_step is None  # no manager step in 003


def test_reviewers_of_each_wechat_step_of_design_work(users):
    item = fresh(submit(make_item(users["copywriter"], designer=users["designer"])))
    assert [u.username for u in policy.reviewers_for(item, item.current_step)] == ["designer"]
    approve(item, users["designer"])
    item = fresh(item)
    names = {u.username for u in policy.reviewers_for(item, item.current_step)}
    assert names == {"specialist", "specialist2"}


@pytest.mark.parametrize("designer", [False, True])
def test_queue_matches_can_act_on_step(users, designer):
    extra = {"designer": users["designer"]} if designer else {}
    item = fresh(submit(make_item(users["copywriter"], **extra)))
    for login, user in users.items():
        in_queue = ContentItem.objects.filter(policy.review_queue_q(user), pk=item.pk).exists()
        assert in_queue == policy.can_act_on_step(user, item), login


def test_visibility(users):
    item = make_item(users["copywriter"], designer=users["designer"])
    visible = {
        login
        for login, user in users.items()
        if ContentItem.objects.filter(policy.item_visibility_q(user), pk=item.pk).exists()
    }
    assert {"copywriter", "designer", "manager", "specialist", "director", "cs"} <= visible
    assert not visible & {"other_manager", "other_specialist", "tech"}
    for login in visible:
        assert policy.can_view_item(users[login], item)
    assert not policy.can_view_item(users["other_manager"], item)


def test_author_departments(users, org):
    assert list(policy.author_departments(users["copywriter"])) == [org["wechat"]]
    assert not policy.author_departments(users["cs"]).exists()
