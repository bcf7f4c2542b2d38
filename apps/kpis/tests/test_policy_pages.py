"""HR's policy pages: every department with the policy in force (its own, its parent's,
or the defaults), and the editor — cycles, appeal window, guide distribution and grade
bands — refusing bad bands and a guide not totalling 100 with nothing saved."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.kpis.models import AppraisalPolicy, GradeBand

pytestmark = pytest.mark.django_db

BANDS = [("S", 90, "1.50"), ("A", 80, "1.20"), ("B", 65, "1.00"), ("C", 50, "0.80"),
         ("D", 0, "0.40")]  # fmt: skip


# The schedule rows as the editor shows them for 003 (its preset timing).
TIMINGS = [
    ("monthly", "before_end", 4, 3, 4, 5, 6, 10),
    ("quarterly", "after_end", 1, 2, 4, 6, 8, ""),
    ("annual", "after_end", 1, 15, 15, 15, 15, 31),
]
TIMING_FIELDS = ("kind", "opens", "open_days", "self_days", "peer_days", "supervisor_days",
                 "calibration_days", "close_by_day")  # fmt: skip


def _timings(rows=TIMINGS) -> dict:
    data = {"timing-TOTAL_FORMS": len(rows), "timing-INITIAL_FORMS": len(rows)}
    for i, row in enumerate(rows):
        values = zip(TIMING_FIELDS, row, strict=True)
        data.update({f"timing-{i}-{name}": value for name, value in values})
    return data


def _post(bands=BANDS, timings=TIMINGS, **fields):
    data = {
        "monthly": "on", "annual": "on", "annual_rule": "all_mean",
        "appeal_working_days": 7, "appeal_route": "manager", "anonymous_peers": "on",
        "excellent_grades": "SA", "excellence_streak": 3, "below_standard_grades": "D",
        "bands-TOTAL_FORMS": len(bands), "bands-INITIAL_FORMS": len(bands),
        **_timings(timings),
    }  # fmt: skip
    for i, (grade, score, coefficient) in enumerate(bands):
        data.update({
            f"bands-{i}-grade": grade, f"bands-{i}-min_score": score,
            f"bands-{i}-bonus_coefficient": coefficient,
        })  # fmt: skip
    data.update(fields)
    return data


def _messages(response):
    return re.findall(r'data-testid="(?:form-error|field-error-[^"]+)"[^>]*>(.+?)</div>',
                      response.content.decode())  # fmt: skip


@pytest.mark.parametrize("login", ["specialist", "manager", "director", "cs"])
def test_only_hr_sees_the_policy_pages(kpi_presets, org, users, client_for, login):
    client = client_for(users[login])
    assert client.get("/kpis/policies/").status_code == 403
    assert client.get(f"/kpis/policies/{org['wechat'].pk}/").status_code == 403


def test_the_list_shows_the_policy_in_force_in_constant_queries(
    kpi_presets, org, users, client_for
):
    client = client_for(users["hr"])
    client.get("/kpis/policies/")

    def page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/kpis/policies/", HTTP_ACCEPT_LANGUAGE="en")
        return response.content.decode(), len(captured)

    before, queries = page()
    assert "Its own" in before or "Follows" in before
    AppraisalPolicy.objects.get_or_create(department=org["community-ops"])
    assert page()[1] == queries


def test_hr_saves_a_departments_policy_and_bands(kpi_presets, org, users, client_for):
    wechat = org["wechat"]
    response = client_for(users["hr"]).post(
        f"/kpis/policies/{wechat.pk}/",
        _post(quarterly="on", guide_S=10, guide_A=20, guide_B=50, guide_C=15, guide_D=5),
    )
    assert response.status_code == 302, _messages(response)
    policy = AppraisalPolicy.objects.get(department=wechat)
    assert (policy.monthly, policy.quarterly, policy.appeal_working_days) == (True, True, 7)
    assert policy.guide_distribution == {"S": 10, "A": 20, "B": 50, "C": 15, "D": 5}
    assert list(policy.bands.order_by("-min_score").values_list("grade", "min_score")) == [
        ("S", 90), ("A", 80), ("B", 65), ("C", 50), ("D", 0),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="policy.saved", object_id=str(policy.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_post(bands=BANDS[:4]), "must start at 0"),
        (_post(bands=[*BANDS[:4], ("A", 0, "0.5")]), "once"),
        (_post(guide_S=50, guide_A=40), "total 100"),
        (_post(appeal_working_days=0), "greater than or equal to 1"),
    ],
)
def test_bad_policies_are_refused_and_nothing_changes(
    kpi_presets, org, users, client_for, data, message
):
    wechat = org["wechat"]
    bands_before = list(GradeBand.objects.values_list("policy_id", "grade", "min_score"))
    response = client_for(users["hr"]).post(
        f"/kpis/policies/{wechat.pk}/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert any(message in m for m in _messages(response)), _messages(response)
    assert list(GradeBand.objects.values_list("policy_id", "grade", "min_score")) == bands_before
    assert Decimal(data["bands-0-min_score"]) == 90  # what was typed comes back
    assert 'value="90"' in response.content.decode()


def test_the_editor_says_whose_policy_a_department_follows(kpi_presets, org, users, client_for):
    hr = client_for(users["hr"])
    AppraisalPolicy.objects.filter(department=org["design"]).delete()
    page = hr.get(f"/kpis/policies/{org['design'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "follows the default policy today" in page.content.decode()
    own = hr.get(f"/kpis/policies/{org['wechat'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="policy-follows"' not in own.content.decode()
