"""Every write on complaints. Each service: one transaction, the row locked, state and
authority checked, the change and its audit row written together, notifications queued.

Complainant actions (add information, confirm, not satisfied) carry the private tracking
token instead of an actor; the token is checked against the stored hash.

Reopen window: a closed complaint can be reopened (by the complainant, or by staff on
the complainant's behalf) for REOPEN_WINDOW_DAYS (default 7) calendar days after it was
closed; after that a new complaint must be filed.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.complaints import holders, intake, routing, sla
from apps.complaints import permissions as policy
from apps.complaints.models import (
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintMessage,
    CoordinationTask,
    Severity,
)
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, NotFound, PermissionDenied
from apps.core.models import Notification
from apps.core.notifications import notify
from apps.org.authorities import Authority
from apps.org.models import Department
from apps.org.permissions import has_authority

S = Complaint.State
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def reopen_window() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "COMPLAINTS_REOPEN_WINDOW_DAYS", 7)))


def confirm_window() -> dt.timedelta:
    """How long a resolved complaint waits for the complainant before it closes by itself
    (COMPLAINTS_CONFIRM_WINDOW_DAYS, default 7 calendar days after resolution)."""
    return dt.timedelta(days=int(getattr(settings, "COMPLAINTS_CONFIRM_WINDOW_DAYS", 7)))


default_department = routing.default_department


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def new_code(year: int) -> str:
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


# --- Intake ---------------------------------------------------------------------------


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
    """
    staff = getattr(actor, "is_authenticated", False)
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
    files = intake.validate_attachments(attachments)

    received_at = received_at or timezone.now()
    severity = severity or category.default_severity
    accept_due, resolve_due = sla.due_times(received_at, severity)
    department = routing.department_for(category)
    token = secrets.token_urlsafe(24)
    local_year = timezone.localtime(received_at).year
    complaint = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    code=new_code(local_year),
                    tracking_token_hash=hash_token(token),
                    channel=channel,
                    category=category,
                    department=department,
                    severity=severity,
                    description=description,
                    contact_name=contact_name,
                    contact_phone=contact_phone,
                    contact_email=contact_email,
                    created_by=actor if staff else None,
                    received_at=received_at,
                    accept_due_at=accept_due,
                    resolve_due_at=resolve_due,
                )
            break
        except IntegrityError:  # a tracking-code collision: draw again
            continue
    if complaint is None:
        raise ConflictError(_("Please submit again."))
    for upload in files:
        ext = upload.name.rsplit(".", 1)[-1].lower()
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload,
            original_name=upload.name[:255],
            content_type=intake.CONTENT_TYPES[ext],
            size=upload.size,
        )
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


# --- Handling -------------------------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, owner=None) -> Complaint:
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    owner = owner or actor
    if complaint.state != S.NEW:
        if complaint.state == S.ACCEPTED and complaint.owner_id == owner.pk:
            raise ConflictError(_("This complaint has already been accepted."))
        raise ConflictError(
            _("Only a new complaint can be accepted; this one is “%(s)s”.")
            % {"s": complaint.get_state_display()}
        )
    if not has_authority(owner, Authority.HANDLE_COMPLAINT, complaint.department):
        raise ApplicationError(
            _("%(name)s does not handle complaints in %(d)s.")
            % {"name": owner.display_name, "d": complaint.department.label},
            field="owner",
        )
    now = timezone.now()
    complaint.state = S.ACCEPTED
    complaint.owner = owner
    complaint.accepted_at = now
    complaint.save(update_fields=["state", "owner", "accepted_at", "updated_at"])
    audit.record(
        actor=actor,
        obj=complaint,
        action="complaint.accept",
        from_state=S.NEW,
        to_state=S.ACCEPTED,
        changes={"owner": [None, owner.username]},
    )
    if owner.pk != actor.pk:
        _on_commit_notify(
            recipients=[owner],
            title=format_lazy(gettext_lazy("Complaint {code} is yours"), code=complaint.code),
            url=_url(complaint),
        )
    return complaint


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, owner) -> Complaint:
    """Hand an accepted complaint to another handler of its department."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state not in (S.ACCEPTED, S.IN_PROGRESS, S.WAITING, S.REOPENED):
        raise ConflictError(_("Only a complaint being handled can change owner."))
    if not has_authority(owner, Authority.HANDLE_COMPLAINT, complaint.department):
        raise ApplicationError(
            _("%(name)s does not handle complaints in %(d)s.")
            % {"name": owner.display_name, "d": complaint.department.label},
            field="owner",
        )
    if complaint.owner_id == owner.pk:
        return complaint
    before = complaint.owner.username if complaint.owner else ""
    complaint.owner = owner
    complaint.save(update_fields=["owner", "updated_at"])
    audit.record(
        actor=actor,
        obj=complaint,
        action="complaint.assign",
        changes={"owner": [before, owner.username]},
    )
    _on_commit_notify(
        recipients=[owner],
        title=format_lazy(gettext_lazy("Complaint {code} is yours"), code=complaint.code),
        url=_url(complaint),
    )
    return complaint


@transaction.atomic
def complaint_transfer(*, actor, complaint: Complaint, to_department, reason: str) -> Complaint:
    """Hand an open complaint to another department whose rulebook handles it, with a
    reason. Who may: the complaint's handlers and its department's supervisors. The SLA
    clock runs on (due times unchanged: the complainant waits no longer for our move);
    the owner stays only if they handle complaints in the new department; the new
    department's handlers are told."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state not in Complaint.OPEN_STATES:
        raise ConflictError(
            _("Only an open complaint can be transferred; this one is “%(s)s”.")
            % {"s": complaint.get_state_display()}
        )
    if to_department is None or not to_department.is_active:
        raise ApplicationError(_("Choose the department to transfer to."), field="to_department")
    if to_department.pk == complaint.department_id:
        raise ApplicationError(
            _("The complaint is already with %(d)s.") % {"d": to_department.label},
            field="to_department",
        )
    if not routing.transfer_targets(complaint).filter(pk=to_department.pk).exists():
        raise ApplicationError(
            _("Nobody handles complaints in %(d)s.") % {"d": to_department.label},
            field="to_department",
        )
    reason = intake.validate_plain_text(reason, field="reason", min_length=2, max_length=1000)
    from_department = complaint.department
    owner = complaint.owner
    if owner and not has_authority(owner, Authority.HANDLE_COMPLAINT, to_department):
        complaint.owner = None
    complaint.department = to_department
    complaint.save(update_fields=["department", "owner", "updated_at"])
    changes = {"department": [from_department.code, to_department.code]}
    if owner and complaint.owner is None:
        changes["owner"] = [owner.username, None]
    audit.record(
        actor=actor,
        obj=complaint,
        action="complaint.transfer",
        from_state=complaint.state,
        to_state=complaint.state,
        comment=reason,
        changes=changes,
    )
    _on_commit_notify(
        recipients=routing.handlers(complaint),
        title=format_lazy(
            gettext_lazy("Complaint {code} transferred to {dept}"),
            code=complaint.code,
            dept=to_department.label,
        ),
        body=format_lazy(
            gettext_lazy("From {dept}: {reason}"), dept=from_department.label, reason=reason
        ),
        url=_url(complaint),
    )
    return complaint


def _transition(complaint, actor, action, to_state, *, comment="", fields=()):
    from_state = complaint.state
    complaint.state = to_state
    complaint.save(update_fields=["state", "updated_at", *fields])
    audit.record(
        actor=actor,
        obj=complaint,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )
    return complaint


@transaction.atomic
def complaint_start(*, actor, complaint: Complaint) -> Complaint:
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state == S.IN_PROGRESS:
        raise ConflictError(_("This complaint is already in progress."))
    if complaint.state not in (S.ACCEPTED, S.REOPENED):
        raise ConflictError(
            _("Work can start on an accepted or reopened complaint; this one is “%(s)s”.")
            % {"s": complaint.get_state_display()}
        )
    return _transition(complaint, actor, "complaint.start", S.IN_PROGRESS)


@transaction.atomic
def complaint_wait(*, actor, complaint: Complaint, question: str) -> Complaint:
    """Ask the complainant for something; the resolve clock stops until they answer."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state == S.WAITING:
        raise ConflictError(_("This complaint is already waiting for the complainant."))
    if complaint.state not in Complaint.RESOLVE_CLOCK_STATES:
        raise ConflictError(_("Only a complaint being handled can wait for the complainant."))
    question = intake.validate_plain_text(question, field="question", max_length=5000)
    ComplaintMessage.objects.create(
        complaint=complaint, kind=ComplaintMessage.Kind.REPLY, author=actor, body=question
    )
    complaint.paused_at = timezone.now()
    return _transition(
        complaint, actor, "complaint.wait", S.WAITING, comment=question, fields=["paused_at"]
    )


def _resume(complaint: Complaint, actor, *, action: str, now=None) -> Complaint:
    now = now or timezone.now()
    paused = sla.paused_hours(complaint.paused_at or now, now)
    complaint.paused_hours += paused
    complaint.resolve_due_at = sla.shift_due(complaint.resolve_due_at, paused)
    complaint.paused_at = None
    return _transition(
        complaint,
        actor,
        action,
        S.IN_PROGRESS,
        comment=_("Clock paused for %(h)s working hours.") % {"h": paused},
        fields=["paused_hours", "resolve_due_at", "paused_at"],
    )


@transaction.atomic
def complaint_resume(*, actor, complaint: Complaint) -> Complaint:
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state != S.WAITING:
        raise ConflictError(_("This complaint is not waiting for the complainant."))
    return _resume(complaint, actor, action="complaint.resume")


@transaction.atomic
def complaint_resolve(*, actor, complaint: Complaint, summary: str = "") -> Complaint:
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state == S.RESOLVED:
        raise ConflictError(_("This complaint is already resolved."))
    if complaint.state == S.WAITING:
        raise ConflictError(
            _("This complaint is waiting for the complainant: resume it before resolving.")
        )
    if complaint.state not in Complaint.RESOLVE_CLOCK_STATES:
        raise ConflictError(
            _("Only a complaint being handled can be resolved; this one is “%(s)s”.")
            % {"s": complaint.get_state_display()}
        )
    open_tasks = list(
        complaint.tasks.filter(state=CoordinationTask.State.OPEN).select_related("department")
    )
    if open_tasks:
        names = "、".join(sorted({t.department.label for t in open_tasks}))
        raise ApplicationError(
            _(
                "%(n)d coordination task(s) are still open (%(depts)s). They must be closed "
                "before the complaint can be resolved."
            )
            % {"n": len(open_tasks), "depts": names}
        )
    if summary:
        summary = intake.validate_plain_text(summary, field="summary")
        ComplaintMessage.objects.create(
            complaint=complaint, kind=ComplaintMessage.Kind.REPLY, author=actor, body=summary
        )
    now = timezone.now()
    complaint.resolved_at = now
    complaint.first_resolved_at = complaint.first_resolved_at or now
    complaint.resolved_in_time = now <= complaint.resolve_due_at
    return _transition(
        complaint,
        actor,
        "complaint.resolve",
        S.RESOLVED,
        comment=summary,
        fields=["resolved_at", "first_resolved_at", "resolved_in_time"],
    )


@transaction.atomic
def complaint_merge(*, actor, complaint: Complaint, into: Complaint) -> Complaint:
    """Close `complaint` as a duplicate of `into` (its open tasks are cancelled)."""
    if into is None:
        raise ApplicationError(_("Choose the complaint to merge into."), field="into")
    if into.pk == complaint.pk:
        raise ApplicationError(_("A complaint cannot be merged into itself."), field="into")
    first, second = sorted([complaint.pk, into.pk])
    locked = {
        c.pk: c
        for c in Complaint.objects.select_for_update(of=("self",))
        .select_related("department", "category")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    complaint, into = locked[complaint.pk], locked[into.pk]
    policy.require_handle(actor, complaint)
    policy.require_handle(actor, into)
    if complaint.state == S.MERGED:
        raise ConflictError(_("This complaint has already been merged."))
    if complaint.state == S.CLOSED:
        raise ConflictError(_("A closed complaint cannot be merged."))
    if into.state in (S.MERGED, S.CLOSED):
        raise ApplicationError(
            _("%(code)s is “%(s)s”: merge into an open complaint.")
            % {"code": into.code, "s": into.get_state_display()},
            field="into",
        )
    now = timezone.now()
    cancelled = complaint.tasks.filter(state=CoordinationTask.State.OPEN).update(
        state=CoordinationTask.State.CANCELLED, closed_at=now, closed_by=actor
    )
    complaint.merged_into = into
    complaint.paused_at = None
    _transition(
        complaint,
        actor,
        "complaint.merge",
        S.MERGED,
        comment=_("Duplicate of %(code)s.") % {"code": into.code}
        + (_(" %(n)d open task(s) cancelled.") % {"n": cancelled} if cancelled else ""),
        fields=["merged_into", "paused_at"],
    )
    audit.record(
        actor=actor,
        obj=into,
        action="complaint.merged_in",
        comment=_("%(code)s merged into this complaint.") % {"code": complaint.code},
    )
    return complaint


def _reopen(complaint: Complaint, actor, comment: str) -> Complaint:
    now = timezone.now()
    if complaint.state == S.CLOSED:
        if complaint.closed_at and now - complaint.closed_at > reopen_window():
            raise ConflictError(
                _(
                    "This complaint was closed more than %(days)d days ago and can no longer "
                    "be reopened. Please file a new complaint."
                )
                % {"days": reopen_window().days}
            )
    elif complaint.state == S.REOPENED:
        raise ConflictError(_("This complaint has already been reopened."))
    elif complaint.state != S.RESOLVED:
        raise ConflictError(_("Only a resolved or recently closed complaint can be reopened."))
    complaint.cycle += 1
    complaint.reopen_count += 1
    complaint.resolve_due_at = sla.restart_resolve_clock(now, complaint.severity)
    complaint.resolved_at = None
    complaint.resolved_in_time = None
    complaint.closed_at = None
    complaint.rating = None
    complaint.satisfaction_comment = comment
    complaint.is_escalated = False
    complaint.escalated_at = None
    complaint.paused_hours = 0
    _transition(
        complaint,
        actor,
        "complaint.reopen",
        S.REOPENED,
        comment=comment,
        fields=[
            "cycle",
            "reopen_count",
            "resolve_due_at",
            "resolved_at",
            "resolved_in_time",
            "closed_at",
            "rating",
            "satisfaction_comment",
            "is_escalated",
            "escalated_at",
            "paused_hours",
        ],
    )
    if complaint.owner:
        _on_commit_notify(
            recipients=[complaint.owner],
            title=format_lazy(
                gettext_lazy("Complaint {code} was reopened: not satisfied"), code=complaint.code
            ),
            body=comment,
            url=_url(complaint),
        )
    return complaint


@transaction.atomic
def complaint_reopen(*, actor, complaint: Complaint, comment: str) -> Complaint:
    """Staff reopening on the complainant's behalf (e.g. they called back)."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    comment = intake.validate_plain_text(comment, field="comment")
    return _reopen(complaint, actor, comment)


# --- Messages -------------------------------------------------------------------------


@transaction.atomic
def complaint_reply(*, actor, complaint: Complaint, body: str) -> ComplaintMessage:
    """A public reply: the complainant sees it on the tracking page."""
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
    """An internal note: never shown to the complainant."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    body = intake.validate_plain_text(body, field="body")
    message = ComplaintMessage.objects.create(
        complaint=complaint, kind=ComplaintMessage.Kind.NOTE, author=actor, body=body
    )
    audit.record(actor=actor, obj=complaint, action="complaint.note", comment=body)
    return message


# --- The complainant, by tracking token -----------------------------------------------


@transaction.atomic
def complaint_add_information(*, complaint: Complaint, token: str, body: str) -> ComplaintMessage:
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
    """The complainant is satisfied: closed, with a 1–5 rating."""
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


# --- Coordination tasks ---------------------------------------------------------------


@transaction.atomic
def task_open(
    *, actor, complaint: Complaint, department: Department, title: str, due_date: dt.date
) -> CoordinationTask:
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state not in (S.ACCEPTED, S.IN_PROGRESS, S.WAITING, S.REOPENED):
        raise ConflictError(_("Tasks can be opened while the complaint is being handled."))
    if department is None:
        raise ApplicationError(_("Choose a department."), field="department")
    if department.pk == complaint.department_id:
        raise ApplicationError(
            _("Choose another department: this one handles the complaint already."),
            field="department",
        )
    title = intake.validate_plain_text(title, field="title", min_length=2, max_length=200)
    if due_date is None or due_date < timezone.localdate():
        raise ApplicationError(_("The due date cannot be in the past."), field="due_date")
    task = CoordinationTask.objects.create(
        complaint=complaint, department=department, title=title, due_date=due_date, created_by=actor
    )
    audit.record(
        actor=actor,
        obj=complaint,
        action="complaint.task_open",
        comment=f"{department.label}: {title} ({due_date:%Y-%m-%d})",
        changes={"task": [None, task.pk]},
    )
    _on_commit_notify(
        recipients=holders.holders(Authority.COORDINATE_TASK, department),
        title=format_lazy(
            gettext_lazy("Coordination task for complaint {code}"), code=complaint.code
        ),
        body=format_lazy(gettext_lazy("{title} — due {due}"), title=title, due=due_date),
        url=reverse("complaints:department_tasks"),
    )
    return task


@transaction.atomic
def task_close(*, actor, task: CoordinationTask, note: str) -> CoordinationTask:
    task = (
        CoordinationTask.objects.select_for_update(of=("self",))
        .select_related("department", "complaint", "complaint__owner")
        .get(pk=task.pk)
    )
    if not policy.can_close_task(actor, task):
        raise PermissionDenied(_("Only %(d)s may close this task.") % {"d": task.department.label})
    if task.state != CoordinationTask.State.OPEN:
        raise ConflictError(_("This task is already closed."))
    note = intake.validate_plain_text(note, field="note", min_length=2)
    task.state = CoordinationTask.State.DONE
    task.closed_by = actor
    task.closed_at = timezone.now()
    task.close_note = note
    task.save(update_fields=["state", "closed_by", "closed_at", "close_note"])
    audit.record(
        actor=actor,
        obj=task.complaint,
        action="complaint.task_close",
        comment=f"{task.department.label}: {task.title} — {note}",
        changes={"task": [task.pk, "done"]},
    )
    if task.complaint.owner:
        _on_commit_notify(
            recipients=[task.complaint.owner],
            title=format_lazy(
                gettext_lazy("{dept} closed a task on complaint {code}"),
                dept=task.department.label,
                code=task.complaint.code,
            ),
            body=note,
            url=_url(task.complaint),
        )
    return task


@transaction.atomic
def task_cancel(*, actor, task: CoordinationTask) -> CoordinationTask:
    task = (
        CoordinationTask.objects.select_for_update(of=("self",))
        .select_related("complaint", "complaint__department", "department")
        .get(pk=task.pk)
    )
    policy.require_handle(actor, task.complaint)
    if task.state != CoordinationTask.State.OPEN:
        raise ConflictError(_("This task is already closed."))
    task.state = CoordinationTask.State.CANCELLED
    task.closed_by = actor
    task.closed_at = timezone.now()
    task.save(update_fields=["state", "closed_by", "closed_at"])
    audit.record(
        actor=actor,
        obj=task.complaint,
        action="complaint.task_cancel",
        comment=f"{task.department.label}: {task.title}",
    )
    return task
