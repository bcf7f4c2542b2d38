"""Training that follows from appraisal results: a low score assigns required training
(with a supervisor task) or flags the employee's development plan, once per source."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.notifications import notify
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training.models import DevelopmentFlag, SupervisorTask, TrainingAssignment


@dataclass(frozen=True)
class ResultSignal:
    """One appraisal result the kpis app flagged: `kind` is "below_standard" or
    "excellent"; `source_type`/`source_id` identify the result (one assignment or flag
    per source, whatever re-runs the job)."""

    kind: str
    employee_id: int
    source_type: str
    source_id: str
    label: str
    ends_on: dt.date | None = None


REQUIRED_TRAINING_WORKING_DAYS = 30
SUPERVISOR_TASK_WORKING_DAYS = 5


def training_from_appraisal_results(signals, *, today: dt.date | None = None) -> dict:
    """Below-standard results → a required training with a due date and a task for the
    supervisor; excellent results → a development flag and a task for the supervisor.
    Idempotent: a source result already handled is skipped (found for all signals in
    one query per kind, so a run with nothing new costs the same whatever the number of
    flagged results; unique constraints guard against a concurrent run). Returns counts."""
    from apps.core.calendar import WorkingCalendar

    today = today or timezone.localdate()
    signals = list(signals)
    handled = _handled_sources(signals)
    fresh = [s for s in signals if (s.kind, s.source_type, str(s.source_id)) not in handled]
    counts = {"assignments": 0, "flags": 0, "skipped": len(signals) - len(fresh)}
    if not fresh:
        return counts
    calendar = WorkingCalendar.load()
    employees = {
        e.pk: e
        for e in Employee.objects.filter(pk__in={s.employee_id for s in fresh}).select_related(
            "user", "supervisor__user"
        )
    }
    homes = policy.home_departments(employees)
    for signal in fresh:
        employee = employees.get(signal.employee_id)
        department = homes.get(signal.employee_id)
        if employee is None or not employee.is_active or department is None:
            counts["skipped"] += 1
            continue
        with transaction.atomic():
            created = (
                _required_training_from(signal, employee, department, today, calendar)
                if signal.kind == "below_standard"
                else _development_flag_from(signal, employee, department, today, calendar)
                if signal.kind == "excellent"
                else None
            )
        if created is None:
            counts["skipped"] += 1
        else:
            counts["assignments" if signal.kind == "below_standard" else "flags"] += 1
    return counts


def _handled_sources(signals) -> set[tuple[str, str, str]]:
    """(kind, source_type, source_id) of the signals already acted on."""
    handled = set()
    for kind, model in (("below_standard", TrainingAssignment), ("excellent", DevelopmentFlag)):
        sources = {(s.source_type, str(s.source_id)) for s in signals if s.kind == kind}
        if not sources:
            continue
        rows = model.objects.filter(
            source_type__in={t for t, _i in sources}, source_id__in={i for _t, i in sources}
        ).values_list("source_type", "source_id")
        handled.update((kind, t, i) for t, i in rows if (t, i) in sources)
    return handled


def _required_training_from(signal, employee, department, today, calendar):
    """One new signal (already-handled sources were filtered out in one query; the
    unique source constraint turns a concurrent run's duplicate into None)."""
    try:
        with transaction.atomic():
            assignment = TrainingAssignment.objects.create(
                employee=employee,
                department=department,
                reason=TrainingAssignment.Reason.BELOW_STANDARD,
                title=str(
                    format_lazy(
                        gettext_lazy("Improvement training after “{result}”"), result=signal.label
                    )
                )[:200],
                due_on=calendar.add_working_days(today, REQUIRED_TRAINING_WORKING_DAYS),
                source_type=signal.source_type,
                source_id=str(signal.source_id),
                source_label=signal.label[:200],
                supervisor=employee.supervisor,
            )
    except IntegrityError:
        return None
    audit.record(
        actor=None,
        obj=assignment,
        action="training_assignment.from_appraisal",
        to_state=assignment.state,
        comment=signal.label,
    )
    notify(
        recipients=[employee.user],
        title=format_lazy(gettext_lazy("Required training: {title}"), title=assignment.title),
        body=format_lazy(gettext_lazy("Due on {day}"), day=assignment.due_on.isoformat()),
        url=reverse("training:my_training"),
    )
    if employee.supervisor_id:
        SupervisorTask.objects.create(
            supervisor=employee.supervisor,
            employee=employee,
            kind=SupervisorTask.Kind.ARRANGE_TRAINING,
            assignment=assignment,
            due_on=calendar.add_working_days(today, SUPERVISOR_TASK_WORKING_DAYS),
        )
        notify(
            recipients=[employee.supervisor.user],
            title=format_lazy(
                gettext_lazy("Arrange required training for {name}"), name=employee.name
            ),
            body=signal.label,
            url=reverse("training:team"),
        )
    return assignment


def _development_flag_from(signal, employee, department, today, calendar):
    try:
        with transaction.atomic():
            flag = DevelopmentFlag.objects.create(
                employee=employee,
                department=department,
                source_type=signal.source_type,
                source_id=str(signal.source_id),
                source_label=signal.label[:200],
            )
    except IntegrityError:
        return None
    audit.record(actor=None, obj=flag, action="training_flag.from_appraisal", comment=signal.label)
    if employee.supervisor_id:
        SupervisorTask.objects.create(
            supervisor=employee.supervisor,
            employee=employee,
            kind=SupervisorTask.Kind.DISCUSS_DEVELOPMENT,
            flag=flag,
            due_on=calendar.add_working_days(today, SUPERVISOR_TASK_WORKING_DAYS),
        )
        notify(
            recipients=[employee.supervisor.user],
            title=format_lazy(
                gettext_lazy("{name} is flagged for development opportunities"),
                name=employee.name,
            ),
            body=signal.label,
            url=reverse("training:team"),
        )
    return flag
