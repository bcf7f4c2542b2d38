"""The one place user text is written into spreadsheets and CSV files.

A comment or a public complaint that starts with `=`, `+`, `-` or `@` becomes a live
formula once a spreadsheet opens it (CSV/formula injection). So:

- XLSX: every workbook comes from `workbook()`, which turns off XlsxWriter's guessing of
  formulas, URLs and numbers in strings, and text goes in with `write_text()`
  (`write_string`), so it is stored as a string cell whatever it starts with.
- CSV: a CSV has no cell types, so every field is quoted and a field that starts with a
  formula character gets a leading apostrophe (OWASP "CSV Injection"), which Excel and
  WPS show as plain text.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse

# Cells starting with any of these are read as formulas by Excel, LibreOffice and WPS
# (tab and carriage return because some of them strip those before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Not overridable by callers: these are what keep user text inert.
_SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def workbook(target, options: dict | None = None) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook (file path or binary stream) that never turns a string
    into a formula, link or number; `options` may add e.g. constant_memory."""
    return xlsxwriter.Workbook(target, {**(options or {}), **_SAFE_OPTIONS})


def write_text(sheet, row: int, col: int, value, cell_format=None) -> None:
    """Write user text as a string cell (blank when empty), never as a formula."""
    text = "" if value is None else str(value)
    if text:
        sheet.write_string(row, col, text, cell_format)
    else:
        sheet.write_blank(row, col, None, cell_format)


def csv_cell(value):
    """A CSV field that a spreadsheet reads as text: strings starting with a formula
    character get a leading apostrophe. Numbers stay numbers (a negative figure is not
    user text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


class CsvWriter:
    """`csv.writer` that quotes every field and neutralises formula starts (OWASP:
    quote, double embedded quotes, prefix an apostrophe)."""

    def __init__(self, stream):
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable):
        return self._writer.writerow([csv_cell(value) for value in row])


class _Echo:
    """A file-like that hands back what is written, so rows can be streamed."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV text of `rows`, line by line, after a BOM so Excel reads it as UTF-8."""
    writer = CsvWriter(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def csv_response(rows: Iterable[Sequence], filename: str, *, stream: bool = True):
    """`rows` as a CSV download. Streamed by default, so memory stays flat however many
    rows there are; `stream=False` for a small file built while the request's language
    and database connection are still current."""
    content_type = "text/csv; charset=utf-8"
    if stream:
        response = StreamingHttpResponse(csv_lines(rows), content_type=content_type)
    else:
        response = HttpResponse("".join(csv_lines(rows)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
