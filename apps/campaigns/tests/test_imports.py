"""Campaign metrics import: GB18030/XLSX with Chinese headers, a missing figure is an
error (not a zero), the row-numbered report on the page and in the API."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.campaigns import services
from apps.campaigns.models import MetricSnapshot
from apps.campaigns.tests.factories import running_campaign
from apps.core.models import AuditEntry

CHINESE_HEADER = "渠道,日期,曝光,点击,转化,新增关注,花费\r\n"


def _state():
    return list(MetricSnapshot.objects.values_list("pk", "clicks")), AuditEntry.objects.count()


def test_a_gb18030_file_with_chinese_headers_imports(users):
    campaign = running_campaign(users)
    body = CHINESE_HEADER + 'wechat,2026/10/1,"1,000",50,5,-3,99.50\r\n'
    count = services.metrics_import_csv(
        actor=users["specialist"],
        campaign=campaign,
        upload=SimpleUploadedFile("m.csv", body.encode("gb18030")),
    )
    assert count == 1
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.impressions, snapshot.new_followers, str(snapshot.cost)) == (1000, -3, "99.50")


def test_an_xlsx_file_imports(users):
    campaign = running_campaign(users)
    book = openpyxl.Workbook()
    book.active.append(CHINESE_HEADER.strip().split(","))
    book.active.append(["weibo", "2026-10-01", 500, 10, 1, 0, 0])
    stream = io.BytesIO()
    book.save(stream)
    upload = SimpleUploadedFile("m.xlsx", stream.getvalue())
    assert services.metrics_import_csv(actor=users["specialist"], campaign=campaign, upload=upload)
    assert MetricSnapshot.objects.get().channel == "weibo"


def test_a_missing_figure_is_reported_above_the_form(users, client_for):
    campaign = running_campaign(users)
    body = (
        "channel,taken_on,impressions,clicks,conversions,new_followers,cost\n"
        "wechat,2026-10-01,1000,50,5,3,100\n"
        "weibo,2026-10-01,1000,,5,3,100\n"
        "app,2026-10-01,1000\n"
    )
    before = _state()
    response = client_for(users["specialist"]).post(
        reverse("campaigns:metrics_import", args=[campaign.pk]),
        {"file": SimpleUploadedFile("m.csv", body.encode())},
    )
    assert response.status_code == 400
    errors = response.context["import_error"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "clicks"), (4, "clicks")]
    page = response.content.decode()
    assert page.count('data-testid="import-error"') == 2
    assert page.index('data-testid="import-report"') < page.index('data-testid="import-form"')
    assert _state() == before


def test_the_api_answers_400_with_the_report(users, api_for):
    campaign = running_campaign(users)
    body = (
        "channel,taken_on,impressions,clicks,conversions,new_followers,cost\n"
        "wechat,2026-10-01,1000,50,5,3,\n"
    )
    before = _state()
    response = api_for(users["specialist"]).post(
        f"/api/v1/campaigns/{campaign.pk}/metrics/import/",
        {"file": SimpleUploadedFile("m.csv", body.encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "cost")]
    assert _state() == before
