"""An item names the topic it came from, the plan it delivers and its designer: only
choices that make sense for its department and channel are offered or accepted."""

import pytest
from django.utils import translation

from apps.content import services
from apps.content.forms import ItemForm
from apps.content.models import Format, Topic
from apps.content.tests.factories import channel, make_item
from apps.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _topic(users, department, status=Topic.Status.ACCEPTED):
    topic = services.topic_propose(
        actor=users["copywriter"], department=department, title="双十一选题"
    )
    if status != Topic.Status.PROPOSED:
        topic = services.topic_decide(actor=users["manager"], topic=topic, status=status)
    return topic


def _plan(actor, department, channel_code="wechat-oa"):
    return services.plan_create(
        actor=actor, department=department, channel=channel(channel_code), theme="每周推文",
        format=Format.ARTICLE, frequency="每周两次",
    )  # fmt: skip


def test_an_item_links_its_departments_topic_and_plan(users, org):
    wechat = org["wechat"]
    topic, plan = _topic(users, wechat), _plan(users["copywriter"], wechat)
    item = make_item(users["copywriter"], topic=topic, plan=plan)
    item.refresh_from_db()
    assert (item.topic, item.plan) == (topic, plan)


def test_another_departments_topic_or_plan_is_refused(users, org, make_employee):
    other = make_employee("mp_writer", "miniprogram-ops", "ops_specialist")
    mp = org["miniprogram-ops"]
    foreign_topic = services.topic_propose(actor=other.user, department=mp, title="小程序选题")
    foreign_plan = _plan(other.user, mp)
    with pytest.raises(ApplicationError) as error:
        make_item(users["copywriter"], topic=foreign_topic)
    assert error.value.field == "topic"
    with pytest.raises(ApplicationError) as error:
        make_item(users["copywriter"], plan=foreign_plan)
    assert error.value.field == "plan"


def test_a_plan_for_another_channel_is_refused(users, org):
    weibo_plan = _plan(users["copywriter"], org["wechat"], channel_code="weibo")
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        make_item(users["copywriter"], plan=weibo_plan)
    assert error.value.field == "plan"
    assert "another channel" in str(error.value.message)


def test_the_form_offers_accepted_topics_of_the_department_and_designers_only(users, org):
    wechat = org["wechat"]
    accepted = _topic(users, wechat)
    _topic(users, wechat, status=Topic.Status.PROPOSED)
    form = ItemForm(departments=[wechat])
    assert list(form.fields["topic"].queryset) == [accepted]
    designers = {u.username for u in form.fields["designer"].queryset}
    assert "designer" in designers
    assert not designers & {"copywriter", "manager", "director", "hr"}


def test_draft_from_a_topic_starts_the_form_with_it(users, org, client_for):
    topic = _topic(users, org["wechat"])
    client = client_for(users["copywriter"])
    assert f"?topic={topic.pk}" in client.get("/content/topics/").content.decode()
    page = client.get(f"/content/new/?topic={topic.pk}").content.decode()
    assert f'<option value="{topic.pk}" selected>' in page
