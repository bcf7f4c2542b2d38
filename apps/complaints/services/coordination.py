"""Coordination tasks: work a complaint's handler asks of another department."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.complaints import holders, intake
from apps.complaints import permissions as policy
from apps.complaints.models import (
    Complaint,
    CoordinationTask,
)
from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.org.authorities import Authority
from apps.org.models import Department

from .common import S, _lock, _on_commit_notify, _url


@transaction.atomic
def task_open(
    *, actor, complaint: Complaint, department: Department, title: str, due_date: dt.date
) -> CoordinationTask:
    """The handler asks another department for work on the complaint, due on a date; that
    department's coordinators are told. Refuses: an actor who may not handle it, a complaint
    not being handled (ConflictError), no or the same department, a bad title or a due date
    in the past (ApplicationError on the field)."""
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
    """The asked department closes its open task with a note; the complaint's owner is told.
    Refuses: anyone outside that department (PermissionDenied), a closed task
    (ConflictError), a missing or invalid note (ApplicationError on "note")."""
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
    """The complaint's handler cancels an open task. Refuses: an actor who may not handle the
    complaint (PermissionDenied), a task already closed (ConflictError)."""
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
