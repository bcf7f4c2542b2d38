import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.campaigns.models import Campaign
from apps.campaigns.tests.factories import approved_campaign, make_campaign, running_campaign

pytestmark = pytest.mark.django_db

PLAN = {
    "theme": "元旦问答",
    "purpose": "活跃社群",
    "campaign_type": "vote",
    "mode": "online",
    "starts_on": "2027-01-01",
    "ends_on": "2027-01-03",
    "channels": ["wechat", "community"],
    "expected_benefit": "5000",
    "team": ["specialist2"],
    "budget_lines": [{"category": "prizes", "amount": "1000"}],
    "targets": [{"metric": "参与人数", "target_value": "500", "unit": "人"}],
    "risks": [{"description": "题目泄露", "contingency": "准备备用题库"}],
}


def test_plan_submit_approve_through_the_api(users, org, api_for):
    api = api_for(users["specialist"])
    response = api.post(
        "/api/v1/campaigns/", {**PLAN, "department": org["wechat"].pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["team"] == ["specialist2"]
    assert api.post(f"/api/v1/campaigns/{pk}/submit/").json()["state"] == "submitted"
    denied = api_for(users["other_manager"]).post(
        f"/api/v1/campaigns/{pk}/approve/", {}, format="json"
    )
    assert denied.status_code == 403
    own = api.post(f"/api/v1/campaigns/{pk}/approve/", {}, format="json")
    assert own.status_code == 403
    ok = api_for(users["manager"]).post(f"/api/v1/campaigns/{pk}/approve/", {}, format="json")
    assert ok.json()["state"] == "approved"
    assert ok.json()["approved_budget"] == "1000.00"


def test_bad_input_gives_detail_and_field(users, org, api_for):
    api = api_for(users["specialist"])
    response = api.post(
        "/api/v1/campaigns/",
        {**PLAN, "department": org["wechat"].pk, "ends_on": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "ends_on"
    assert not Campaign.objects.exists()


def test_list_is_paginated_filtered_and_scoped(users, api_for, django_assert_max_num_queries):
    for i in range(3):
        make_campaign(users["specialist"], theme=f"活动{i}")
    with django_assert_max_num_queries(8):
        body = api_for(users["manager"]).get("/api/v1/campaigns/", {"state": "draft"}).json()
    assert body["count"] == 3
    assert api_for(users["other_specialist"]).get("/api/v1/campaigns/").json()["count"] == 0
    assert api_for(None).get("/api/v1/campaigns/").status_code in (401, 403)


def test_over_budget_spend_then_increase_through_the_api(users, api_for):
    campaign = approved_campaign(users)
    api = api_for(users["specialist"])
    line = campaign.budget_lines.first().pk
    url = f"/api/v1/campaigns/{campaign.pk}/spends/"
    response = api_for(users["manager"]).post(
        url, {"budget_line": line, "amount": "10001", "spent_on": "2026-10-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "amount"
    increase = api.post(
        f"/api/v1/campaigns/{campaign.pk}/budget-increases/",
        {"amount": "500", "reason": "加投"},
        format="json",
    ).json()
    response = api_for(users["manager"]).post(
        f"/api/v1/campaigns/budget-increases/{increase['id']}/approve/", {}, format="json"
    )
    assert response.json()["state"] == "approved"
    response = api.post(
        url, {"budget_line": line, "amount": "10001", "spent_on": "2026-10-01"}, format="json"
    )
    assert response.status_code == 403  # the team logs; spend takes spend_budget
    response = api_for(users["manager"]).post(
        url, {"budget_line": line, "amount": "10001", "spent_on": "2026-10-01"}, format="json"
    )
    assert response.status_code == 201
    assert api.get(url).json()["count"] == 1


def test_log_prizes_metrics_and_csv_report(users, api_for):
    campaign = running_campaign(users)
    api = api_for(users["specialist"])
    base = f"/api/v1/campaigns/{campaign.pk}"
    response = api.post(
        f"{base}/log/",
        {
            "kind": "progress",
            "happened_on": "2026-10-02",
            "text": "上线",
            "attachments": [SimpleUploadedFile("a.txt", b"hello")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["attachments"][0]["name"] == "a.txt"
    prize = campaign.prizes.get()
    over = api.post(
        f"{base}/prize-distributions/",
        {"prize": prize.pk, "recipient": "A", "quantity": 11, "distributed_on": "2026-10-02"},
        format="json",
    )
    assert over.status_code == 400
    assert over.json()["field"] == "quantity"
    bad = SimpleUploadedFile(
        "m.csv",
        b"channel,taken_on,impressions,clicks,conversions,new_followers,cost\nwechat,2026-10-02,10,50,0,0,0\n",
    )
    report = api.post(f"{base}/metrics/import/", {"file": bad}, format="multipart")
    assert report.status_code == 400
    assert [(e["row"], e["column"]) for e in report.json()["errors"]] == [(2, "clicks")]
    api.post(
        f"{base}/metrics/",
        {"channel": "wechat", "taken_on": "2026-10-02", "impressions": 0, "clicks": 0},
        format="json",
    )
    figures = api.get(f"{base}/close-out-figures/").json()
    assert figures["channels"][0]["ctr"] is None
    assert figures["roi"] is None


def test_schema_lists_campaign_endpoints(users, client_for):
    body = client_for(users["specialist"]).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/campaigns/{id}/approve/",
        "/api/v1/campaigns/{id}/metrics/import/",
        "/api/v1/campaigns/budget-increases/{id}/approve/",
    ):
        assert path in body
