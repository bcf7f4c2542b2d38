"""Messages on a complaint: replies to the complainant and internal notes."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.complaints import intake
from apps.complaints import permissions as policy
from apps.complaints.models import (
    Complaint,
    ComplaintMessage,
)
from apps.core import audit
from apps.core.errors import ConflictError

from .common import S, _lock


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, body: str) -> ComplaintMessage:
    """A public reply: the complainant sees it on the tracking page.
    Refuses: an actor who may not handle it (PermissionDenied), a complaint
    not accepted and open (ConflictError), an invalid body (ApplicationError on "body")."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state in (S.NEW, S.MERGED, S.CLOSED):
        raise ConflictError(
            _("Replies go out on accepted, open complaints; this one is “%(s)s”.")
            % {"s": complaint.get_state_display()}
        )
    body = intake.validate_plain_text(body, field="body")
    message = ComplaintMessage.objects.create(
        complaint=complaint, kind=ComplaintMessage.Kind.REPLY, author=actor, body=body
    )
    audit.record(actor=actor, obj=complaint, action="complaint.reply", comment=body)
    return message


@transaction.atomic
def complaint_add_note(*, actor, complaint: Complaint, body: str) -> ComplaintMessage:
    """An internal note: never shown to the complainant.
    Refuses: an actor who may not handle it (PermissionDenied), an invalid
    body (ApplicationError on "body")."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    body = intake.validate_plain_text(body, field="body")
    message = ComplaintMessage.objects.create(
        complaint=complaint, kind=ComplaintMessage.Kind.NOTE, author=actor, body=body
    )
    audit.record(actor=actor, obj=complaint, action="complaint.note", comment=body)
    return message
