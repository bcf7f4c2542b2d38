import pytest

from apps.content import demo, selectors
from apps.content.models import ContentItem
from apps.org import demo as org_demo


@pytest.mark.django_db
def test_demo_is_idempotent_and_covers_every_state():
    org_demo.load()
    demo.load()
    count = ContentItem.objects.count()
    demo.load()
    assert ContentItem.objects.count() == count >= 30
    assert set(ContentItem.objects.values_list("state", flat=True)) == set(ContentItem.State.values)
    assert ContentItem.objects.values("department").distinct().count() >= 5
    from django.contrib.auth import get_user_model

    # 003 has no manager step: the WeChat queue is the specialist's second review, after
    # the designer's self-check of the design work (the demo's WeChat items have one).
    users = get_user_model().objects.in_bulk(["specialist", "designer"], field_name="username")
    queue = list(selectors.review_queue_for(users["specialist"]))
    assert len(queue) >= 3
    assert any(item.is_overdue for item in queue)
    assert {i.current_step.kind for i in queue if i.department.code == "wechat"} == {"review"}
    designer_queue = list(selectors.review_queue_for(users["designer"]))
    assert {i.current_step.kind for i in designer_queue} == {"designer_check"}
    assert not selectors.review_queue_for(get_user_model().objects.get(username="manager"))
