"""Development plans: the plan itself, its goals and the recorded conversations."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.core.notifications import notify
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training.models import (
    CareerConversation,
    DevelopmentFlag,
    DevelopmentGoal,
    DevelopmentPlan,
    SupervisorTask,
)

from ._common import _locked


@dataclass
class DevelopmentData:
    """What a career development plan says."""

    current_role: str
    path: str
    target_role: str
    competencies: str = ""
    courses: list = field(default_factory=list)


@transaction.atomic
def development_plan_save(*, actor, employee: Employee, data: DevelopmentData) -> DevelopmentPlan:
    """Create or update an employee's development plan; the employee is told when it is
    first made. Refused unless the actor is the person's supervisor or manager, or when
    current role, path or target role is empty."""
    policy.require(
        policy.can_keep_development(actor, employee),
        _("A development plan is kept by the person's supervisor or manager."),
    )
    for name in ("current_role", "path", "target_role"):
        if not (getattr(data, name) or "").strip():
            raise ApplicationError(_("This field is required."), field=name)
    plan = DevelopmentPlan.objects.select_for_update(of=("self",)).filter(employee=employee).first()
    values = {
        "current_role": data.current_role.strip(),
        "path": data.path.strip(),
        "target_role": data.target_role.strip(),
        "competencies": data.competencies.strip(),
    }
    if plan is None:
        plan = DevelopmentPlan.objects.create(employee=employee, created_by=actor, **values)
        audit.record(actor=actor, obj=plan, action="development_plan.create")
        notify(
            recipients=[employee.user],
            title=gettext_lazy("Your career development plan is ready"),
            url=reverse("training:development_detail", args=[employee.pk]),
        )
    else:
        before = {k: getattr(plan, k) for k in values}
        for key, value in values.items():
            setattr(plan, key, value)
        plan.save()
        audit.record(
            actor=actor,
            obj=plan,
            action="development_plan.update",
            changes=audit.diff(before, values),
        )
    plan.courses.set(data.courses)
    return plan


def _plan_for_write(actor, plan):
    plan = (
        DevelopmentPlan.objects.select_for_update(of=("self",))
        .select_related("employee__supervisor")
        .get(pk=plan.pk)
    )
    policy.require(
        policy.can_keep_development(actor, plan.employee),
        _("A development plan is kept by the person's supervisor or manager."),
    )
    return plan


@transaction.atomic
def goal_add(
    *, actor, plan: DevelopmentPlan, title: str, starts_on: dt.date, due_on: dt.date
) -> DevelopmentGoal:
    """Add a goal to a development plan. Refused unless the actor keeps the plan, without a
    title, or when the goal ends before it starts."""
    plan = _plan_for_write(actor, plan)
    if not (title or "").strip():
        raise ApplicationError(_("Describe the goal."), field="title")
    if due_on < starts_on:
        raise ApplicationError(_("The goal cannot end before it starts."), field="due_on")
    goal = DevelopmentGoal.objects.create(
        plan=plan, title=title.strip(), starts_on=starts_on, due_on=due_on
    )
    audit.record(actor=actor, obj=plan, action="development_plan.goal_add", comment=goal.title)
    return goal


@transaction.atomic
def goal_set_state(*, actor, goal: DevelopmentGoal, state: str) -> DevelopmentGoal:
    """Move a goal to another state (achieved sets the date). Refused unless the actor
    keeps the plan, for an unknown state, or (a conflict) for the state it already has."""
    _plan_for_write(actor, goal.plan)
    goal = _locked(DevelopmentGoal, goal)
    if state not in DevelopmentGoal.State.values:
        raise ApplicationError(_("Unknown state."), field="state")
    if goal.state == state:
        raise ConflictError(_("The goal is already %(s)s.") % {"s": goal.get_state_display()})
    before = goal.state
    goal.state = state
    goal.achieved_on = timezone.localdate() if state == DevelopmentGoal.State.ACHIEVED else None
    goal.save(update_fields=["state", "achieved_on"])
    audit.record(
        actor=actor,
        obj=goal.plan,
        action="development_plan.goal_state",
        from_state=before,
        to_state=state,
        comment=goal.title,
    )
    return goal


@transaction.atomic
def conversation_record(
    *,
    actor,
    plan: DevelopmentPlan,
    held_on: dt.date,
    notes: str,
    agreed_actions: str = "",
    next_on: dt.date | None = None,
) -> CareerConversation:
    """The supervisor records a career conversation that was held; their open discuss-
    development tasks and the employee's open flags close, and the employee is told.
    Refused to anyone but the supervisor, for a future date, without notes, or when the
    next conversation is not after this one."""
    plan = (
        DevelopmentPlan.objects.select_for_update(of=("self",))
        .select_related("employee__supervisor", "employee__user")
        .get(pk=plan.pk)
    )
    policy.require(
        policy.is_supervisor_of(actor, plan.employee),
        _("Career conversations are recorded by the person's supervisor."),
    )
    if held_on > timezone.localdate():
        raise ApplicationError(_("Record a conversation once it has been held."), field="held_on")
    if not (notes or "").strip():
        raise ApplicationError(_("Write down what was discussed."), field="notes")
    if next_on is not None and next_on <= held_on:
        raise ApplicationError(_("The next conversation comes after this one."), field="next_on")
    conversation = CareerConversation.objects.create(
        plan=plan,
        held_on=held_on,
        supervisor=actor,
        notes=notes.strip(),
        agreed_actions=agreed_actions.strip(),
        next_on=next_on,
    )
    audit.record(
        actor=actor, obj=plan, action="development_plan.conversation", comment=str(held_on)
    )
    SupervisorTask.objects.filter(
        employee=plan.employee,
        kind=SupervisorTask.Kind.DISCUSS_DEVELOPMENT,
        state=SupervisorTask.State.OPEN,
        supervisor__user=actor,
    ).update(state=SupervisorTask.State.DONE, done_at=timezone.now())
    DevelopmentFlag.objects.filter(employee=plan.employee, state=DevelopmentFlag.State.OPEN).update(
        state=DevelopmentFlag.State.ACTED
    )
    notify(
        recipients=[plan.employee.user],
        title=gettext_lazy("Your career conversation was recorded"),
        url=reverse("training:development_detail", args=[plan.employee_id]),
    )
    return conversation
