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

    manager = get_user_model().objects.get(username="manager")
    queue = list(selectors.review_queue_for(manager))
    assert len(queue) >= 3
    assert any(item.is_overdue for item in queue)
