"""Seed 002: 对本部门预算内资金的支配权 (spend_budget). Recording spend commits the
department's money, so it takes spend_budget in the campaign's department: a team
member without it is refused and nothing is written; the budget holder may."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.campaigns import services
from apps.campaigns.models import Spend
from apps.campaigns.tests.factories import approved_campaign
from apps.core.errors import PermissionDenied
from apps.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _state(campaign):
    campaign.refresh_from_db()
    return (
        Spend.objects.count(),
        campaign.spent_total,
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def _spend(actor, campaign, amount="400"):
    return services.spend_record(
        actor=actor,
        campaign=campaign,
        budget_line=campaign.budget_lines.first(),
        amount=amount,
        spent_on=dt.date(2026, 10, 1),
    )


@pytest.mark.parametrize("who", ["specialist", "specialist2", "other_manager"])
def test_spend_without_spend_budget_is_refused_and_nothing_is_written(users, who):
    campaign = approved_campaign(users)  # owned by the specialist: a team member
    campaign.team.add(users["specialist2"])
    before = _state(campaign)
    with pytest.raises(PermissionDenied):
        _spend(users[who], campaign)
    assert _state(campaign) == before


def test_the_budget_holder_records_spend_without_being_on_the_team(users):
    campaign = approved_campaign(users)
    assert users["manager"].pk not in {
        campaign.owner_id,
        *campaign.team.values_list("pk", flat=True),
    }
    _spend(users["manager"], campaign)
    campaign.refresh_from_db()
    assert campaign.spent_total == Decimal("400")


def test_the_page_hides_the_spend_form_and_refuses_the_post_without_spend_budget(users, client_for):
    campaign = approved_campaign(users)
    specialist = client_for(users["specialist"])
    page = specialist.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert b'data-testid="spend-form"' not in page.content
    before = _state(campaign)
    response = specialist.post(
        reverse("campaigns:spend_add", args=[campaign.pk]),
        {
            "budget_line": campaign.budget_lines.first().pk,
            "amount": "400",
            "spent_on": "2026-10-01",
        },
    )
    assert response.status_code == 403
    assert _state(campaign) == before
    page = client_for(users["manager"]).get(reverse("campaigns:detail", args=[campaign.pk]))
    assert b'data-testid="spend-form"' in page.content
