import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.campaigns import services
from apps.campaigns.models import Campaign
from apps.campaigns.tests.factories import approved_campaign, make_campaign, running_campaign

pytestmark = pytest.mark.django_db


def _fill(users, n):
    for i in range(n):
        make_campaign(users["specialist"], theme=f"活动{i}")


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The caps leave room for the shared layout (menu badges, notifications) that other apps
# grow; the equality between the two sizes is what pins the page itself.
LIST_MAX, PAGE_MAX = 18, 32


def test_list_query_count_does_not_grow_with_rows(users, client_for, django_assert_max_num_queries):
    client = client_for(users["manager"])
    url = reverse("campaigns:list")
    _fill(users, 3)
    small = _count(client, url)
    _fill(users, 30)
    with django_assert_max_num_queries(LIST_MAX):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    assert _count(client, url) == small


def _log_spend_measure(users, campaign, start, size):
    line = campaign.budget_lines.first()
    for i in range(start, start + size):
        services.log_entry_add(
            actor=users["specialist"],
            campaign=campaign,
            kind="progress",
            happened_on=dt.date(2026, 10, 1),
            text=f"进展{i}",
        )
        services.spend_record(
            actor=users["manager"],
            campaign=campaign,
            budget_line=line,
            amount="1",
            spent_on=dt.date(2026, 10, 1),
        )
        services.metrics_record(
            actor=users["specialist"],
            campaign=campaign,
            channel="wechat",
            taken_on=dt.date(2026, 10, 1) + dt.timedelta(days=i),
            impressions=100,
            clicks=5,
            conversions=1,
            new_followers=1,
            cost="1",
        )


def test_campaign_page_query_count_does_not_grow_with_rows(
    users, client_for, django_assert_max_num_queries
):
    campaign = running_campaign(users)
    client = client_for(users["specialist"])
    url = reverse("campaigns:detail", args=[campaign.pk])
    _log_spend_measure(users, campaign, 0, 2)
    small = _count(client, url)
    _log_spend_measure(users, campaign, 2, 25)
    with django_assert_max_num_queries(PAGE_MAX):
        response = client.get(url)
    assert "进展26" in response.content.decode()
    assert _count(client, url) == small


def test_list_filters_by_state_type_and_dates(users, client_for):
    make_campaign(users["specialist"], theme="草稿活动")
    approved_campaign(users, theme="通过活动")
    client = client_for(users["specialist"])
    body = client.get(reverse("campaigns:list"), {"state": "approved"}).content.decode()
    assert "通过活动" in body
    assert "草稿活动" not in body
    body = client.get(reverse("campaigns:list"), {"from": "2027-01-01"}).content.decode()
    assert 'data-testid="empty-state"' in body


def test_search_finds_past_campaigns_by_lesson(users, client_for):
    campaign = make_campaign(users["specialist"], theme="中秋抽奖")
    Campaign.objects.filter(pk=campaign.pk).update(lessons="预热要提前一周")
    make_campaign(users["specialist"], theme="别的活动")
    body = (
        client_for(users["specialist"])
        .get(reverse("campaigns:list"), {"q": "预热"})
        .content.decode()
    )
    assert "中秋抽奖" in body
    assert "别的活动" not in body


def test_other_departments_cannot_see_the_campaign(users, client_for):
    campaign = make_campaign(users["specialist"])
    response = client_for(users["other_specialist"]).get(
        reverse("campaigns:detail", args=[campaign.pk])
    )
    assert response.status_code == 403
    body = client_for(users["other_specialist"]).get(reverse("campaigns:list")).content.decode()
    assert campaign.theme not in body


def test_people_without_plan_authority_cannot_open_the_plan_form(users, client_for):
    assert client_for(users["copywriter"]).get(reverse("campaigns:create")).status_code == 403


def test_plan_form_shows_errors_next_to_fields_and_stores_nothing(users, client_for, org):
    data = {
        "department": org["wechat"].pk,
        "theme": "",
        "mode": "online",
        "purpose": "x",
        "starts_on": "2026-10-07",
        "ends_on": "2026-10-01",
        "expected_benefit": "0",
        "campaign_type": "",
    }
    for name in ("prizes", "budget_lines", "targets", "risks", "resources"):
        data.update({f"{name}-TOTAL_FORMS": "1", f"{name}-INITIAL_FORMS": "0"})
    data.update({"budget_lines-0-category": "ads", "budget_lines-0-amount": "-5"})
    response = client_for(users["specialist"]).post(reverse("campaigns:create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="field-error-ends_on"' in body
    assert 'data-testid="field-error-budget_lines-0-amount"' in body
    assert not Campaign.objects.exists()


def test_over_budget_spend_shows_the_message_next_to_the_amount(users, client_for):
    campaign = approved_campaign(users)
    response = client_for(users["manager"]).post(
        reverse("campaigns:spend_add", args=[campaign.pk]),
        {
            "budget_line": campaign.budget_lines.first().pk,
            "amount": "99999",
            "spent_on": "2026-10-01",
        },
    )
    assert response.status_code == 400
    assert 'data-testid="field-error-amount"' in response.content.decode()


def test_manager_approves_from_the_page_and_outsider_cannot(users, client_for):
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    url = reverse("campaigns:transition", args=[campaign.pk, "approve"])
    assert client_for(users["other_manager"]).post(url).status_code == 403
    assert client_for(users["manager"]).post(url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.APPROVED


def test_log_entry_is_added_in_place_with_htmx(users, client_for):
    campaign = running_campaign(users)
    response = client_for(users["specialist"]).post(
        reverse("campaigns:log_add", args=[campaign.pk]),
        {"kind": "progress", "happened_on": "2026-10-02", "text": "首日参与 800 人"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "首日参与 800 人" in body
    assert "<html" not in body


def test_csv_import_report_lists_bad_rows(users, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign = running_campaign(users)
    upload = SimpleUploadedFile(
        "m.csv",
        b"channel,taken_on,impressions,clicks,conversions,new_followers,cost\nnope,2026-10-01,1,0,0,0,0\n",
    )
    response = client_for(users["specialist"]).post(
        reverse("campaigns:metrics_import", args=[campaign.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert 'data-testid="import-report"' in response.content.decode()


def test_calendar_and_dashboard_render(users, client_for):
    approved_campaign(users)
    client = client_for(users["manager"])
    body = client.get(reverse("campaigns:calendar"), {"year": 2026, "month": 10}).content.decode()
    assert "国庆关注有礼" in body
    response = client.get(reverse("campaigns:dashboard"))
    assert response.status_code == 200
    assert response.context["data"]["totals"]["budget"] == 10000


def test_home_panel_lists_plans_awaiting_the_manager(users, client_for):
    campaign = make_campaign(users["specialist"])
    services.campaign_submit(actor=users["specialist"], campaign=campaign)
    body = client_for(users["manager"]).get(reverse("home")).content.decode()
    assert 'data-testid="campaigns-awaiting"' in body
    assert campaign.theme in body
    body = client_for(users["specialist"]).get(reverse("home")).content.decode()
    assert 'data-testid="campaigns-mine"' in body
