"""Formula-injection payloads and the checks every export test uses."""

import csv
import io
import re
from collections import namedtuple

import openpyxl

# Each is what a person could type into a comment or a public complaint form.
PAYLOADS = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")  # a negative figure is a number, not a formula


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
Cell = namedtuple("Cell", "coordinate value data_type row column")


def xlsx_cells(source) -> list:
    """Every non-empty cell of the first sheet (path or bytes), as Excel reads it.

    XlsxWriter stores control characters (the CR of "\\r=1") as OOXML escapes, _x000D_,
    which Excel decodes and openpyxl does not: decode them here as Excel would."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    sheet = openpyxl.load_workbook(source).worksheets[0]
    return [
        Cell(
            cell.coordinate,
            _unescape(cell.value) if cell.data_type == "s" else cell.value,
            cell.data_type,
            cell.row,
            cell.column_letter,
        )
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _unescape(text: str) -> str:
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def assert_xlsx_text(cells, payloads=PAYLOADS) -> None:
    """Each payload is in some cell, as a string cell holding exactly that text."""
    by_value = {}
    for cell in cells:
        by_value.setdefault(cell.value, []).append(cell)
    for payload in payloads:
        assert payload in by_value, f"{payload!r} is missing from the sheet"
        for cell in by_value[payload]:
            assert cell.data_type == "s", f"{cell.coordinate} {payload!r} is {cell.data_type}"
    assert not [c for c in cells if c.data_type == "f"], "a formula cell was written"


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def assert_csv_inert(text: str, payloads=PAYLOADS) -> None:
    """Each payload comes back escaped (a leading apostrophe) in a quoted field, and no
    field of the file starts with a formula character."""
    cells = [cell for row in csv_rows(text) for cell in row]
    for payload in payloads:
        assert "'" + payload in cells, f"{payload!r} is not escaped in the CSV"
        assert payload not in cells
        assert f'"\'{payload}"' in text, f"{payload!r} is not in a quoted field"
    live = [c for c in cells if c[:1] in FORMULA_STARTS and not _NUMBER.match(c)]
    assert not live, f"fields a spreadsheet would evaluate: {live!r}"
