"""HR's indicator library: listed in constant queries, created and edited through
indicator_save; an incomplete rule or bad JSON is refused with a message, nothing saved."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import AuditEntry
from apps.kpis.models import Indicator

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "code": "mp_orders", "name": "小程序订单量", "name_en": "Mini-program orders",
        "description": "", "kind": "quantitative", "unit": "单", "formula": "ratio",
        "rule": "linear", "floor": "0.5", "cap": "1", "bands": "[]", "scale_max": 5,
        "levels": "[]", "source": "csv", "auto_source": "", "is_active": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def _messages(response):
    return re.findall(r'data-testid="(?:form-error|field-error-[^"]+)"[^>]*>(.+?)</div>',
                      response.content.decode())  # fmt: skip


@pytest.mark.parametrize("login", ["specialist", "manager", "director"])
def test_only_hr_maintains_the_library(kpi_presets, users, client_for, login):
    client = client_for(users[login])
    indicator = Indicator.objects.first()
    assert client.get("/kpis/indicators/").status_code == 403
    assert client.get(f"/kpis/indicators/{indicator.pk}/").status_code == 403
    assert client.post("/kpis/indicators/new/", _data()).status_code == 403
    assert not Indicator.objects.filter(code="mp_orders").exists()


def test_the_library_lists_in_constant_queries(kpi_presets, users, client_for):
    client = client_for(users["hr"])
    client.get("/kpis/indicators/")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/kpis/indicators/?kind=quantitative").status_code == 200
        return len(captured)

    before = queries()
    Indicator.objects.bulk_create(
        Indicator(code=f"extra_{n}", name=f"指标{n}", kind="quantitative") for n in range(10)
    )
    assert queries() == before


def test_hr_creates_and_edits_an_indicator(kpi_presets, users, client_for):
    client = client_for(users["hr"])
    response = client.post("/kpis/indicators/new/", _data())
    assert response.status_code == 302, _messages(response)
    indicator = Indicator.objects.get(code="mp_orders")
    assert (indicator.floor, indicator.cap, indicator.source) == (Decimal("0.5"), 1, "csv")
    response = client.post(
        f"/kpis/indicators/{indicator.pk}/", _data(code="renamed", cap="1.2", source="manual")
    )
    assert response.status_code == 302, _messages(response)
    indicator.refresh_from_db()
    assert (indicator.code, indicator.cap, indicator.source) == (
        "mp_orders",
        Decimal("1.2"),
        "manual",
    )
    actions = AuditEntry.objects.filter(object_id=str(indicator.pk)).values_list(
        "action", flat=True
    )
    assert {"indicator.created", "indicator.updated"} <= set(actions)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"floor": "1", "cap": "0.5"}, "cap must be above the floor"),
        ({"rule": "bands", "bands": "[]"}, "at least one band"),
        ({"source": "auto", "auto_source": ""}, "automatic source"),
        ({"bands": "[[1, 100"}, "JSON"),
        ({"code": "has spaces"}, "letters, numbers"),
        ({"rule": "bands", "bands": '{"a": 1}'}, "[threshold, score] pairs"),
        ({"rule": "bands", "bands": '[["x", 50]]'}, "[threshold, score] pairs"),
        ({"rule": "bands", "bands": "[[1, 150]]"}, "from 0 to 100"),
        ({"kind": "qualitative", "levels": '[{"value": 9, "descriptor": "优"}]'}, "1 to 5"),
        ({"kind": "qualitative", "levels": '["优"]'}, "descriptor"),
    ],
)
def test_bad_indicators_are_refused_with_a_message(
    kpi_presets, users, client_for, overrides, message
):
    response = client_for(users["hr"]).post(
        "/kpis/indicators/new/", _data(**overrides), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert any(message in m for m in _messages(response)), _messages(response)
    assert not Indicator.objects.filter(name="小程序订单量").exists()
    assert 'value="小程序订单量"' in response.content.decode()
