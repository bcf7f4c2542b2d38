"""The one check every uploaded file passes before it is stored, and the random names
files are stored under.

A file is accepted when its extension is allowed for the use, its size is within the
use's limit, its bytes are of the type the extension names (not just the first few:
a PNG header followed by an HTML page is not a PNG), and it carries no HTML or script
a browser could be talked into running. Each type is checked by reading it as what it
claims to be:

- images (PNG, JPEG, GIF, WebP): Pillow verifies the file, then decodes every pixel;
- PDF: ``%PDF-`` header, ``%%EOF`` in the last kilobyte, no JavaScript actions;
- DOCX/XLSX: a zip from its first byte, with the members that type requires, every
  member's checksum right, no macros and no zip bomb;
- CSV/TXT: UTF-8 (or GB18030, what Chinese Excel saves) text with no NUL or control bytes.

Images, PDFs and office files are also refused when HTML/script markers (``<html``,
``<script``, ``<svg``, …) appear anywhere in their bytes. Files are served through the
permission-checked views of apps.core.files, always with ``nosniff``; this check keeps
polyglot files out of storage in the first place.
"""

import io
import os
import re
import secrets
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image

MB = 1024 * 1024

# Extension → the type its bytes must be.
TYPE_OF = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".pdf": "PDF",
    ".docx": "DOCX",
    ".xlsx": "XLSX",
    ".csv": "CSV",
    ".txt": "TXT",
}
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
_TEXT_TYPES = frozenset({"CSV", "TXT"})

# Bigger pictures than this are refused before decoding (a small file can claim a huge
# canvas and take the worker's memory when decoded).
MAX_IMAGE_PIXELS = 50_000_000
# An office file may unpack to at most this much, in at most this many members.
MAX_UNZIPPED_BYTES = 200 * MB
MAX_ZIP_MEMBERS = 5000
_ZIP_REQUIRED = {
    "DOCX": ("[Content_Types].xml", "word/document.xml"),
    "XLSX": ("[Content_Types].xml", "xl/workbook.xml"),
}

# What a browser would treat as a page or a script. Case-insensitive, anywhere in the bytes.
_MARKUP = re.compile(
    rb"<(?:html|script|svg|body|iframe|object|embed|!doctype\s+html)\b", re.IGNORECASE
)
_PDF_SCRIPT = re.compile(rb"/(?:JavaScript|JS|Launch)\b")
# Control bytes text never holds (tab, line feed, vertical tab, form feed, CR are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Checked:
    extension: str
    content_type: str


def extension_of(name: str) -> str:
    return os.path.splitext(os.path.basename(name or ""))[1].lower()


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


def check_upload(upload, *, extensions, max_bytes: int) -> Checked:
    """Refuse `upload` with a ValidationError unless it is a real file of an allowed
    type within `max_bytes`. Leaves the file positioned at its start."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = extension_of(name)
    params = {"name": name, "ext": extension or "—"}
    if extension not in extensions or extension not in TYPE_OF:
        raise ValidationError(
            _("“%(name)s” is not accepted: only these file types are: %(types)s."),
            params={**params, "types": ", ".join(sorted(extensions))},
            code="file_type",
        )
    too_big = ValidationError(
        _("“%(name)s” is larger than %(mb)s MB."),
        params={**params, "mb": f"{max_bytes / MB:g}"},
        code="file_size",
    )
    if (getattr(upload, "size", None) or 0) > max_bytes:
        raise too_big
    data = _read(upload, max_bytes + 1)
    if len(data) > max_bytes:  # the stated size was wrong
        raise too_big
    if not data:
        raise ValidationError(_("“%(name)s” is empty."), params=params, code="file_empty")

    expected = TYPE_OF[extension]
    found = sniff(data)
    if found != expected and not (found is None and expected in _TEXT_TYPES):
        if found is None:
            raise _not_real(params, expected)
        raise ValidationError(
            _(
                "“%(name)s” is a %(found)s file but its name ends in %(ext)s. "
                "Choose the right file or give it the right name."
            ),
            params={**params, "found": found},
            code="file_mismatch",
        )
    _VERIFY[expected](data, expected, params)
    return Checked(extension, CONTENT_TYPES[extension])


def sniff(data: bytes) -> str | None:
    """The type the bytes start as (None: no known signature, possibly text)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith(b"%PDF-"):
        return "PDF"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "ZIP"
        for kind, required in _ZIP_REQUIRED.items():
            if required[1] in names:
                return kind
        return "ZIP"
    return None


def _read(upload, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit)
    upload.seek(0)
    return data if isinstance(data, bytes) else data.encode()


def _not_real(params, kind) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not a real %(type)s file."),
        params={**params, "type": kind},
        code="file_content",
    )


def _refuse_markup(data: bytes, params) -> None:
    if _MARKUP.search(data):
        raise ValidationError(
            _("“%(name)s” contains web page or script code and is not accepted."),
            params=params,
            code="file_markup",
        )


def _too_many_pixels(params) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is too large a picture: at most %(mp)d megapixels."),
        params={**params, "mp": MAX_IMAGE_PIXELS // 1_000_000},
        code="file_pixels",
    )


def _verify_image(data: bytes, kind: str, params) -> None:
    _refuse_markup(data, params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != kind:
                    raise _not_real(params, kind)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(params)
                image.verify()
            # verify() leaves the image unusable; decode it in full from a fresh open.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(params) from error
    except Exception as error:  # Pillow raises many types for broken files
        raise _not_real(params, kind) from error


def _verify_pdf(data: bytes, kind: str, params) -> None:
    if b"%%EOF" not in data[-1024:]:
        raise _not_real(params, kind)
    _refuse_markup(data, params)
    if _PDF_SCRIPT.search(data):
        raise ValidationError(
            _("“%(name)s” is a PDF with scripts or launch actions and is not accepted."),
            params=params,
            code="file_markup",
        )


def _verify_office(data: bytes, kind: str, params) -> None:
    _refuse_markup(data, params)  # e.g. an HTML page with a zip appended
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if len(members) > MAX_ZIP_MEMBERS or (
                sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES
            ):
                raise _not_real(params, kind)
            if not set(_ZIP_REQUIRED[kind]) <= names:
                raise _not_real(params, kind)
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise ValidationError(
                    _("“%(name)s” contains macros and is not accepted."),
                    params=params,
                    code="file_macro",
                )
            if archive.testzip() is not None:  # reads every member, checks its CRC
                raise _not_real(params, kind)
    except ValidationError:
        raise
    except Exception as error:  # zipfile raises many types for broken files
        raise _not_real(params, kind) from error


def _verify_text(data: bytes, kind: str, params) -> None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return
        break
    raise ValidationError(_("“%(name)s” is not a text file."), params=params, code="file_content")


_VERIFY = {
    "PNG": _verify_image,
    "JPEG": _verify_image,
    "GIF": _verify_image,
    "WEBP": _verify_image,
    "PDF": _verify_pdf,
    "DOCX": _verify_office,
    "XLSX": _verify_office,
    "CSV": _verify_text,
    "TXT": _verify_text,
}


class UploadValidator:
    """The model-field form of check_upload. A file already in storage is not read
    again: it passed when it was uploaded."""

    def __init__(self, extensions, max_bytes):
        self.extensions = tuple(sorted(extensions))
        self.max_bytes = max_bytes

    def __call__(self, value):
        if isinstance(value, FieldFile) and value._committed:
            return
        check_upload(value, extensions=self.extensions, max_bytes=self.max_bytes)

    def __eq__(self, other):
        return (
            isinstance(other, UploadValidator)
            and self.extensions == other.extensions
            and self.max_bytes == other.max_bytes
        )

    def __hash__(self):
        return hash((self.extensions, self.max_bytes))

    def deconstruct(self):  # sorted, so migrations do not change from run to run
        return ("apps.core.uploads.UploadValidator", (list(self.extensions), self.max_bytes), {})


@deconstructible(path="apps.core.uploads.RandomName")
class RandomName:
    """upload_to: `<folder>/<yyyy>/<mm>/<random>.<ext>`. Nothing about the file (its
    owner, its name, the record it belongs to) can be guessed from where it is stored;
    the download view gives it a readable name."""

    def __init__(self, folder):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename):
        month = timezone.localdate().strftime("%Y/%m")
        return f"{self.folder}/{month}/{secrets.token_urlsafe(18)}{extension_of(filename)}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and self.folder == other.folder

    def __hash__(self):
        return hash(self.folder)
