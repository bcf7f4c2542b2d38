"""Two reviewers acting on the same step at once: exactly one transition wins."""

import pytest

from apps.content import services
from apps.content.models import ALL_CHECKS, ContentItem, ReviewAction
from apps.content.tests.factories import make_item, submit
from apps.core.errors import ConflictError
from apps.core.testing import TRANSACTIONAL_DB, run_at_once


@pytest.mark.postgres
@TRANSACTIONAL_DB
def test_two_specialists_approving_the_same_step(users):
    item = submit(make_item(users["copywriter"]))
    item.refresh_from_db()
    version, step = item.version_number, item.step_number

    def approve_as(login):
        return lambda: services.content_item_approve(
            actor=users[login], item=ContentItem(pk=item.pk), version=version, step=step,
            checklist=list(ALL_CHECKS),
        )  # fmt: skip

    outcomes = run_at_once(
        approve_as("specialist"), approve_as("specialist2"), expected=(ConflictError,)
    )
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 1
    item.refresh_from_db()
    assert item.state == ContentItem.State.APPROVED  # the specialist's review is 003's last
    assert ReviewAction.objects.filter(item=item, decision="approved").count() == 1
