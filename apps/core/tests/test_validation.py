"""The input rules every form and API field follows (apps.core.validation), and the
schema that tells the truth about them (apps.core.schema)."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError

from apps.campaigns.models import Campaign
from apps.core import validation
from apps.core.models import AuditEntry
from apps.org.models import Department

PLAN = {
    "theme": "元旦问答",
    "purpose": "活跃社群",
    "campaign_type": "vote",
    "mode": "online",
    "starts_on": "2027-01-01",
    "ends_on": "2027-01-03",
    "budget_lines": [{"category": "prizes", "amount": "1000"}],
}


# --- The rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [dt.date(2000, 1, 1), dt.date(2100, 12, 31)])
def test_dates_within_the_years_pass(value):
    validation.validate_sane_date(value)


@pytest.mark.parametrize("value", [dt.date(1999, 12, 31), dt.date(2101, 1, 1), dt.date(202, 5, 1)])
def test_dates_outside_the_years_are_refused(value):
    with pytest.raises(ValidationError):
        validation.validate_sane_date(value)


def test_multi_line_text_keeps_tabs_and_line_breaks_but_no_other_control_characters():
    validation.validate_text("第一行\n\t第二行\r\n")
    for bad in ("响铃\x07", "escape\x1b[31m", "del\x7f", "c1\x85"):
        with pytest.raises(ValidationError):
            validation.validate_text(bad)


@pytest.mark.parametrize("bad", ["两\n行", "制表\t符", "分隔\u2028符", "响铃\x07"])
def test_a_name_is_one_line_of_visible_characters(bad):
    validation.validate_single_line("微信运营部 WeChat-1")
    with pytest.raises(ValidationError):
        validation.validate_single_line(bad)


def test_every_django_form_has_the_rules():
    # Installed on the field classes: a form written tomorrow has them too.
    class AnyForm(forms.Form):
        day = forms.DateField()
        at = forms.DateTimeField()
        note = forms.CharField()

    form = AnyForm({"day": "1999-01-01", "at": "2200-01-01 10:00", "note": "a\x1bb"})
    assert not form.is_valid()
    assert set(form.errors) == {"day", "at", "note"}
    assert AnyForm({"day": "2026-05-01", "at": "2026-05-01 10:00", "note": "a\nb"}).is_valid()


def test_a_one_line_box_of_the_site_s_forms_refuses_line_breaks():
    from apps.core.forms import BootstrapFormMixin

    class PageForm(BootstrapFormMixin, forms.Form):
        title = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)

    assert not PageForm({"title": "两\n行", "body": "x"}).is_valid()
    assert PageForm({"title": "一行", "body": "两\n行\t"}).is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["新\n部门", "新\x07部门"])
def test_a_department_page_refuses_a_name_with_control_characters(client_for, users, org, name):
    before = (Department.objects.count(), AuditEntry.objects.count())
    response = client_for(users["hr"]).post(
        f"/org/departments/{org['wechat'].pk}/new/",
        {"name": name, "code": "new-dept", "kind": "group"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert (Department.objects.count(), AuditEntry.objects.count()) == before


# --- On the API, refused with a message and nothing written --------------------------------


def _unchanged(before):
    return (Campaign.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_a_plan_with_too_many_budget_lines_is_refused_and_nothing_is_written(api_for, users, org):
    before = (Campaign.objects.count(), AuditEntry.objects.count())
    lines = [{"category": "prizes", "amount": "1"}] * 201
    response = api_for(users["specialist"]).post(
        "/api/v1/campaigns/",
        {**PLAN, "department": org["wechat"].pk, "budget_lines": lines},
        format="json",
    )
    assert response.status_code == 400
    assert "200" in str(response.json()["budget_lines"])
    assert _unchanged(before)


@pytest.mark.django_db
def test_two_hundred_budget_lines_are_still_taken(api_for, users, org):
    lines = [{"category": "prizes", "amount": "1"}] * 200
    response = api_for(users["specialist"]).post(
        "/api/v1/campaigns/",
        {**PLAN, "department": org["wechat"].pk, "budget_lines": lines},
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"), [("starts_on", "1999-12-31"), ("ends_on", "2101-01-01")]
)
def test_a_plan_dated_outside_the_years_is_refused_and_nothing_is_written(
    api_for, users, org, field, value
):
    before = (Campaign.objects.count(), AuditEntry.objects.count())
    response = api_for(users["specialist"]).post(
        "/api/v1/campaigns/", {**PLAN, "department": org["wechat"].pk, field: value}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert _unchanged(before)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["新\n部门", "新\x07部门", "新\u2028部门"])
def test_a_department_name_with_control_characters_is_refused(api_for, users, org, name):
    before = (Department.objects.count(), AuditEntry.objects.count())
    response = api_for(users["hr"]).post(
        "/api/v1/org/departments/",
        {"name": name, "code": "new-dept", "kind": "group", "parent": org["wechat"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "name" in response.json()
    assert (Department.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_a_description_may_have_several_lines(api_for, users, org):
    response = api_for(users["hr"]).post(
        "/api/v1/org/departments/",
        {
            "name": "新部门",
            "code": "new-dept",
            "kind": "group",
            "parent": org["wechat"].pk,
            "description": "第一行\n第二行",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


# --- The schema --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_fields_that_answer_null_are_nullable(schema):
    components = schema["components"]["schemas"]
    # through an empty relation, defaulting to None, a property, or hidden until released
    assert components["Complaint"]["properties"]["owner"]["nullable"]
    assert components["Complaint"]["properties"]["current_due_at"]["nullable"]
    assert components["Item"]["properties"]["current_step"]["nullable"]
    assert components["Form"]["properties"]["grade"]["nullable"]
    assert components["TrainingEnrolment"]["properties"]["feedback"]["nullable"]
    # and a field that is always there stays required and not nullable
    assert "code" in components["Complaint"]["required"]
    assert not components["Complaint"]["properties"]["code"].get("nullable")


def test_lists_are_pages_only_where_the_answer_is_one(schema):
    def ok_schema(path, method="get"):
        response = schema["paths"][path][method]["responses"]["200"]
        return response["content"]["application/json"]["schema"]

    assert ok_schema("/api/v1/complaints/{id}/messages/")["type"] == "array"
    assert ok_schema("/api/v1/content/items/{id}/versions/")["type"] == "array"
    assert "$ref" in ok_schema("/api/v1/campaigns/{id}/log/")  # Paginated…List
    assert "$ref" in ok_schema("/api/v1/content/items/")


def test_lists_sent_to_the_api_say_their_cap(schema):
    plan = schema["components"]["schemas"]["PlanInputRequest"]["properties"]
    assert plan["budget_lines"]["maxItems"] == 200


@pytest.mark.django_db
def test_the_schema_and_docs_need_a_log_in(client, client_for, users):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    assert client_for(users["cs"]).get("/api/schema/").status_code == 200


def test_production_serves_the_schema_to_logged_in_people_only():
    import importlib
    import os
    from unittest import mock

    env = {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "ops.example.com"}
    with mock.patch.dict(os.environ, env):
        production = importlib.import_module("ops_portal.settings.production")
    assert production.SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] == [
        "rest_framework.permissions.IsAuthenticated"
    ]
    assert production.SPECTACULAR_SETTINGS["SERVE_PUBLIC"] is False
