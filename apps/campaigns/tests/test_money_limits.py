"""Amounts too large for the money columns are refused with a message, never a 500."""

from decimal import Decimal

import pytest
from django.utils import translation

from apps.campaigns.models import Campaign
from apps.campaigns.tests.factories import make_campaign
from apps.core.errors import ApplicationError


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1E+30", "1000000000000", "99999999999999999999.5"])
def test_a_budget_line_beyond_the_money_column_is_refused_and_nothing_is_saved(users, amount):
    lines = [{"category": "ads", "description": "", "amount": amount}]

    with pytest.raises(ApplicationError) as refused, translation.override("en"):
        make_campaign(users["specialist"], budget_lines=lines)

    assert refused.value.field == "budget_lines"
    assert "less than" in str(refused.value.message)
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_the_largest_amount_the_column_holds_is_accepted(users):
    lines = [{"category": "ads", "description": "", "amount": "999999999999.99"}]

    campaign = make_campaign(users["specialist"], budget_lines=lines)

    assert campaign.budget_lines.get().amount == Decimal("999999999999.99")
