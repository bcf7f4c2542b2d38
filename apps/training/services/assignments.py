"""Required training: assign a course to an employee, waive it, close supervisor tasks."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training.models import Category, DevelopmentFlag, SupervisorTask, TrainingAssignment

from ._common import _locked


@transaction.atomic
def assignment_create(
    *,
    actor,
    employee: Employee,
    title: str,
    due_on: dt.date,
    details: str = "",
    category: Category | None = None,
) -> TrainingAssignment:
    """A manager requires training of a team member. Refused unless the actor is the
    person's supervisor or manager, without a title, for a due date in the past, or for a
    person holding no position today."""
    policy.require(
        policy.can_assign(actor, employee),
        _("Required training is set by the person's supervisor or manager."),
    )
    if not (title or "").strip():
        raise ApplicationError(_("Say what must be learned."), field="title")
    if due_on < timezone.localdate():
        raise ApplicationError(_("The due date cannot be in the past."), field="due_on")
    department = policy.home_department(employee)
    if department is None:
        raise ApplicationError(_("This person holds no position today."), field="employee")
    assignment = TrainingAssignment.objects.create(
        employee=employee,
        department=department,
        reason=TrainingAssignment.Reason.MANAGER,
        title=title.strip(),
        details=details,
        category=category,
        due_on=due_on,
        supervisor=employee.supervisor,
        created_by=actor,
    )
    audit.record(
        actor=actor, obj=assignment, action="training_assignment.create", to_state=assignment.state
    )
    notify(
        recipients=[employee.user],
        title=format_lazy(gettext_lazy("Required training: {title}"), title=assignment.title),
        body=format_lazy(gettext_lazy("Due on {day}"), day=due_on.isoformat()),
        url=reverse("training:my_training"),
    )
    return assignment


@transaction.atomic
def assignment_waive(*, actor, assignment: TrainingAssignment, reason: str) -> TrainingAssignment:
    """Waive an open required training, with a reason; its open supervisor tasks close.
    Refused unless the actor may assign the person's training, when it is no longer open (a
    conflict), or without a reason."""
    assignment = _locked(TrainingAssignment, assignment)
    policy.require(policy.can_assign(actor, assignment.employee))
    if assignment.state != TrainingAssignment.State.OPEN:
        raise ConflictError(_("This required training is no longer open."))
    if not (reason or "").strip():
        raise ApplicationError(_("Say why it is waived."), field="reason")
    assignment.state = TrainingAssignment.State.WAIVED
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["state", "completed_at"])
    audit.record(
        actor=actor,
        obj=assignment,
        action="training_assignment.waive",
        from_state=TrainingAssignment.State.OPEN,
        to_state=assignment.state,
        comment=reason,
    )
    SupervisorTask.objects.filter(assignment=assignment, state=SupervisorTask.State.OPEN).update(
        state=SupervisorTask.State.DONE, done_at=timezone.now()
    )
    return assignment


@transaction.atomic
def supervisor_task_done(*, actor, task: SupervisorTask) -> SupervisorTask:
    """The supervisor closes their task; a development flag it came from counts as acted
    on. Refused to anyone but the supervisor, and (a conflict) when already done."""
    task = SupervisorTask.objects.select_for_update().select_related("supervisor").get(pk=task.pk)
    if task.supervisor.user_id != actor.pk:
        raise PermissionDenied(_("Only the supervisor closes this task."))
    if task.state == SupervisorTask.State.DONE:
        raise ConflictError(_("This task is already done."))
    task.state, task.done_at = SupervisorTask.State.DONE, timezone.now()
    task.save(update_fields=["state", "done_at"])
    audit.record(
        actor=actor,
        obj=task,
        action="training_supervisor_task.done",
        from_state=SupervisorTask.State.OPEN,
        to_state=task.state,
    )
    if task.flag_id:
        DevelopmentFlag.objects.filter(pk=task.flag_id).update(state=DevelopmentFlag.State.ACTED)
    return task
