import pytest

from apps.campaigns import demo
from apps.campaigns.models import BudgetIncrease, Campaign
from apps.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_covers_every_state_and_is_idempotent():
    org_demo.load()
    demo.load()
    states = set(Campaign.objects.values_list("state", flat=True))
    assert states == set(Campaign.State.values)
    waiting = BudgetIncrease.objects.get(state=BudgetIncrease.State.PENDING)
    assert waiting.campaign.spent_total + waiting.amount > waiting.campaign.approved_budget
    count = Campaign.objects.count()
    demo.load()
    assert Campaign.objects.count() == count
