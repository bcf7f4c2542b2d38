"""The one way a CSV or XLSX upload becomes rows in the database.

Every import has the same contract:

- The file may be CSV in UTF-8 (with or without BOM) or in GB18030/GBK (what Excel saves
  by default on zh-CN Windows), or an XLSX workbook (its first sheet).
- Row 1 is the header. Columns are found by name, in English or Chinese, as the caller
  lists them; extra columns are ignored.
- Each data row is checked by the caller's `parse(row)`. A problem anywhere — a short
  row, a missing or non-numeric figure, an unknown code — is reported with its row
  number and column, and then NOTHING is written: `ImportRejected` carries the whole
  report. A clean file is saved by the caller's `save(parsed)` in one transaction.

Usage (see apps/kpis/services.py `actuals_import_csv`):

    table = imports.read_table(upload, COLUMNS)
    known = lookup(table.values("employee_no"))     # one query, not one per row
    count = imports.import_table(table, parse=parse_row, save=save_rows)
"""

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
_ZIP_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive
INTEGER_MAX = 2**31 - 1  # PostgreSQL integer
MAX_XLSX_UNZIPPED = 100 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000


@dataclass(frozen=True)
class Column:
    """A field the caller wants and the header names that mean it (any language)."""

    field: str
    names: tuple[str, ...] = ()
    required: bool = True  # the header must have it

    def header_keys(self) -> set[str]:
        return {_header_key(name) for name in (self.field, *self.names)}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


class ImportRejected(ApplicationError):
    """Nothing was imported. `errors` lists every problem row by row (empty when the
    file as a whole could not be read: the message says why)."""

    default_message = gettext_lazy(
        "Nothing was imported: fix the rows listed and upload the file again."
    )

    def __init__(self, errors: Iterable[RowError] = (), message=None):
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__(
            message, field="file", extra={"errors": [e.as_dict() for e in self.errors]}
        )

    def as_api_body(self) -> dict:
        """The API's 400 body: {"detail": ..., "errors": [{"row", "column", "message"}]}."""
        return {"detail": str(self.message), "errors": self.extra["errors"]}


# --- Rows and their cells ----------------------------------------------------------


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


class Row:
    """One data row: `row["field"]` is the cell's text, stripped ("" when empty). The
    typed getters raise ApplicationError naming the field, which the import turns into
    a row error; an empty cell is "missing", never a silent zero."""

    def __init__(self, number: int, values: dict[str, str]):
        self.number = number  # as the spreadsheet numbers it: the header is row 1
        self.values = values

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def text(self, name: str) -> str:
        value = self[name]
        if not value:
            raise ApplicationError(_("This cell is empty."), field=name)
        return value

    def decimal(
        self, name: str, *, minimum: int | None = 0, max_digits: int = 16, places: int = 4
    ) -> Decimal:
        """A number that fits a DecimalField(max_digits, decimal_places=places)."""
        raw = self.text(name)
        if _THOUSANDS.match(raw):  # "1,000" as Excel writes formatted numbers
            raw = raw.replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise ApplicationError(_("“%(v)s” is not a number.") % {"v": raw[:40]}, field=name)
        if minimum is not None and value < minimum:
            raise ApplicationError(
                _("The number cannot be less than %(m)s.") % {"m": minimum}, field=name
            )
        if abs(value) >= Decimal(10) ** (max_digits - places):
            raise ApplicationError(_("The number is too large."), field=name)
        if value != value.quantize(Decimal(1).scaleb(-places)):
            raise ApplicationError(
                _("Write at most %(n)d decimal places.") % {"n": places}, field=name
            )
        return value

    def whole_number(self, name: str, *, minimum: int | None = 0) -> int:
        """A number that fits an IntegerField (PostgreSQL integer)."""
        value = self.decimal(name, minimum=minimum, max_digits=20, places=10)
        if value != value.to_integral_value():
            raise ApplicationError(_("Write a whole number."), field=name)
        if abs(value) > INTEGER_MAX:
            raise ApplicationError(_("The number is too large."), field=name)
        return int(value)

    def date(self, name: str) -> dt.date:
        """2026-01-31, or 2026/1/31 as Excel in zh-CN writes dates into a CSV."""
        raw = self.text(name)
        match = _DATE.match(raw)
        try:
            if match is None:
                raise ValueError
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ApplicationError(
                _("“%(v)s” is not a date: write it as 2026-01-31.") % {"v": raw[:40]}, field=name
            ) from None


@dataclass
class Table:
    """A file read and checked for shape: rows to parse, and the problems found so far."""

    rows: list[Row]
    labels: dict[str, str]  # field -> the column's header as written in the file
    errors: list[RowError] = field(default_factory=list)

    def label(self, name: str | None) -> str:
        return self.labels.get(name, name or "")

    def values(self, name: str) -> set[str]:
        """Every non-empty value of a column, e.g. to look the rows' objects up at once."""
        return {row[name] for row in self.rows if row[name]}


# --- Reading files -----------------------------------------------------------------


def _header_key(name) -> str:
    """Header names match ignoring case, spaces, underscores and hyphens."""
    return re.sub(r"[\s_\-]", "", str(name or "")).casefold()


def _read_bytes(upload, max_bytes: int) -> bytes | str:
    if isinstance(upload, bytes | str):
        data = upload
    elif (getattr(upload, "size", None) or 0) > max_bytes:
        data = None  # too big: not worth reading
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(max_bytes + 1)
    if data is None or len(data) > max_bytes:
        raise ImportRejected(
            message=_("The file is larger than %(n)d MB.") % {"n": max_bytes // (1024 * 1024)}
        )
    return data


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected(
        message=_(
            "The file is neither UTF-8 nor GB18030/GBK text. Save it from Excel as "
            "“CSV UTF-8” or as an XLSX workbook."
        )
    )


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise ImportRejected(
            message=_("Row %(n)d could not be read as CSV: %(e)s")
            % {"n": reader.line_num, "e": error}
        ) from None


def _xlsx_text(value) -> str:
    """An XLSX cell as the text a person typed: 100.0 -> "100", a date -> 2026-01-31."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _refuse_zip_bomb(data: bytes) -> None:
    """A few MB of XLSX can inflate to gigabytes. zipfile never unpacks a member past its
    declared size, so the declared sizes bound what openpyxl can be made to read."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip after all: openpyxl reports it as unreadable
    if len(members) > MAX_XLSX_MEMBERS or sum(m.file_size for m in members) > MAX_XLSX_UNZIPPED:
        raise ImportRejected(message=_("The workbook unpacks to too much data to import."))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    _refuse_zip_bomb(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # whatever openpyxl trips on, the file is unreadable
        logger.info("unreadable XLSX upload", exc_info=True)
        raise ImportRejected(message=_("The file could not be read as an XLSX workbook.")) from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [_xlsx_text(value) for value in values]
    finally:
        book.close()


def _cells(data: bytes | str) -> tuple[Iterator[list[str]], bool]:
    """The file's rows as lists of text, and whether it is CSV (where a short row means
    cells went missing; XLSX leaves trailing empty cells out)."""
    if isinstance(data, bytes) and data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(data), False
    text = data if isinstance(data, str) else _decode(data)
    return _csv_rows(text.lstrip("\ufeff")), True


def _map_header(header: list[str], columns: Iterable[Column]) -> tuple[dict, dict, list]:
    """{position: field}, {field: header text} and the header's problems."""
    by_key = {key: column for column in columns for key in column.header_keys()}
    positions, labels, errors = {}, {}, []
    for position, name in enumerate(header):
        column = by_key.get(_header_key(name))
        if column is None:
            continue
        if column.field in labels:
            message = _("Two columns mean the same: “%(a)s” and “%(b)s”.")
            errors.append(RowError(1, name, message % {"a": labels[column.field], "b": name}))
            continue
        positions[position] = column.field
        labels[column.field] = name.strip()
    for column in columns:
        if column.required and column.field not in labels:
            names = " / ".join(dict.fromkeys((column.field, *column.names)))
            errors.append(RowError(1, names, _("The header has no such column.")))
    return positions, labels, errors


def read_table(
    upload, columns: Iterable[Column], *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> Table:
    """Read an uploaded file (a Django upload, a binary file, bytes or text) into rows.
    Raises ImportRejected when the file as a whole is unusable (size, encoding, header,
    no rows); row problems are collected in `Table.errors` for `import_table`."""
    columns = tuple(columns)
    cells, is_csv = _cells(_read_bytes(upload, max_bytes))
    header = next(cells, None)
    if not header or not any(h.strip() for h in header):
        raise ImportRejected(message=_("The file is empty: row 1 must name the columns."))
    positions, labels, errors = _map_header(header, columns)
    if errors:
        raise ImportRejected(errors)
    rows, width = [], len(header)
    for number, values in enumerate(cells, start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines are skipped but keep their numbers, as Excel shows them
        if len(rows) + len(errors) >= max_rows:
            raise ImportRejected(
                message=_("The file has more than %(n)d rows: split it.") % {"n": max_rows}
            )
        if is_csv and len(values) < width:
            message = _("The row ends early: it has %(n)d cells, the header %(m)d.")
            column = header[len(values)].strip()
            errors.append(RowError(number, column, message % {"n": len(values), "m": width}))
            continue
        if any(v.strip() for v in values[width:]):
            message = _(
                "The row has more cells than the header: is a number written with a comma "
                "(1,000) or a text with an unquoted comma?"
            )
            errors.append(RowError(number, "", message))
            continue
        fields = {
            name: values[position].strip()
            for position, name in positions.items()
            if position < len(values)
        }
        rows.append(Row(number, fields))
    if not rows and not errors:
        raise ImportRejected(message=_("The file has no rows under its header."))
    return Table(rows=rows, labels=labels, errors=errors)


# --- Importing ---------------------------------------------------------------------


def import_table(table: Table, *, parse: Callable[[Row], object], save: Callable[[list], object]):
    """Parse every row, then save all of them in one transaction — or, if any row has a
    problem, save nothing and raise ImportRejected with every problem found."""
    parsed, errors = [], list(table.errors)
    for row in table.rows:
        try:
            parsed.append(parse(row))
        except ApplicationError as error:
            errors.append(RowError(row.number, table.label(error.field), str(error.message)))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        return save(parsed)


def run_import(upload, *, columns: Iterable[Column], parse, save, **limits):
    """`read_table` and `import_table` in one call, for imports that look nothing up."""
    return import_table(read_table(upload, columns, **limits), parse=parse, save=save)
