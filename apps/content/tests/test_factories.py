"""ContentItemFactory writes drafts through content_item_create: the draft is valid, is
logged like one a person starts, moves on through the review services, and a factory
call for someone without the authority is refused with nothing written."""

import pytest

from apps.content.models import ContentItem, ReviewAction
from apps.content.tests.factories import ContentItemFactory, submit
from apps.core.errors import PermissionDenied
from apps.org.tests.factories import employee_in

pytestmark = pytest.mark.django_db


def test_the_factory_starts_a_valid_draft_through_the_service(org):
    item = ContentItemFactory(body="<p>正文</p><script>alert(1)</script>")
    item.full_clean()
    assert item.state == ContentItem.State.DRAFT
    assert item.department == org["wechat"]
    assert "<script>" not in item.body  # sanitised by the service, as for a person
    assert list(item.actions.values_list("decision", flat=True)) == [ReviewAction.Decision.CREATED]
    submit(item)
    item.refresh_from_db()
    assert item.state in ContentItem.PENDING_STATES


def test_the_factory_is_refused_for_someone_without_the_authority(org):
    outsider = employee_in("hr", "hr").user
    with pytest.raises(PermissionDenied):
        ContentItemFactory(author=outsider, department=org["wechat"])
    assert not ContentItem.objects.exists()
    assert not ReviewAction.objects.exists()
