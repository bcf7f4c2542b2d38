"""Learning records: training an employee took outside the portal's sessions."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training.models import Category, LearningRecord, TrainingAssignment

from ._common import ZERO, _complete_assignment, _decimal


@transaction.atomic
def learning_record_add(
    *,
    actor,
    employee: Employee,
    title: str,
    completed_on: dt.date,
    hours,
    kind: str = LearningRecord.Kind.ONLINE,
    provider: str = "",
    category: Category | None = None,
    cost=ZERO,
    certificate_no: str = "",
    assignment: TrainingAssignment | None = None,
) -> LearningRecord:
    """Record learning done outside the portal's sessions; it may complete a required
    training of the same person. Refused unless it is the actor's own or their team
    member's, without a title, kind or hours, for a future date, for someone else's
    required training, or for a person holding no position today."""
    if employee.user_id != actor.pk:
        policy.require(
            policy.can_assign(actor, employee),
            _("You may record your own learning, or your team members'."),
        )
    if not (title or "").strip():
        raise ApplicationError(_("Say what was learned."), field="title")
    if kind not in LearningRecord.Kind.values:
        raise ApplicationError(_("Choose the kind of learning."), field="kind")
    if completed_on > timezone.localdate():
        raise ApplicationError(_("Record learning once it is completed."), field="completed_on")
    hours = _decimal(hours, field_name="hours", places="0.1")
    if hours == 0:
        raise ApplicationError(_("Enter the hours spent."), field="hours")
    cost = _decimal(cost, field_name="cost", message=_("Enter an amount in yuan."))
    if assignment is not None and assignment.employee_id != employee.pk:
        raise ApplicationError(_("That required training is someone else's."), field="assignment")
    department = policy.home_department(employee)
    if department is None:
        raise ApplicationError(_("This person holds no position today."), field="employee")
    record = LearningRecord.objects.create(
        employee=employee,
        department=department,
        kind=kind,
        title=title.strip(),
        provider=provider,
        category=category,
        completed_on=completed_on,
        hours=hours,
        cost=cost,
        certificate_no=certificate_no,
        assignment=assignment,
        recorded_by=actor,
    )
    audit.record(actor=actor, obj=record, action="training_learning.record", comment=str(hours))
    if assignment is not None:
        _complete_assignment(actor, assignment.pk)
    return record
