"""The demo: last month closed with released results and specialist's appeal ruled,
this month in progress at several stages; loading it twice adds nothing."""

import io

import pytest
from django.core.management import call_command

from apps.core.models import AuditEntry
from apps.kpis.models import (
    Appeal,
    AppraisalCycle,
    AppraisalForm,
    FormItem,
    PeerReview,
    Rating,
)

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (AppraisalCycle, AppraisalForm, FormItem, Rating, PeerReview, Appeal)
    } | {"audit": AuditEntry.objects.filter(object_type__startswith="kpis.").count()}


def test_load_demo_twice_creates_nothing_twice():
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    closed, current = AppraisalCycle.objects.order_by("period_start")
    assert closed.state == "closed" and current.state == "open"
    assert set(closed.forms.values_list("state", flat=True)) == {"locked"}
    appeal = Appeal.objects.get()
    assert appeal.appellant.username == "specialist" and appeal.state in ("upheld", "adjusted")
    stages = set(current.forms.values_list("state", flat=True))
    assert {"self", "peer", "supervisor", "calibration"} <= stages
    assert PeerReview.objects.filter(
        form__cycle=current, reviewer__user__username="specialist", state="pending"
    ).exists()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == first
    assert "kpis: demo already loaded" in out.getvalue()
