"""What every complaint service shares: the windows, the tracking token, the row lock."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.complaints import routing
from apps.complaints.models import (
    Complaint,
)
from apps.core.errors import NotFound, PermissionDenied
from apps.core.notifications import notify

S = Complaint.State
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def reopen_window() -> dt.timedelta:
    """How long a closed complaint can be reopened (COMPLAINTS_REOPEN_WINDOW_DAYS, default 7
    calendar days after it closed)."""
    return dt.timedelta(days=int(getattr(settings, "COMPLAINTS_REOPEN_WINDOW_DAYS", 7)))


def confirm_window() -> dt.timedelta:
    """How long a resolved complaint waits for the complainant before it closes by itself
    (COMPLAINTS_CONFIRM_WINDOW_DAYS, default 7 calendar days after resolution)."""
    return dt.timedelta(days=int(getattr(settings, "COMPLAINTS_CONFIRM_WINDOW_DAYS", 7)))


default_department = routing.default_department


def hash_token(token: str) -> str:
    """The stored form of a tracking token (SHA-256; the token itself is never stored)."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def new_code(year: int) -> str:
    """A fresh public complaint code: TS-<year>- and six random letters and digits,
    leaving out 0/O/1/I so nobody misreads it."""
    return f"TS-{year}-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def _url(complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("department", "category")
        .get(pk=complaint.pk)
    )


def _check_token(complaint: Complaint, token: str) -> None:
    if not token or not secrets.compare_digest(hash_token(token), complaint.tracking_token_hash):
        raise PermissionDenied(_("This tracking link is not valid for this complaint."))


def complaint_by_token(token: str) -> Complaint:
    """The complaint a tracking token opens. Refuses (NotFound) a token that matches none."""
    complaint = (
        Complaint.objects.select_related("category", "department")
        .filter(tracking_token_hash=hash_token(token))
        .first()
    )
    if complaint is None:
        raise NotFound(_("No complaint matches this tracking link."))
    return complaint


def _on_commit_notify(**kwargs):
    transaction.on_commit(lambda: notify(**kwargs))
