"""What the complainant does with the private tracking token: add information, confirm,
say they are not satisfied; and the close of resolutions nobody confirmed."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.complaints import intake
from apps.complaints.models import (
    Complaint,
    ComplaintMessage,
)
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError

from .common import S, _check_token, _lock, _on_commit_notify, _url, confirm_window
from .handling import _reopen, _resume, _transition


@transaction.atomic
def complaint_add_information(*, complaint: Complaint, token: str, body: str) -> ComplaintMessage:
    """The complainant, by tracking token, adds information; a complaint waiting for them
    resumes and its owner is told. Refuses: a wrong token (PermissionDenied), a closed or
    merged complaint (ConflictError), an invalid body (ApplicationError on "body")."""
    complaint = _lock(complaint)
    _check_token(complaint, token)
    if complaint.state in (S.CLOSED, S.MERGED):
        raise ConflictError(_("This complaint is closed; please file a new one."))
    body = intake.validate_plain_text(body, field="body")
    message = ComplaintMessage.objects.create(
        complaint=complaint, kind=ComplaintMessage.Kind.COMPLAINANT, body=body
    )
    audit.record(actor=None, obj=complaint, action="complaint.information", comment=body)
    if complaint.state == S.WAITING:
        _resume(complaint, None, action="complaint.resume")
    if complaint.owner:
        _on_commit_notify(
            recipients=[complaint.owner],
            title=format_lazy(
                gettext_lazy("The complainant added information to {code}"), code=complaint.code
            ),
            body=body,
            url=_url(complaint),
        )
    return message


@transaction.atomic
def complaint_confirm(
    *, complaint: Complaint, token: str, rating: int, comment: str = ""
) -> Complaint:
    """The complainant is satisfied: closed, with a 1–5 rating.
    Refuses: a wrong token (PermissionDenied), a complaint already
    confirmed or not resolved (ConflictError), a rating outside 1–5 (ApplicationError)."""
    complaint = _lock(complaint)
    _check_token(complaint, token)
    if complaint.state == S.CLOSED:
        raise ConflictError(_("You have already confirmed this complaint. Thank you."))
    if complaint.state != S.RESOLVED:
        raise ConflictError(_("You can confirm once we have resolved the complaint."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Choose a rating from 1 to 5."), field="rating")
    comment = intake.validate_plain_text(comment, field="comment", min_length=0) if comment else ""
    complaint.rating = rating
    complaint.satisfaction_comment = comment
    complaint.closed_at = timezone.now()
    _transition(
        complaint,
        None,
        "complaint.confirm",
        S.CLOSED,
        comment=f"{rating}/5 {comment}".strip(),
        fields=["rating", "satisfaction_comment", "closed_at"],
    )
    if complaint.owner:
        _on_commit_notify(
            recipients=[complaint.owner],
            title=format_lazy(
                gettext_lazy("Complaint {code} closed: the complainant is satisfied ({r}/5)"),
                code=complaint.code,
                r=rating,
            ),
            url=_url(complaint),
        )
    return complaint


@transaction.atomic
def complaint_close_unconfirmed(*, complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """The system closes a resolved complaint the complainant never answered, once the
    confirmation window has passed ("closed without confirmation"; no rating). The
    complainant can still reopen it within the reopen window. Returns whether it closed;
    a complaint no longer resolved, or still inside the window, is left alone."""
    now = now or timezone.now()
    complaint = _lock(complaint)
    if complaint.state != S.RESOLVED or complaint.resolved_at is None:
        return False
    if complaint.resolved_at > now - confirm_window():
        return False
    complaint.closed_at = now
    _transition(
        complaint,
        None,
        "complaint.auto_close",
        S.CLOSED,
        comment="Closed without confirmation",
        fields=["closed_at"],
    )
    return True


def close_unconfirmed(now: dt.datetime | None = None) -> int:
    """The periodic job: close every resolved complaint past the confirmation window, each
    through complaint_close_unconfirmed in its own transaction. Returns how many closed."""
    now = now or timezone.now()
    due = Complaint.objects.filter(
        state=S.RESOLVED, resolved_at__lte=now - confirm_window()
    ).order_by("resolved_at", "pk")
    closed = 0
    for complaint in due.only("pk").iterator(chunk_size=500):
        closed += complaint_close_unconfirmed(complaint=complaint, now=now)
    return closed


@transaction.atomic
def complaint_not_satisfied(*, complaint: Complaint, token: str, comment: str) -> Complaint:
    """The complainant is not satisfied: reopened, the resolve clock restarts."""
    complaint = _lock(complaint)
    _check_token(complaint, token)
    comment = intake.validate_plain_text(comment, field="comment", min_length=2)
    return _reopen(complaint, None, comment)
