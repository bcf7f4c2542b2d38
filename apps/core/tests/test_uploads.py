"""The shared upload check: real files of each type pass; polyglots, fakes, renamed files
and oversized ones are refused with a message naming the file."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from apps.core import uploads
from apps.core.tests import samples

EVERYTHING = frozenset(uploads.TYPE_OF)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def check(name, data, *, extensions=EVERYTHING, max_bytes=5 * uploads.MB):
    return uploads.check_upload(
        SimpleUploadedFile(name, data), extensions=extensions, max_bytes=max_bytes
    )


def refusal(name, data, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check(name, data, **kwargs)
    assert name in error.value.messages[0]  # the message says which file
    return error.value


# --- Accepted -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.png", samples.png(), "image/png"),
        ("a.jpg", samples.jpeg(), "image/jpeg"),
        ("A.JPEG", samples.jpeg(), "image/jpeg"),
        ("a.gif", samples.gif(), "image/gif"),
        ("a.webp", samples.webp(), "image/webp"),
        ("a.pdf", samples.pdf(), "application/pdf"),
        ("a.docx", samples.docx(), uploads.CONTENT_TYPES[".docx"]),
        ("a.xlsx", samples.xlsx(), uploads.CONTENT_TYPES[".xlsx"]),
        ("a.csv", "渠道,曝光\nwechat,10\n".encode(), "text/csv"),
        ("a.csv", "渠道,曝光\r\nwechat,10\r\n".encode("gb18030"), "text/csv"),
        ("a.txt", b"a < b, <b>bold</b> is only text here\n", "text/plain"),
    ],
)
def test_real_files_pass(name, data, content_type):
    assert check(name, data).content_type == content_type


def test_the_file_is_left_at_its_start():
    upload = SimpleUploadedFile("a.png", samples.png())
    upload.read(3)
    uploads.check_upload(upload, extensions={".png"}, max_bytes=uploads.MB)
    assert upload.read() == samples.png()


def test_an_image_with_ordinary_metadata_passes():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Shot on a phone <3")
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, format="PNG", pnginfo=info)
    check("meta.png", buffer.getvalue())


# --- Refused --------------------------------------------------------------------------------


def _png_with_text(text: bytes) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def _gif_with_comment(comment: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (3, 3)).save(buffer, format="GIF", comment=comment)
    return buffer.getvalue()


def _huge_png(width=20000, height=20000) -> bytes:
    """A valid-looking PNG header claiming a huge canvas (a decompression bomb)."""

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )


def _zip(members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        # An image signature followed by a page: a browser sniffing it would run it.
        ("shot.png", b"\x89PNG\r\n\x1a\n" + HTML, "file_markup"),
        ("shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "file_content"),
        ("shot.png", samples.png() + HTML, "file_markup"),
        ("shot.jpg", samples.jpeg() + b"<svg onload=alert(1)>", "file_markup"),
        ("anim.gif", _gif_with_comment(b"<script>alert(1)</script>"), "file_markup"),
        ("text.png", _png_with_text(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "file_markup"),
        ("half.png", samples.png()[:40], "file_content"),
        ("bomb.png", _huge_png(), "file_pixels"),
        ("bomb.png", _huge_png(8000, 7000), "file_pixels"),  # under Pillow's own limit
        # Fake and scripted PDFs.
        ("fake.pdf", b"%PDF-1.4 not really a document", "file_content"),
        ("page.pdf", samples.pdf() + HTML, "file_markup"),
        ("page.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n", "file_markup"),
        (
            "act.pdf",
            samples.pdf().replace(
                b"/Type /Catalog", b"/OpenAction << /S /JavaScript >> /Type /Catalog"
            ),
            "file_markup",
        ),
        # The extension must agree with what the bytes are.
        ("photo.jpg", samples.png(), "file_mismatch"),
        ("scan.png", samples.pdf(), "file_mismatch"),
        ("report.pdf", samples.png(), "file_mismatch"),
        ("sheet.xlsx", samples.docx(), "file_mismatch"),
        ("notes.txt", samples.pdf(), "file_mismatch"),
        ("page.jpg", HTML, "file_content"),
        # Office files: a real zip from byte 0, with its parts, no macros.
        ("letter.docx", b"PK\x03\x04 broken", "file_mismatch"),
        ("letter.docx", _zip(["[Content_Types].xml"]), "file_mismatch"),
        ("letter.docx", HTML + samples.docx(), "file_content"),  # a page with a zip after it
        (
            "macro.xlsx",
            _zip(["[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"]),
            "file_macro",
        ),
        # Text is text.
        ("data.csv", b"a,b\n1,\x002\n", "file_content"),
        ("data.txt", bytes(range(256)), "file_content"),
        # Type, size, emptiness.
        ("virus.exe", b"MZ\x90\x00", "file_type"),
        ("noext", b"hello", "file_type"),
        ("page.html", HTML, "file_type"),
        ("empty.png", b"", "file_empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, data, code):
    assert refusal(name, data).code == code


def test_an_extension_allowed_elsewhere_is_refused_here():
    assert refusal("a.pdf", samples.pdf(), extensions={".png"}).code == "file_type"


def test_size_is_limited_even_when_the_stated_size_lies():
    data = samples.png()
    assert refusal("big.png", data, max_bytes=len(data) - 1).code == "file_size"
    liar = SimpleUploadedFile("liar.png", data)
    liar.size = 10
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(liar, extensions={".png"}, max_bytes=len(data) - 1)
    assert error.value.code == "file_size"
    assert "liar.png" in error.value.messages[0]


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        check("virus.exe", b"MZ")
    with translation.override("en"):
        english = refusal("virus.exe", b"MZ").messages[0]
    # lazily translated: the text follows the language active when it is shown
    assert "virus.exe" in error.value.messages[0] and english.startswith("“virus.exe”")


# --- The model-field validator and the storage names -------------------------------------


def test_validator_skips_files_already_stored_and_checks_new_ones(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from apps.content.models import ContentImage

    validator = uploads.UploadValidator({".png"}, uploads.MB)
    field = ContentImage._meta.get_field("file")
    stored = field.attr_class(ContentImage(), field, "content/images/old.png")
    stored._committed = True
    validator(stored)  # not read again: no such file on disk, and no error
    with pytest.raises(ValidationError):
        validator(SimpleUploadedFile("new.png", b"\x89PNG\r\n\x1a\n" + HTML))


def test_validator_deconstructs_stably():
    a = uploads.UploadValidator({".png", ".gif", ".jpg"}, 5)
    path, args, kwargs = a.deconstruct()
    assert path == "apps.core.uploads.UploadValidator"
    assert args == ([".gif", ".jpg", ".png"], 5) and kwargs == {}
    assert a == uploads.UploadValidator([".jpg", ".png", ".gif"], 5)
    assert a != uploads.UploadValidator([".jpg"], 5)


def test_random_names_keep_only_the_extension():
    name = uploads.RandomName("kpis/exports/")
    first = name(None, "appraisal-sheet-202610-7.XLSX")
    second = name(None, "appraisal-sheet-202610-7.XLSX")
    assert first != second
    assert first.startswith("kpis/exports/") and first.endswith(".xlsx")
    assert "appraisal" not in first
    assert len(first.rsplit("/", 1)[-1]) >= 24
    assert name == uploads.RandomName("kpis/exports")


# --- Every upload path refuses them and stores nothing ------------------------------------

BAD_FILES = {
    "png-then-html": ("shot.png", b"\x89PNG\r\n\x1a\n" + HTML),
    "gif-with-script": ("anim.gif", _gif_with_comment(b"<script>alert(1)</script>")),
    "fake-pdf": ("proof.pdf", b"%PDF-1.4 trust me"),
    "renamed": ("photo.jpg", samples.png()),
}


def _content_image_add(users):
    from apps.content import services
    from apps.content.tests.factories import make_item

    item = make_item(users["copywriter"], designer=users["designer"])
    return lambda upload: services.content_image_add(
        actor=users["designer"], item=item, file=upload
    )


def _content_authorisation(users):
    from apps.content import services
    from apps.content.tests.factories import make_item

    item = make_item(users["copywriter"], origin="repost", source="人民日报")
    return lambda upload: services.content_item_update(
        actor=users["copywriter"], item=item, authorisation=upload
    )


def _complaint_submit(users):
    from apps.complaints import services
    from apps.complaints.models import Channel, ComplaintCategory

    return lambda upload: services.complaint_submit(
        channel=Channel.WEB,
        category=ComplaintCategory.objects.get(code="technical"),
        description="The app crashes when I open my orders page.",
        contact_name="张三",
        contact_phone="13812341234",
        attachments=[upload],
    )


def _campaign_log(users):
    import datetime as dt

    from apps.campaigns import services
    from apps.campaigns.tests.factories import running_campaign

    campaign = running_campaign(users)
    return lambda upload: services.log_entry_add(
        actor=users["specialist"],
        campaign=campaign,
        kind="progress",
        happened_on=dt.date.today(),
        text="推文发布",
        files=[upload],
    )


def _state():
    from apps.campaigns.models import LogAttachment, LogEntry
    from apps.complaints.models import Complaint, ComplaintAttachment
    from apps.content.models import ContentImage, ContentItem
    from apps.core.models import AuditEntry, Notification

    return {
        "rows": [
            m.objects.count()
            for m in (ContentImage, LogEntry, LogAttachment, Complaint, ComplaintAttachment)
        ],
        "proofs": list(
            ContentItem.objects.exclude(authorisation="").values_list("authorisation", flat=True)
        ),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


PATHS = {
    "content-image": _content_image_add,
    "content-authorisation": _content_authorisation,
    "complaint": _complaint_submit,
    "campaign-log": _campaign_log,
}


@pytest.mark.parametrize("bad", BAD_FILES)
@pytest.mark.parametrize("path", PATHS)
def test_every_upload_path_refuses_bad_files_and_stores_nothing(
    users, settings, tmp_path, path, bad
):
    from apps.core.errors import ApplicationError

    settings.MEDIA_ROOT = tmp_path
    name, data = BAD_FILES[bad]
    if path in ("content-image",) and name.endswith(".pdf"):
        name = "proof.png"  # images only there: a fake PNG instead
        data = b"\x89PNG\r\n\x1a\n%PDF-1.4 trust me"
    if path in ("content-authorisation", "complaint") and name.endswith(".gif"):
        name = "anim.png"  # no GIFs there: the same script in a PNG comment
        data = _png_with_text(b"<script>alert(1)</script>")
    upload_to = PATHS[path](users)
    before = _state()
    with pytest.raises(ApplicationError) as error:
        upload_to(SimpleUploadedFile(name, data))
    assert error.value.field in ("file", "authorisation", "attachments")
    assert name in str(error.value.message)
    # Nothing was written: no row, no audit entry, no notification, no file on disk.
    assert _state() == before
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
