"""Two reviewers acting on the same step at once: exactly one transition wins."""

import threading

import pytest
from django.db import connection

from apps.content import services
from apps.content.models import ALL_CHECKS, ContentItem, ReviewAction
from apps.content.tests.factories import make_item, submit
from apps.core.errors import ConflictError
from apps.core.testing import TRANSACTIONAL_DB


@pytest.mark.postgres
@TRANSACTIONAL_DB
def test_two_specialists_approving_the_same_step(users):
    item = submit(make_item(users["copywriter"]))
    item.refresh_from_db()
    version, step = item.version_number, item.step_number
    barrier = threading.Barrier(2)
    outcomes = []

    def act(login):
        try:
            barrier.wait()
            services.content_item_approve(
                actor=users[login], item=ContentItem(pk=item.pk), version=version, step=step,
                checklist=list(ALL_CHECKS),
            )  # fmt: skip
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(login,)) for login in ("specialist", "specialist2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    item.refresh_from_db()
    assert item.step_number == 3
    assert ReviewAction.objects.filter(item=item, decision="approved").count() == 1
