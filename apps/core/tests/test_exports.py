"""apps.core.exports: user text stays text in XLSX and CSV, whatever it starts with."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from apps.core import exports
from apps.core.tests.injection import (
    PAYLOADS,
    assert_csv_inert,
    assert_xlsx_text,
    csv_rows,
    xlsx_cells,
)


def _book(write) -> bytes:
    stream = io.BytesIO()
    book = exports.workbook(stream, {"in_memory": True})
    write(book, book.add_worksheet())
    book.close()
    return stream.getvalue()


def test_write_text_stores_every_payload_as_a_string_cell():
    def write(book, sheet):
        for row, payload in enumerate(PAYLOADS):
            exports.write_text(sheet, row, 0, payload, book.add_format({"text_wrap": True}))

    assert_xlsx_text(xlsx_cells(_book(write)))


@pytest.mark.parametrize("options", [None, {"constant_memory": True}])
def test_even_plain_write_cannot_make_a_formula_link_or_number(options, tmp_path):
    """Callers cannot turn the guards back on, and sheet.write() obeys them too."""
    path = tmp_path / "book.xlsx"
    book = exports.workbook(str(path), {**(options or {}), "strings_to_formulas": True})
    sheet = book.add_worksheet()
    texts = [*PAYLOADS, "https://evil.example/x", "00123", "1e5"]
    for row, text in enumerate(texts):
        sheet.write(row, 0, text)
    book.close()
    cells = xlsx_cells(str(path))
    assert [(c.value, c.data_type) for c in cells] == [(t, "s") for t in texts]
    assert not openpyxl_hyperlinks(str(path))


def openpyxl_hyperlinks(path):
    import openpyxl

    return openpyxl.load_workbook(path).worksheets[0]._hyperlinks


def test_write_text_leaves_empty_values_blank():
    def write(book, sheet):
        exports.write_text(sheet, 0, 0, None)
        exports.write_text(sheet, 0, 1, "")
        exports.write_text(sheet, 0, 2, 42)  # a code that happens to be a number stays text

    cells = xlsx_cells(_book(write))
    assert [(c.coordinate, c.value, c.data_type) for c in cells] == [("C1", "42", "s")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_cell_prefixes_an_apostrophe_to_formula_starts(payload):
    assert exports.csv_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["张三", "a=1+1", "", "1-2", "'quoted", "中=1", " =1"])
def test_csv_cell_leaves_other_text_alone(value):
    assert exports.csv_cell(value) == value


@pytest.mark.parametrize("value", [-3, Decimal("-2.50"), 0, 12.5])
def test_csv_cell_keeps_numbers_as_numbers(value):
    assert exports.csv_cell(value) == value


def test_csv_lines_quote_every_field_and_escape_payloads():
    rows = [["name", "figure", "when"], *[[p, -1, dt.date(2026, 1, 31)] for p in PAYLOADS]]
    text = "".join(exports.csv_lines(rows))
    assert text.startswith("\ufeff")
    assert_csv_inert(text)
    parsed = csv_rows(text)
    assert parsed[0] == ["name", "figure", "when"]
    assert parsed[1] == ["'=1+1", "-1", "2026-01-31"]
    assert '"-1"' in text  # quoted, so no field is bare


def test_csv_lines_double_embedded_quotes():
    text = "".join(exports.csv_lines([['=HYPERLINK("http://x","y")']]))
    assert text == '\ufeff"\'=HYPERLINK(""http://x"",""y"")"\r\n'


def test_csv_response_streams_or_not():
    rows = [["a", "=1"]]
    streamed = exports.csv_response(rows, "x.csv")
    body = b"".join(streamed.streaming_content).decode()
    assert streamed["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert streamed["Content-Type"] == "text/csv; charset=utf-8"
    whole = exports.csv_response(rows, "x.csv", stream=False)
    assert whole.content.decode() == body == '\ufeff"a","\'=1"\r\n'
