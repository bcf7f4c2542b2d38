"""Guards of the public channel: plain-text descriptions, attachment type and size, a
per-address fixed-window rate limit in the cache (Redis in production), and a captcha once
an address has filed a few complaints.

Addresses are the client's real one behind our proxy (apps.core.client_address), so the
public does not share one count.

Settings (read with defaults, so nothing needs configuring):
- COMPLAINTS_INTAKE_RATE_LIMIT (5) submissions per COMPLAINTS_INTAKE_RATE_WINDOW (600 s) per IP;
  the env var of the same name overrides the default (the bench relaxes it so).
- COMPLAINTS_CAPTCHA_AFTER (2) complaints accepted from one address per
  COMPLAINTS_CAPTCHA_WINDOW (3600 s) go without a challenge; later ones need the captcha
  (django-simple-captcha: images drawn by the app itself, no outside service, so it works
  where Google's and Cloudflare's do not). COMPLAINTS_CAPTCHA_ISSUE_LIMIT (30) new captchas
  per address per rate window, so the API cannot be used to fill the captcha table.
- COMPLAINTS_ATTACHMENT_MAX_BYTES (5 MB), COMPLAINTS_ATTACHMENT_MAX_FILES (3).
"""

import os
import re
import time

from captcha.fields import CaptchaField
from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError

# Markup is refused outright (nothing is silently rewritten): a tag (<b>, </p>, <!--),
# <script even unclosed, or a javascript: URL. "a < b" is plain text and passes.
# Text is escaped on display anyway.
_MARKUP = re.compile(r"</?[a-zA-Z!?][^>]*>|<\s*/?\s*script|javascript\s*:", re.I)

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
}


class RateLimited(ApplicationError):
    status_code = 429


def rate_limit() -> int:
    default = int(os.environ.get("COMPLAINTS_INTAKE_RATE_LIMIT", "5"))
    return int(getattr(settings, "COMPLAINTS_INTAKE_RATE_LIMIT", default))


def rate_window() -> int:
    return int(getattr(settings, "COMPLAINTS_INTAKE_RATE_WINDOW", 600))


def max_bytes() -> int:
    return int(getattr(settings, "COMPLAINTS_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "COMPLAINTS_ATTACHMENT_MAX_FILES", 3))


def captcha_after() -> int:
    return int(getattr(settings, "COMPLAINTS_CAPTCHA_AFTER", 2))


def captcha_window() -> int:
    return int(getattr(settings, "COMPLAINTS_CAPTCHA_WINDOW", 3600))


def captcha_issue_limit() -> int:
    return int(getattr(settings, "COMPLAINTS_CAPTCHA_ISSUE_LIMIT", 30))


def _window_key(address: str, scope: str = "intake", window: int | None = None) -> str:
    window = window or rate_window()
    return f"complaints:{scope}:{address}:{int(time.time()) // window}"


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        return 1


def check_rate_limit(address: str) -> None:
    """Count one submission from `address`; refuse it past the limit of the window."""
    if _count(_window_key(address), rate_window()) > rate_limit():
        raise RateLimited(
            _(
                "Too many complaints from your network in a short time. Please wait "
                "%(minutes)d minutes and try again, or call our hotline."
            )
            % {"minutes": max(1, rate_window() // 60)}
        )


def captcha_required(address: str) -> bool:
    """Has `address` filed its share of complaints without a challenge in this window?"""
    key = _window_key(address, "accepted", captcha_window())
    return cache.get(key, 0) >= captcha_after()


def record_accepted(address: str) -> None:
    """Count a complaint accepted from `address` towards the captcha threshold."""
    _count(_window_key(address, "accepted", captcha_window()), captcha_window())


def new_captcha(address: str) -> tuple[str, str]:
    """A fresh challenge: (key, path of its image). Limited per address and window."""
    if _count(_window_key(address, "captcha"), rate_window()) > captcha_issue_limit():
        raise RateLimited(
            _("Too many captchas requested from your network. Please wait %(minutes)d minutes.")
            % {"minutes": max(1, rate_window() // 60)}
        )
    key = CaptchaStore.generate_key()
    return key, captcha_image_url(key)


def check_captcha(key: str, answer: str) -> None:
    """The answer to challenge `key`, checked by django-simple-captcha's own field (each
    challenge answers once, right or wrong; expired ones fail)."""
    try:
        CaptchaField().clean([key or "", answer or ""])
    except forms.ValidationError as error:
        raise ApplicationError(
            _("The captcha answer is wrong or has expired. Get a new captcha and try again."),
            field="captcha_answer",
        ) from error


def validate_plain_text(
    text: str, *, field: str, min_length: int = 1, max_length: int = 5000
) -> str:
    text = (text or "").strip()
    if len(text) < min_length:
        raise ApplicationError(
            _("Please write at least %(n)d characters.") % {"n": min_length}, field=field
        )
    if len(text) > max_length:
        raise ApplicationError(
            _("Please keep it under %(n)d characters.") % {"n": max_length}, field=field
        )
    if _MARKUP.search(text):
        raise ApplicationError(
            _("Please write plain text: HTML or script markup is not accepted."), field=field
        )
    return text


def validate_attachments(files) -> list:
    files = [f for f in (files or []) if f]
    if len(files) > max_files():
        raise ApplicationError(
            _("Attach at most %(n)d files.") % {"n": max_files()}, field="attachments"
        )
    # The shared content check (apps.core.uploads): the whole file, not its first bytes.
    from django.core.exceptions import ValidationError

    from apps.core import uploads

    allowed = {f".{ext}" for ext in CONTENT_TYPES}
    for upload in files:
        try:
            uploads.check_upload(upload, extensions=allowed, max_bytes=max_bytes())
        except ValidationError as error:
            if error.code == "file_type":
                message = _("“%(name)s” is not accepted: attach JPG, PNG or PDF files only.") % {
                    "name": upload.name or ""
                }
            else:
                message = error.messages[0]
            raise ApplicationError(message, field="attachments") from error
    return files
