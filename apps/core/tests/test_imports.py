"""apps.core.imports: encodings, XLSX, headers in two languages, row-level reports and
all-or-nothing saving."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import translation

from apps.core import imports
from apps.core.errors import ApplicationError
from apps.core.imports import Column, ImportRejected


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English; the site's default language is zh-hans."""
    with translation.override("en"):
        yield


COLUMNS = (
    Column("name", ("姓名",)),
    Column("amount", ("金额",)),
    Column("day", ("日期",)),
    Column("note", ("备注",), required=False),
)

CHINESE = '姓名,金额,日期,备注\r\n张三,1200.50,2026/1/31,双十一\r\n李四,"1,000",2026-02-01,\r\n'


def _parse(row):
    return (row.text("name"), row.decimal("amount", places=2), row.date("day"), row["note"])


def _rows(upload, columns=COLUMNS):
    table = imports.read_table(upload, columns)
    return [_parse(row) for row in table.rows], table


EXPECTED = [
    ("张三", Decimal("1200.50"), dt.date(2026, 1, 31), "双十一"),
    ("李四", Decimal("1000"), dt.date(2026, 2, 1), ""),
]


@pytest.mark.parametrize(
    "data",
    [
        CHINESE.encode("utf-8"),
        CHINESE.encode("utf-8-sig"),
        CHINESE.encode("gb18030"),
        CHINESE.encode("gbk"),
        CHINESE,
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "text"],
)
def test_csv_in_every_accepted_encoding_reads_the_same(data):
    upload = SimpleUploadedFile("a.csv", data) if isinstance(data, bytes) else data
    parsed, table = _rows(upload)
    assert parsed == EXPECTED
    assert table.labels == {"name": "姓名", "amount": "金额", "day": "日期", "note": "备注"}
    assert [row.number for row in table.rows] == [2, 3]


def test_english_headers_match_ignoring_case_spaces_and_underscores():
    parsed, _table = _rows(b"Name , AMOUNT,Day\nA,1,2026-01-01\n")
    assert parsed == [("A", Decimal(1), dt.date(2026, 1, 1), "")]
    table = imports.read_table(b"employee no,x\n1,2\n", [Column("employee_no")])
    assert table.rows[0]["employee_no"] == "1"


def test_an_undecodable_file_is_refused_whole():
    with pytest.raises(ImportRejected) as refused:
        imports.read_table(b"\xff\xfe\x00n\x00a", COLUMNS)  # UTF-16: neither encoding
    assert "UTF-8" in str(refused.value.message)
    assert refused.value.errors == []


def test_xlsx_cells_read_as_the_text_a_person_typed():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "金额", "日期", "备注"])
    sheet.append(["张三", 1200.5, dt.datetime(2026, 1, 31), "双十一"])
    sheet.append([None, None, None, None])  # a blank row keeps its number
    sheet.append(["李四", 1000.0, "2026-02-01", None])
    stream = io.BytesIO()
    book.save(stream)
    upload = SimpleUploadedFile("a.xlsx", stream.getvalue())
    parsed, table = _rows(upload)
    assert parsed == [EXPECTED[0][:3] + ("双十一",), EXPECTED[1]]
    assert [row.number for row in table.rows] == [2, 4]


def test_a_broken_xlsx_is_refused_whole():
    with pytest.raises(ImportRejected) as refused:
        imports.read_table(b"PK\x03\x04 not really a zip", COLUMNS)
    assert "XLSX" in str(refused.value.message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        ("姓名,金额,日期\n".encode(), "no rows"),
        ("姓名,金额,日期\n,,\n".encode(), "no rows"),
    ],
)
def test_files_without_rows_are_refused(body, message):
    with pytest.raises(ImportRejected, match=message):
        imports.read_table(body, COLUMNS)


def test_missing_and_doubled_columns_are_reported_on_row_1():
    with pytest.raises(ImportRejected) as refused:
        imports.read_table("姓名,name,日期\nA,B,2026-01-01\n".encode(), COLUMNS)
    errors = [e.as_dict() for e in refused.value.errors]
    assert [(e["row"], e["column"]) for e in errors] == [(1, "name"), (1, "amount / 金额")]


def test_too_big_and_too_many_rows_are_refused():
    big = SimpleUploadedFile("a.csv", b"x" * 100)
    with pytest.raises(ImportRejected, match="larger"):
        imports.read_table(big, COLUMNS, max_bytes=99)
    body = "姓名,金额,日期\n" + "A,1,2026-01-01\n" * 4
    assert len(imports.read_table(body.encode(), COLUMNS, max_rows=4).rows) == 4
    with pytest.raises(ImportRejected, match="more than 3 rows"):
        imports.read_table(body.encode(), COLUMNS, max_rows=3)


BAD = (
    "姓名,金额,日期,备注\n"
    "张三,100,2026-01-31,ok\n"  # 2: fine
    "李四,100\n"  # 3: short row
    "王五,,2026-01-31,x\n"  # 4: missing figure
    "赵六,十,2026-01-31,x\n"  # 5: not a number
    "钱七,1,000,2026-01-31,x\n"  # 6: an unquoted thousands comma shifts the cells
    "孙八,-5,2026-01-31,x\n"  # 7: negative
    "周九,1.234,2026-01-31,x\n"  # 8: too many decimals
    "吴十,1,31/01/2026,x\n"  # 9: not a date
    ",1,2026-01-31,x\n"  # 10: empty text
    "郑一,1e400,2026-01-31,x\n"  # 11: too large
    "冯二,NaN,2026-01-31,x\n"  # 12: not finite
)


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_number_and_column_and_nothing_is_saved():
    saved = []

    def save(rows):
        saved.extend(rows)
        Group.objects.bulk_create(Group(name=r[0]) for r in rows)

    with pytest.raises(ImportRejected) as refused:
        imports.run_import(BAD.encode("gb18030"), columns=COLUMNS, parse=_parse, save=save)
    report = [(e.row, e.column) for e in refused.value.errors]
    assert report == [
        (3, "日期"),
        (4, "金额"),
        (5, "金额"),
        (6, ""),
        (7, "金额"),
        (8, "金额"),
        (9, "日期"),
        (10, "姓名"),
        (11, "金额"),
        (12, "金额"),
    ]
    messages = {e.row: e.message for e in refused.value.errors}
    assert "ends early" in messages[3]
    assert "empty" in messages[4]
    assert "not a number" in messages[5]
    assert "comma" in messages[6]
    assert saved == [] and not Group.objects.exists()
    body = refused.value.as_api_body()
    assert body["errors"][0] == {"row": 3, "column": "日期", "message": messages[3]}
    assert body["detail"] == str(refused.value.message)
    assert refused.value.status_code == 400 and refused.value.field == "file"


@pytest.mark.django_db
def test_a_clean_file_is_saved_in_one_transaction():
    def save(rows):
        Group.objects.bulk_create(Group(name=r[0]) for r in rows)
        if len(rows) > 1:
            Group.objects.create(name="张三")  # a clash half way: the first rows go too
        return len(rows)

    with pytest.raises(IntegrityError):
        imports.run_import(CHINESE.encode(), columns=COLUMNS, parse=_parse, save=save)
    assert not Group.objects.exists()
    one = "姓名,金额,日期\n张三,1,2026-01-31\n"
    assert imports.run_import(one.encode(), columns=COLUMNS, parse=_parse, save=save) == 1
    assert list(Group.objects.values_list("name", flat=True)) == ["张三"]


def test_the_callers_own_refusals_become_row_errors():
    table = imports.read_table("姓名,金额,日期\n张三,1,2026-01-31\n".encode(), COLUMNS)

    def parse(row):
        raise ApplicationError("无此员工", field="name")

    with pytest.raises(ImportRejected) as refused:
        imports.import_table(table, parse=parse, save=lambda rows: None)
    assert [e.as_dict() for e in refused.value.errors] == [
        {"row": 2, "column": "姓名", "message": "无此员工"}
    ]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12", 12), ("１２", 12), ("1,234", 1234), ("7.0", 7), ("-3", -3)],
)
def test_whole_numbers(raw, value):
    row = imports.Row(2, {"n": raw})
    assert row.whole_number("n", minimum=None) == value


@pytest.mark.parametrize("raw", ["1.5", "3000000000", "abc", "", "1,23"])
def test_not_whole_numbers(raw):
    with pytest.raises(ApplicationError) as error:
        imports.Row(2, {"n": raw}).whole_number("n")
    assert error.value.field == "n"


def test_a_file_object_is_read_from_its_start():
    stream = io.BytesIO("姓名,金额,日期\n张三,1,2026-01-31\n".encode())
    stream.read(5)
    assert len(imports.read_table(stream, COLUMNS).rows) == 1


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(monkeypatch):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (2 * 1024 * 1024))
    monkeypatch.setattr(imports, "MAX_XLSX_UNZIPPED", 1024 * 1024)
    monkeypatch.setattr(imports.openpyxl, "load_workbook", pytest.fail)
    with pytest.raises(ImportRejected, match="too much data"):
        imports.read_table(stream.getvalue(), COLUMNS)
