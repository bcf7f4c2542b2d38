"""CampaignFactory writes drafts through campaign_create: a valid plan with its children
and audit row that the approval services accept, and a refusal that writes nothing."""

import pytest

from apps.campaigns import services
from apps.campaigns.models import Campaign
from apps.campaigns.tests.factories import CampaignFactory
from apps.core.errors import PermissionDenied
from apps.core.models import AuditEntry
from apps.org.tests.factories import employee_in

pytestmark = pytest.mark.django_db


def test_the_factory_plans_a_valid_draft_through_the_service(org):
    campaign = CampaignFactory(theme="双十一关注有礼")
    campaign.full_clean()
    assert campaign.state == Campaign.State.DRAFT
    assert campaign.theme == "双十一关注有礼" and campaign.department == org["wechat"]
    assert campaign.prizes.count() == 1 and campaign.budget_lines.count() == 2
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(campaign.pk)).exists()
    services.campaign_submit(actor=campaign.owner, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.SUBMITTED


def test_the_factory_is_refused_for_someone_without_the_authority(org):
    outsider = employee_in("hr", "hr").user
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        CampaignFactory(owner=outsider, department=org["wechat"])
    assert not Campaign.objects.exists()
    assert AuditEntry.objects.count() == audit_rows
