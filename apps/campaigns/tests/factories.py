"""Building campaigns for tests through the real services."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.campaigns import services
from apps.campaigns.models import BudgetLine, Campaign, CampaignType
from apps.campaigns.services import PlanData
from apps.org.tests.factories import employee_in


def plan_data(**overrides) -> PlanData:
    values = {
        "theme": "国庆关注有礼",
        "purpose": "拉新关注",
        "campaign_type": CampaignType.objects.get(code="lottery"),
        "mode": "online",
        "starts_on": dt.date(2026, 10, 1),
        "ends_on": dt.date(2026, 10, 7),
        "channels": ["wechat"],
        "expected_benefit": Decimal("20000"),
        "prizes": [{"name": "定制水杯", "quantity": 10, "unit_value": Decimal("50")}],
        "budget_lines": [
            {"category": BudgetLine.Category.PRIZES, "description": "", "amount": Decimal("500")},
            {"category": BudgetLine.Category.ADS, "description": "朋友圈", "amount": "9500"},
        ],
        "targets": [
            {"metric": "新增关注", "target_value": Decimal("1000"), "unit": "人"},
            {"metric": "参与人数", "target_value": Decimal("3000"), "unit": "人"},
        ],
        "risks": [{"description": "服务器压力", "contingency": "提前扩容"}],
    }
    values.update(overrides)
    return PlanData(**values)


def make_campaign(owner, department=None, **overrides):
    department = department or owner.employee.assignments.first().post.department
    return services.campaign_create(actor=owner, department=department, data=plan_data(**overrides))


def approved_campaign(users, **overrides):
    campaign = make_campaign(users["specialist"], **overrides)
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    services.campaign_approve(actor=users["manager"], campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def running_campaign(users, **overrides):
    campaign = approved_campaign(users, **overrides)
    services.campaign_prepare(actor=users["specialist"], campaign=campaign)
    for item in campaign.checklist.all():
        services.checklist_item_set(actor=users["specialist"], item=item, done=True)
    services.campaign_start(actor=users["specialist"], campaign=campaign)
    campaign.refresh_from_db()
    return campaign


# --- factory_boy ----------------------------------------------------------------------


class CampaignFactory(DjangoModelFactory):
    """A draft plan written through `campaign_create` (validated, with its prizes, budget
    lines, targets and risks from `plan_data`, audited). The owner defaults to a new
    WeChat specialist (needs the `org` fixture); any other keyword overrides the plan,
    e.g. CampaignFactory(theme="双十一", channels=["weibo"])."""

    class Meta:
        model = Campaign

    owner = factory.LazyFunction(lambda: employee_in("wechat", "ops_specialist").user)
    department = factory.LazyAttribute(
        lambda campaign: campaign.owner.employee.assignments.first().post.department
    )

    @classmethod
    def _create(cls, model_class, *args, owner, department, **plan):
        return services.campaign_create(actor=owner, department=department, data=plan_data(**plan))
