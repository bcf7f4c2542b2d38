"""Importing actuals: GBK and XLSX files with Chinese headers, the row-numbered report on
the page, and nothing written when any row is wrong or the user may not import."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.imports import ImportRejected
from apps.core.models import AuditEntry
from apps.kpis import services
from apps.kpis.models import FormItem, FormState

CODE = "wx_campaign_effect"  # a quantitative indicator of the specialists' template


def _item(people, cycle, who="specialist"):
    return FormItem.objects.get(form__employee=people[who], form__cycle=cycle, indicator__code=CODE)


def _state(cycle):
    """What a refused import must leave alone: every actual and the audit log."""
    actuals = list(
        FormItem.objects.filter(form__cycle=cycle).order_by("pk").values_list("pk", "actual")
    )
    return actuals, AuditEntry.objects.count()


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_a_gbk_file_with_chinese_headers_imports(people, users, monthly_cycle):
    body = f'员工编号,指标编码,实际值\r\n{people["specialist"].employee_no},{CODE},"50,000"\r\n'
    result = services.actuals_import_csv(
        actor=users["hr"], cycle=monthly_cycle, file=io.BytesIO(body.encode("gbk"))
    )
    assert result == {"imported": 1}
    item = _item(people, monthly_cycle)
    assert (item.actual, item.actual_source) == (D("50000"), "csv")
    assert AuditEntry.objects.filter(action="cycle.actuals_imported").count() == 1


def test_an_xlsx_file_imports_through_the_page(people, users, monthly_cycle, client_for):
    data = _xlsx([["工号", "指标", "实际完成"], [people["specialist"].employee_no, CODE, 42000]])
    response = client_for(users["hr"]).post(
        reverse("kpis:cycle_import", args=[monthly_cycle.pk]),
        {"file": SimpleUploadedFile("actuals.xlsx", data)},
    )
    assert response.status_code == 302
    assert _item(people, monthly_cycle).actual == D("42000")


def test_bad_rows_come_back_numbered_on_the_page_and_nothing_is_written(
    people, users, monthly_cycle, client_for
):
    no = people["specialist"].employee_no
    other = people["specialist2"].employee_no
    body = (
        "employee_no,indicator,actual\n"
        f"{no},{CODE},50000\n"  # 2: fine
        f"{other},{CODE}\n"  # 3: short row
        f"{other},{CODE},\n"  # 4: missing figure
        f"{no},{CODE},很多\n"  # 5: not a number (and a repeat of row 2's key)
        f"X999,{CODE},1\n"  # 6: unknown employee
    )
    before = _state(monthly_cycle)
    response = client_for(users["hr"]).post(
        reverse("kpis:cycle_import", args=[monthly_cycle.pk]),
        {"file": SimpleUploadedFile("actuals.csv", body.encode())},
    )
    assert response.status_code == 400
    refused = response.context["import_error"]
    assert [(e.row, e.column) for e in refused.errors] == [
        (3, "actual"),
        (4, "actual"),
        (5, "indicator"),
        (6, "employee_no"),
    ]
    page = response.content.decode()
    assert 'data-testid="import-report"' in page and page.count('data-testid="import-error"') == 4
    assert 'data-testid="import-form"' in page  # the form is there to try again
    assert _state(monthly_cycle) == before


def test_a_non_number_is_reported(people, users, monthly_cycle):
    body = f"employee_no,indicator,actual\n{people['specialist'].employee_no},{CODE},很多\n"
    with pytest.raises(ImportRejected) as refused:
        services.actuals_import_csv(
            actor=users["hr"], cycle=monthly_cycle, file=io.BytesIO(body.encode())
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "actual")]
    assert "not a number" in refused.value.errors[0].message


def test_forms_past_scoring_keep_their_actuals(people, users, monthly_cycle, form_of):
    form = form_of(people["specialist"])
    form.state = FormState.RELEASED
    form.save(update_fields=["state"])
    before = _state(monthly_cycle)
    body = f"employee_no,indicator,actual\n{people['specialist'].employee_no},{CODE},1\n"
    with pytest.raises(ImportRejected) as refused:
        services.actuals_import_csv(
            actor=users["hr"], cycle=monthly_cycle, file=io.BytesIO(body.encode())
        )
    assert "can no longer change" in refused.value.errors[0].message
    assert _state(monthly_cycle) == before


def test_only_hr_imports(people, users, monthly_cycle, client_for):
    body = f"employee_no,indicator,actual\n{people['specialist'].employee_no},{CODE},1\n"
    before = _state(monthly_cycle)
    url = reverse("kpis:cycle_import", args=[monthly_cycle.pk])
    client = client_for(users["manager"])
    assert client.get(url).status_code == 403
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", body.encode())})
    assert response.status_code == 403
    assert _state(monthly_cycle) == before


def test_the_import_page_shows_the_form(users, monthly_cycle, client_for):
    response = client_for(users["hr"]).get(reverse("kpis:cycle_import", args=[monthly_cycle.pk]))
    assert response.status_code == 200
    assert 'accept=".csv,.xlsx"' in response.content.decode()
