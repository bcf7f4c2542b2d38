"""Bad input never reaches a 500: NUL bytes and oversized bodies are refused before any
view (apps.core.input_guard), ids that are not numbers are no such page
(apps.core.routers), and values a view cannot read are 400 (apps.core.api)."""

import json

import pytest
from django.test import override_settings

from apps.content.models import ContentItem
from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- NUL bytes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/content/items/?q=%00",
        "/api/v1/org/employees/?q=a%00b",
        "/api/v1/complaints/?%00=1",
        "/api/v1/complaints/track/ab%00cd/",
        "/api/v1/kpis/forms/?state=draft%00",
    ],
)
def test_a_nul_byte_in_an_api_address_is_400_json(api_for, users, url):
    response = api_for(users["manager"]).get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/content/?q=%00", "/complaints/track/ab%00cd/", "/org/people/?q=%00"]
)
def test_a_nul_byte_in_a_page_address_is_the_400_page(client_for, users, url):
    response = client_for(users["manager"]).get(url)
    assert response.status_code == 400
    assert b'data-testid="error-page"' in response.content


def test_a_nul_byte_in_a_form_field_is_refused_and_nothing_is_written(client_for, users):
    items, audit = ContentItem.objects.count(), AuditEntry.objects.count()
    response = client_for(users["copywriter"]).post(
        "/content/new/", {"title": "春季\x00活动", "department": "1"}
    )
    assert response.status_code == 400
    assert (ContentItem.objects.count(), AuditEntry.objects.count()) == (items, audit)


def test_a_nul_byte_in_a_cookie_or_header_is_400(api_for, users):
    api = api_for(users["manager"])
    # A quoted cookie's octal escape is decoded: \000 is a NUL in the session key.
    cookie = 'sessionid="abcdefgh\\000ij"'
    assert api.get("/api/v1/org/departments/", HTTP_COOKIE=cookie).status_code == 400
    assert api.get("/api/v1/org/departments/", HTTP_X_NOTE="a\x00b").status_code == 400


def test_a_clean_request_passes(api_for, users):
    assert api_for(users["manager"]).get("/api/v1/content/items/?q=春季").status_code == 200


# --- Body size ------------------------------------------------------------------------


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_json_body_over_the_limit_is_413_and_nothing_is_written(api_for, users, org):
    departments = org["wechat"].__class__.objects.count()
    body = json.dumps({"code": "big", "name": "x" * 2000, "parent": org["wechat"].pk})
    response = api_for(users["hr"]).post(
        "/api/v1/org/departments/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]
    assert org["wechat"].__class__.objects.count() == departments


@override_settings(REQUEST_BODY_MAX_BYTES=2048)
def test_a_multipart_body_over_its_limit_is_413(api_for, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("m.csv", b"a" * 4096, content_type="text/csv")
    response = api_for(users["manager"]).post(
        "/api/v1/content/items/metrics-import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 413


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_form_with_too_many_fields_is_400_not_500(client_for, users):
    response = client_for(users["manager"]).post("/content/new/", {f"f{i}": "x" for i in range(20)})
    assert response.status_code == 400


# --- Ids and values a view cannot read ---------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/content/items/abc/submit/"),
        ("get", "/api/v1/content/items/1.5/"),
        ("post", "/api/v1/complaints/tasks/x/cancel/"),
        ("get", "/api/v1/training/sessions/-1/"),
        ("post", "/api/v1/training/enrolments/%C2%B2/cancel/"),
        ("get", "/api/v1/org/employees/%00/"),
        ("get", "/api/v1/kpis/forms/1e3/"),
        ("get", "/api/v1/campaigns/abc/"),
    ],
)
def test_an_id_that_is_not_a_number_is_404_or_400(api_for, users, method, url):
    response = getattr(api_for(users["hr"]), method)(url)
    assert response.status_code in (400, 404)


def test_an_id_past_the_column_range_is_404(api_for, users):
    response = api_for(users["hr"]).get("/api/v1/content/items/99999999999999999999/")
    assert response.status_code == 404


def test_a_lookup_by_another_field_keeps_its_own_pattern(api_for, users):
    # SLA policies are looked up by severity, a word: the numeric rule must not apply.
    response = api_for(users["cs"]).get("/api/v1/complaints/sla-policies/high/")
    assert response.status_code in (200, 404)
    assert response.status_code != 500


def test_a_value_error_in_a_view_is_400_with_a_message(rf):
    from apps.core.api import exception_handler

    response = exception_handler(ValueError("invalid literal for int()"), {"view": None})
    assert response.status_code == 400
    assert response.data["detail"]
    assert "invalid literal" not in str(response.data)  # no internals leak out
