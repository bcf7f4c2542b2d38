"""The appraisal sheet keeps every free-text field as text: comments, names, labels and
the calibration reason that start with = + - @ TAB or CR are string cells, unchanged."""

import pytest

from apps.core.tests.injection import PAYLOADS, assert_xlsx_text, xlsx_cells
from apps.kpis import export
from apps.kpis.models import AppraisalForm, FormItem, Indicator, PeerReview

pytestmark = pytest.mark.postgres


def _fill_with_payloads(cycle, users):
    """Every free-text field that reaches the sheet gets a payload, rotating so each
    payload lands in each column somewhere."""
    forms = list(AppraisalForm.objects.filter(cycle=cycle).select_related("employee", "position"))
    assert len(forms) >= len(PAYLOADS)
    reviewers = [f.employee for f in forms]
    for i, form in enumerate(forms):
        n = len(PAYLOADS)
        form.supervisor_comment = PAYLOADS[i % n]
        form.calibration_reason = PAYLOADS[(i + 1) % n]
        form.save(update_fields=["supervisor_comment", "calibration_reason"])
        form.employee.name = PAYLOADS[(i + 2) % n]
        form.employee.save(update_fields=["name"])
        PeerReview.objects.create(
            form=form,
            reviewer=reviewers[(i + 1) % len(reviewers)],
            assigned_by=users["hr"],
            state=PeerReview.State.SUBMITTED,
            comment=PAYLOADS[(i + 3) % n],
        )
    first = FormItem.objects.filter(form__cycle=cycle).order_by("pk").first()
    Indicator.objects.filter(pk=first.indicator_id).update(name="=HYPERLINK(1)", name_en="")
    department, position = forms[0].department, forms[0].position
    department.name, department.name_en = "@dept", ""
    department.save(update_fields=["name", "name_en"])
    position.name, position.name_en = "+pos", ""
    position.save(update_fields=["name", "name_en"])
    return forms


@pytest.mark.parametrize("one_query", [True, False], ids=["one-query", "chunked"])
def test_every_free_text_field_is_a_string_cell(
    one_query, monthly_cycle, users, tmp_path, monkeypatch
):
    monkeypatch.setattr(export, "_one_query", lambda: one_query)
    forms = _fill_with_payloads(monthly_cycle, users)
    path = tmp_path / "sheet.xlsx"
    assert export.write_sheet(str(path), cycle=monthly_cycle, user=users["hr"]) == len(forms)
    cells = xlsx_cells(str(path))
    assert_xlsx_text(cells, (*PAYLOADS, "=HYPERLINK(1)", "@dept", "+pos"))
    # Column by column: each payload sits under its own header, as text.
    header = {c.value: c.column for c in cells if c.row == 3}
    for title in ("Employee name", "Supervisor's comments", "Peer comments", "Calibration"):
        column = [c for c in cells if c.column == header[title] and c.row > 3]
        assert {c.value for c in column} == set(PAYLOADS), title
        assert {c.data_type for c in column} == {"s"}, title
