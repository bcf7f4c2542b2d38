"""Content metrics import: GBK/XLSX with Chinese headers, the row-numbered report on the
page and in the API, and nothing written when a row is wrong."""

import datetime as dt
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.content import services
from apps.content.models import ContentMetrics
from apps.content.tests.factories import approve, fresh, in_an_hour, make_item, submit
from apps.core.models import AuditEntry

API = "/api/v1/content/items/metrics-import/"
CHINESE_HEADER = "内容编号,日期,阅读,分享,点赞,评论,新增关注,取消关注\r\n"


def _published(users):
    item = submit(make_item(users["copywriter"]))
    approve(item, users["specialist"], publish_at=in_an_hour())
    services.content_publish_due(now=in_an_hour() + dt.timedelta(hours=1))
    return fresh(item)


def _state():
    return list(ContentMetrics.objects.values_list("pk", "reads")), AuditEntry.objects.count()


def test_a_gbk_file_with_chinese_headers_imports(users):
    item = _published(users)
    body = CHINESE_HEADER + f'{item.pk},2026/11/1,"1,200",5,9,2,3,1\r\n'
    applied = services.metrics_import_csv(actor=users["copywriter"], data=body.encode("gbk"))
    assert applied == 1
    assert item.metrics.get().reads == 1200


def test_an_xlsx_file_imports_through_the_page(users, client_for):
    item = _published(users)
    book = openpyxl.Workbook()
    book.active.append(CHINESE_HEADER.strip().split(","))
    book.active.append([item.pk, dt.datetime(2026, 11, 1), 100, 5, 9, 2, 3, 1])
    stream = io.BytesIO()
    book.save(stream)
    response = client_for(users["copywriter"]).post(
        reverse("content:metrics_import"),
        {"file": SimpleUploadedFile("m.xlsx", stream.getvalue())},
    )
    assert response.status_code == 302
    assert item.metrics.get().date == dt.date(2026, 11, 1)


def test_missing_figures_and_short_rows_are_reported_on_the_page(users, client_for):
    item = _published(users)
    body = (
        "item_id,date,reads,shares,likes,comments,followers_gained,followers_lost\n"
        f"{item.pk},2026-11-01,100,5,9,2,3,1\n"
        f"{item.pk},2026-11-02,100,,9,2,3,1\n"
        f"{item.pk},2026-11-03,100,5\n"
    )
    before = _state()
    response = client_for(users["copywriter"]).post(
        reverse("content:metrics_import"), {"file": SimpleUploadedFile("m.csv", body.encode())}
    )
    assert response.status_code == 400
    errors = response.context["import_error"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "shares"), (4, "likes")]
    assert response.content.decode().count('data-testid="import-error"') == 2
    assert _state() == before


def test_the_api_answers_400_with_the_report(users, api_for):
    item = _published(users)
    body = (
        "item_id,date,reads,shares,likes,comments,followers_gained,followers_lost\n"
        f"{item.pk},2026-11-01,lots,5,9,2,3,1\n"
    )
    before = _state()
    response = api_for(users["copywriter"]).post(
        API, {"file": SimpleUploadedFile("m.csv", body.encode())}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "reads")]
    assert _state() == before


def test_someone_without_the_right_imports_nothing(users, api_for):
    item = _published(users)
    body = (
        "item_id,date,reads,shares,likes,comments,followers_gained,followers_lost\n"
        f"{item.pk},2026-11-01,1,5,9,2,3,1\n"
    )
    before = _state()
    response = api_for(users["cs"]).post(
        API, {"file": SimpleUploadedFile("m.csv", body.encode())}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2
    assert _state() == before
