"""Two team members writing at the same moment (two tabs, two phones): the budget and
the prize stock still hold, because each write locks its campaign or prize row."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.campaigns import services
from apps.campaigns.models import PrizeDistribution, Spend
from apps.campaigns.tests.factories import approved_campaign, running_campaign
from apps.core.errors import ApplicationError
from apps.core.testing import TRANSACTIONAL_DB, run_at_once

pytestmark = [pytest.mark.postgres, TRANSACTIONAL_DB]


def test_two_spends_at_once_cannot_pass_the_budget_together(users):
    campaign = approved_campaign(users)  # approved budget ¥10,000
    line = campaign.budget_lines.first()

    def spend():
        return services.spend_record(
            actor=users["manager"], campaign=campaign, budget_line=line, amount="6000",
            spent_on=dt.date(2026, 10, 2),
        )  # fmt: skip

    outcomes = run_at_once(spend, spend, expected=(ApplicationError,))
    assert sorted(type(o).__name__ for o in outcomes) == ["ApplicationError", "Spend"]
    campaign.refresh_from_db()
    assert campaign.spent_total == Decimal("6000")
    assert Spend.objects.filter(campaign=campaign).count() == 1


def test_two_prize_hand_outs_at_once_cannot_pass_the_quantity(users):
    prize = running_campaign(users).prizes.get()  # 10 in stock

    def hand_out(recipient):
        return lambda: services.prize_distribute(
            actor=users["specialist"], prize=prize, recipient=recipient, quantity=6,
            distributed_on=dt.date(2026, 10, 3),
        )  # fmt: skip

    outcomes = run_at_once(hand_out("用户A"), hand_out("用户B"), expected=(ApplicationError,))
    assert sum(isinstance(o, ApplicationError) for o in outcomes) == 1
    assert PrizeDistribution.objects.filter(prize=prize).count() == 1
