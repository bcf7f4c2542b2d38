"""Each step of a budget increase leaves an audit row on the campaign that names the
increase, its amount, the budget it moves from and to, and the increase's states."""

from decimal import Decimal

import pytest

from apps.campaigns import services
from apps.campaigns.models import DepartmentBudgetPolicy
from apps.campaigns.tests.factories import approved_campaign
from apps.core.errors import PermissionDenied
from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows(campaign, action):
    return AuditEntry.objects.filter(
        object_type="campaigns.campaign", object_id=str(campaign.pk), action=action
    )


def _named(increase, before, after):
    return {
        "id": increase.pk,
        "amount": "2000.00",
        "from_budget": before,
        "to_budget": after,
    }


def test_request_and_approval_name_the_increase_and_its_states(users):
    campaign = approved_campaign(users)  # approved budget ¥10,000
    increase = services.budget_increase_request(
        actor=users["specialist"], campaign=campaign, amount="2000", reason="加投广告"
    )
    requested = _rows(campaign, "campaign.budget_increase_request").get()
    assert requested.actor == users["specialist"]
    assert (requested.from_state, requested.to_state) == ("", "pending")
    assert requested.changes["budget_increase"] == _named(increase, "10000.00", "12000.00")
    assert requested.comment == (
        f"budget increase #{increase.pk}: +¥2000.00, ¥10000.00 → ¥12000.00 (加投广告)"
    )

    services.budget_increase_approve(actor=users["manager"], increase=increase, comment="同意")
    approved = _rows(campaign, "campaign.budget_increase_approve").get()
    assert approved.actor == users["manager"]
    assert (approved.from_state, approved.to_state) == ("pending", "approved")
    assert approved.changes == {
        "budget_increase": _named(increase, "10000.00", "12000.00"),
        "approved_budget": ["10000.00", "12000.00"],
    }
    assert f"#{increase.pk}" in approved.comment
    assert "¥10000.00 → ¥12000.00" in approved.comment


def test_the_director_step_and_a_return_are_named_too(users, org):
    DepartmentBudgetPolicy.objects.create(
        department=org["wechat"], director_threshold=Decimal("11000")
    )
    campaign = approved_campaign(users)
    increase = services.budget_increase_request(
        actor=users["specialist"], campaign=campaign, amount="2000", reason="加投"
    )
    services.budget_increase_approve(actor=users["manager"], increase=increase)
    step = _rows(campaign, "campaign.budget_increase_step").get()
    assert (step.from_state, step.to_state) == ("pending", "pending")
    assert step.changes == {
        "budget_increase": _named(increase, "10000.00", "12000.00"),
        "approval_step": ["manager", "director"],
    }

    services.budget_increase_return(actor=users["director"], increase=increase, comment="不需要")
    returned = _rows(campaign, "campaign.budget_increase_return").get()
    assert (returned.from_state, returned.to_state) == ("pending", "returned")
    # the budget it asked for, which the campaign did not get
    assert returned.changes == {"budget_increase": _named(increase, "10000.00", "12000.00")}
    assert returned.comment.endswith("(不需要)")
    campaign.refresh_from_db()
    assert campaign.approved_budget == Decimal("10000")


def test_a_refused_approval_writes_no_audit_row(users):
    campaign = approved_campaign(users)
    increase = services.budget_increase_request(
        actor=users["specialist"], campaign=campaign, amount="2000", reason="加投"
    )
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.budget_increase_approve(actor=users["specialist"], increase=increase)
    assert AuditEntry.objects.count() == before
    increase.refresh_from_db()
    assert increase.state == "pending"
