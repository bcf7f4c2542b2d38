"""Handling: accept, assign, transfer, start, wait, resume, resolve, merge, reopen."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.complaints import intake, routing, sla
from apps.complaints import permissions as policy
from apps.complaints.models import (
    Complaint,
    ComplaintMessage,
    CoordinationTask,
)
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.org.authorities import Authority
from apps.org.permissions import has_authority

from .common import S, _lock, _on_commit_notify, _url, reopen_window


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint, owner=None) -> Complaint:
    """A handler of the complaint's department accepts a NEW complaint, for themself or for
    `owner`, who is told. Refuses: an actor who may not handle it
    (PermissionDenied), a complaint not NEW (ConflictError), an owner without the
    handle-complaint authority in its department (ApplicationError on "owner")."""
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
    """Hand an accepted complaint to another handler of its department.
    Refuses: an actor who may not handle it (PermissionDenied), a complaint
    not being handled (ConflictError), an owner who does not handle complaints in its
    department (ApplicationError on "owner")."""
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
    department's handlers are told.
    Refuses: an actor who may not handle it (PermissionDenied), a complaint
    not open (ConflictError), no department, the same one, one where nobody handles
    complaints, or no reason (ApplicationError on the field)."""
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
    """The handler starts work on an accepted or reopened complaint. Refuses: an actor who may
    not handle it, a complaint already in progress or in any other state (ConflictError)."""
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
    """Ask the complainant for something; the resolve clock stops until they answer.
    Refuses: an actor who may not handle it (PermissionDenied), a complaint
    already waiting or not being handled (ConflictError), an invalid question."""
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
    """The handler resumes a complaint waiting for the complainant (the resolve clock restarts).
    Refuses: an actor who may not handle it, a complaint that is not waiting (ConflictError)."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    if complaint.state != S.WAITING:
        raise ConflictError(_("This complaint is not waiting for the complainant."))
    return _resume(complaint, actor, action="complaint.resume")


@transaction.atomic
def complaint_resolve(*, actor, complaint: Complaint, summary: str = "") -> Complaint:
    """The handler resolves a complaint being handled, optionally with a reply to the
    complainant; it is resolved in time when done by resolve_due_at. Refuses: an actor who
    may not handle it, a complaint already resolved, waiting or not being handled
    (ConflictError), open coordination tasks (ApplicationError), an unsafe summary."""
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
    complaint.resolved_in_time = sla.met(now, complaint.resolve_due_at)
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
    """Close `complaint` as a duplicate of `into` (its open tasks are cancelled).
    Refuses: no target or the complaint itself (ApplicationError), an actor
    who may not handle both (PermissionDenied), a complaint merged or closed already, or a
    target that is not open (ConflictError / ApplicationError on "into")."""
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
    """Staff reopening on the complainant's behalf (e.g. they called back).
    Refuses: an actor who may not handle it (PermissionDenied), an invalid
    comment (ApplicationError), a complaint not resolved, already reopened, or closed more
    than the reopen window ago (ConflictError)."""
    complaint = _lock(complaint)
    policy.require_handle(actor, complaint)
    comment = intake.validate_plain_text(comment, field="comment")
    return _reopen(complaint, actor, comment)
