"""Intake: a complaint filed by the public or by staff, and the handlers told of it."""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.complaints import intake, routing, sla
from apps.complaints import permissions as policy
from apps.complaints.models import (
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    Severity,
)
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import Notification
from apps.core.notifications import notify

from .common import S, _url, hash_token, new_code


@transaction.atomic
def complaint_submit(
    *,
    actor=None,
    channel: str,
    category: ComplaintCategory,
    description: str,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    severity: str = "",
    attachments=(),
    received_at: dt.datetime | None = None,
) -> tuple[Complaint, str]:
    """File a complaint. Anonymous callers use the web/API channels; staff entering a
    complaint that came by phone, WeChat, community, app or e-mail need handle_complaint.
    Returns the complaint and the private tracking token (shown once; only its hash is kept).
    Refuses: another channel from the public or a non-handler (PermissionDenied); an
    unknown channel, category or severity, unsafe text, a bad phone, no contact at all or
    bad attachments (ApplicationError on the field). Its due times come from sla.due_times.
    """
    staff = getattr(actor, "is_authenticated", False)
    fields = _clean_submission(
        actor=actor,
        staff=staff,
        channel=channel,
        category=category,
        description=description,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        severity=severity,
    )
    files = intake.validate_attachments(attachments)

    received_at = received_at or timezone.now()
    severity = fields.pop("severity") or category.default_severity
    accept_due, resolve_due = sla.due_times(received_at, severity)
    token = secrets.token_urlsafe(24)
    complaint = _create_with_fresh_code(
        token,
        timezone.localtime(received_at).year,
        channel=channel,
        category=category,
        department=routing.department_for(category),
        severity=severity,
        created_by=actor if staff else None,
        received_at=received_at,
        accept_due_at=accept_due,
        resolve_due_at=resolve_due,
        **fields,
    )
    _attach(complaint, files)
    audit.record(
        actor=actor if staff else None,
        obj=complaint,
        action="complaint.submit",
        to_state=S.NEW,
        comment=str(Channel(channel).label),
    )
    # Telling the handlers costs a holders lookup and a row per handler: a task does it
    # after commit, so the public form answers without waiting for it.
    from apps.complaints.tasks import notify_new_complaint

    complaint_id = complaint.pk
    transaction.on_commit(lambda: notify_new_complaint.delay(complaint_id))
    return complaint, token


def _clean_submission(
    *,
    actor,
    staff: bool,
    channel,
    category,
    description,
    contact_name,
    contact_phone,
    contact_email,
    severity,
) -> dict:
    """The submission's checks, in the order the form shows them; returns the cleaned
    text fields and the severity ("" when the category decides it)."""
    if channel not in Channel.values:
        raise ApplicationError(_("Choose a channel."), field="channel")
    if staff:
        if not policy.can_handle_anywhere(actor):
            raise PermissionDenied(_("Only customer service may enter complaints for others."))
    elif channel not in (Channel.WEB, Channel.API):
        raise PermissionDenied(_("Only staff may record complaints from other channels."))
    if category is None or not category.is_active:
        raise ApplicationError(_("Choose a category."), field="category")
    if severity and severity not in Severity.values:
        raise ApplicationError(_("Choose a severity."), field="severity")
    if severity and not staff:
        severity = ""  # the public does not set severity; the category does
    description = intake.validate_plain_text(
        description, field="description", min_length=10, max_length=5000
    )
    contact_name = intake.validate_plain_text(
        contact_name, field="contact_name", min_length=1, max_length=100
    )
    contact_phone = (contact_phone or "").strip()
    contact_email = (contact_email or "").strip()
    if contact_phone and (
        len(contact_phone) > 30 or not all(c.isdigit() or c in "+- " for c in contact_phone)
    ):
        raise ApplicationError(_("Enter a phone number with digits only."), field="contact_phone")
    if not contact_phone and not contact_email:
        raise ApplicationError(
            _("Leave a phone number or an e-mail address so we can reply."), field="contact_phone"
        )
    return {
        "description": description,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "severity": severity,
    }


def _create_with_fresh_code(token: str, year: int, **fields) -> Complaint:
    """Create the complaint under a new random code, drawing again on a collision (five
    tries, each in its own savepoint)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(
                    code=new_code(year), tracking_token_hash=hash_token(token), **fields
                )
        except IntegrityError:  # a tracking-code collision: draw again
            continue
    raise ConflictError(_("Please submit again."))


def _attach(complaint: Complaint, files) -> None:
    for upload in files:
        ext = upload.name.rsplit(".", 1)[-1].lower()
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload,
            original_name=upload.name[:255],
            content_type=intake.CONTENT_TYPES[ext],
            size=upload.size,
        )


@transaction.atomic
def complaint_notify_handlers(*, complaint_id: int) -> int:
    """Tell the people handling complaints in the department about a new complaint
    (run by a task after intake). Idempotent: nothing is sent twice, and nothing once the
    complaint has left "new". Returns the number of people told."""
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("category", "department")
        .filter(pk=complaint_id, state=S.NEW)
        .first()
    )
    if complaint is None:
        return 0
    url = _url(complaint)
    if Notification.objects.filter(url=url).exists():
        return 0
    created = notify(
        recipients=routing.handlers(complaint),
        title=format_lazy(gettext_lazy("New complaint {code}"), code=complaint.code),
        body=format_lazy(
            gettext_lazy("{category}: accept it by {due}."),
            category=complaint.category.label,
            due=timezone.localtime(complaint.accept_due_at).strftime("%Y-%m-%d %H:%M"),
        ),
        url=url,
    )
    return len(created)
