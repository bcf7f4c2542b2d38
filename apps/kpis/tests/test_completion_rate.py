"""Formula KPIs show their working (issue 12): the completion rate (e.g. 85 %) is stored
once, shown on the form page, in the API and in the XLSX next to the score; a template
refuses a target of 0, and an old zero target reads "no target", never a rate of 0."""

from decimal import Decimal as D

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.core.errors import ApplicationError
from apps.core.models import AuditEntry
from apps.kpis import export, scoring, services
from apps.kpis.models import AppraisalTemplate, FormItem, Indicator
from apps.org.models import Position

pytestmark = pytest.mark.django_db
API = "/api/v1/kpis"


def test_completion_rate_rules():
    ratio = Indicator(kind="quantitative", formula="ratio", rule="linear", floor=0, cap=1)
    value = Indicator(kind="quantitative", formula="value", rule="linear", floor=0, cap=100)
    assert scoring.completion_rate(ratio, D("85"), D("100")) == D("85.00")
    assert scoring.completion_rate(ratio, D("17"), D("20")) == D("85.00")
    assert scoring.completion_rate(ratio, D("85"), D("0")) is None  # never a silent 0
    assert scoring.completion_rate(ratio, D("85"), None) is None
    assert scoring.completion_rate(value, D("85"), None) is None  # the actual is the rate
    assert scoring.no_target(ratio, D("0")) and scoring.no_target(ratio, None)
    assert not scoring.no_target(ratio, D("1")) and not scoring.no_target(value, None)
    composite = Indicator(
        kind="quantitative",
        rule="linear",
        floor=D("0.5"),
        cap=1,
        components=[{"key": "a", "weight": 3}, {"key": "b", "weight": 1}],
    )
    parts = {"part_actuals": {"a": "80", "b": "100"}, "part_targets": {"a": "100", "b": "100"}}
    assert scoring.completion_rate(composite, None, None, **parts) == D("85.00")
    assert scoring.quantitative_score(composite, None, None, **parts) == D("70.00")
    missing = {**parts, "part_actuals": {"a": "80"}}
    assert scoring.completion_rate(composite, None, None, **missing) is None


@pytest.fixture
def rated(form_of, people, users):
    """The specialist's 003 official-account metric at 85 % of every target."""
    form = form_of(people["specialist"])
    item = form.items.get(indicator__code="wx_ops_metrics")
    targets = {k: D(v) for k, v in item.part_targets.items()}
    parts = {k: str(v * D("0.85")) for k, v in targets.items()}
    services.item_set_actual(actor=users["manager"], item=item, parts=parts)
    item.refresh_from_db()
    return form, item


def test_the_rate_is_stored_with_the_score(rated):
    _form, item = rated
    assert item.completion_rate == D("85.00")
    assert item.formula_score == D("70.00")  # linear 50 % → 0, 100 % → 100


def test_the_rate_is_on_the_page_and_in_the_api(rated, client, users, api_for):
    form, item = rated
    client.force_login(users["manager"])
    page = client.get(reverse("kpis:form_detail", args=[form.pk]))
    assert page.status_code == 200
    assert "85 %" in page.content.decode()
    body = api_for(users["manager"]).get(f"{API}/forms/{form.pk}/").json()
    row = next(i for i in body["items"] if i["id"] == item.pk)
    assert (row["completion_rate"], row["no_target"]) == ("85.00", False)


def test_the_rate_is_in_the_sheet_next_to_the_score(rated, users, tmp_path):
    form, item = rated
    FormItem.objects.filter(pk=item.pk).update(score=item.formula_score)
    path = tmp_path / "sheet.xlsx"
    export.write_sheet(str(path), cycle=form.cycle, user=users["hr"])
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    header = list(rows[2])
    col = header.index(item.indicator.label)
    assert header[col + 1] == f"{item.indicator.label} · completion rate (%)"
    mine = next(r for r in rows[3:] if r[0] == form.employee.employee_no)
    assert (mine[col], mine[col + 1]) == (70.0, 85.0)


@pytest.fixture(autouse=True)
def english(client):
    """The messages are asserted in English; the site's default language is zh-hans."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_a_zero_target_is_refused_by_the_service_and_the_editor(kpi_presets, org, users, client):
    ratio = Indicator.objects.get(code="download_completion")
    sections = [{"name": "业绩", "weight": 100, "items": [{"indicator": ratio, "weight": 100}]}]
    before = (AppraisalTemplate.objects.count(), AuditEntry.objects.count())
    for target in (D("0"), None):
        sections[0]["items"][0]["target"] = target
        with pytest.raises(ApplicationError, match="needs a target above 0") as refused:
            services.template_save(
                actor=users["hr"],
                department=org["app-ops"],
                position=Position.objects.get(code="ops_manager"),
                name="x",
                sections=sections,
            )
        assert refused.value.field == "target"
    assert (AppraisalTemplate.objects.count(), AuditEntry.objects.count()) == before

    client.force_login(users["hr"])
    post = {
        "position": Position.objects.get(code="ops_manager").pk,
        "department": org["app-ops"].pk,
        "name": "x",
        "self_scored": "on",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 0,
        "sections-0-name": "业绩",
        "sections-0-weight": "100",
        "sections-0-supervisor_share": "70",
        "sections-0-peer_share": "20",
        "sections-0-self_share": "10",
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-0-section": "1",
        "items-0-indicator": ratio.pk,
        "items-0-weight": "100",
        "items-0-target": "0",
    }
    page = client.post(reverse("kpis:template_new"), post)
    assert page.status_code == 400
    assert "needs a target above 0" in page.content.decode()
    assert (AppraisalTemplate.objects.count(), AuditEntry.objects.count()) == before


def test_an_old_zero_target_reads_no_target(form_of, people, users, client, api_for):
    form = form_of(people["specialist"])
    item = form.items.get(indicator__code="wx_ops_metrics")
    FormItem.objects.filter(pk=item.pk).update(part_targets={**item.part_targets, "reads": "0"})
    services.item_set_actual(
        actor=users["manager"],
        item=item,
        parts={"followers": 1, "reads": 1, "shares": 1, "likes": 1, "comments": 1},
    )
    item.refresh_from_db()
    assert (item.completion_rate, item.formula_score) == (None, None)
    body = api_for(users["manager"]).get(f"{API}/forms/{form.pk}/").json()
    row = next(i for i in body["items"] if i["id"] == item.pk)
    assert (row["completion_rate"], row["no_target"]) == (None, True)
    client.force_login(users["manager"])
    html = client.get(reverse("kpis:form_detail", args=[form.pk])).content.decode()
    assert "no target" in html
