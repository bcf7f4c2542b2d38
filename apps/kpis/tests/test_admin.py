"""The configuration admin writes through the services: audited, validated, and a
refusal shows next to its field."""

import pytest

from apps.core.models import AuditEntry
from apps.kpis.models import AppraisalPolicy, Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_admin(users, client_for):
    users["hr"].is_staff = True
    users["hr"].is_superuser = True
    users["hr"].save()
    return client_for(users["hr"])


def test_indicator_through_the_service(kpi_presets, hr_admin):
    body = {
        "code": "admin-ind",
        "name": "后台指标",
        "kind": "quantitative",
        "formula": "ratio",
        "rule": "linear",
        "floor": "1",
        "cap": "0.5",
        "bands": "[]",
        "scale_max": "5",
        "levels": "[]",
        "source": "manual",
        "is_active": "on",
    }
    refused = hr_admin.post("/admin/kpis/indicator/add/", body)
    assert refused.status_code == 200 and not Indicator.objects.filter(code="admin-ind").exists()
    assert "cap" in refused.context["adminform"].form.errors
    saved = hr_admin.post("/admin/kpis/indicator/add/", {**body, "cap": "1.5"})
    assert saved.status_code == 302
    indicator = Indicator.objects.get(code="admin-ind")
    assert AuditEntry.objects.filter(object_id=str(indicator.pk), action="indicator.created")


def test_policy_bands_through_the_service(kpi_presets, hr_admin, org):
    policy = AppraisalPolicy.objects.get(department=org["wechat"])
    url = f"/admin/kpis/appraisalpolicy/{policy.pk}/change/"
    body = {
        "department": org["wechat"].pk,
        "monthly": "on",
        "annual": "on",
        "annual_rule": "all_mean",
        "appeal_working_days": "3",
        "anonymous_peers": "on",
        "guide_distribution": "{}",
        "excellent_grades": "SA",
        "excellence_streak": "3",
        "below_standard_grades": "D",
        "grade_bands": "S 90 1.5\nA 80 1.2",
        "bands-TOTAL_FORMS": "0",
        "bands-INITIAL_FORMS": "0",
    }
    refused = hr_admin.post(url, body)
    assert refused.status_code == 200
    assert "grade_bands" in refused.context["adminform"].form.errors
    saved = hr_admin.post(url, {**body, "grade_bands": "S 90 1.5\nB 60 1\nD 0 0"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.appeal_working_days == 3
    assert sorted(policy.bands.values_list("grade", flat=True)) == ["B", "D", "S"]
    assert AuditEntry.objects.filter(object_id=str(policy.pk), action="policy.saved").exists()


def test_templates_are_read_only_in_the_admin(kpi_presets, hr_admin):
    assert hr_admin.get("/admin/kpis/appraisaltemplate/").status_code == 200
    assert hr_admin.get("/admin/kpis/appraisaltemplate/add/").status_code == 403
