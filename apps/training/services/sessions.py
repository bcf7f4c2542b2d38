"""Sessions of a course: schedule, cancel, record the actual cost."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.core.notifications import notify
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training.models import Course, Session, TrainingPlan

from ._common import ZERO, E, P, _decimal, _locked


@dataclass
class SessionData:
    """What a session says; checked by _validate_session before it is written."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: Decimal
    capacity: int = 20
    location: str = ""
    cost: Decimal = ZERO
    trainer_employee: Employee | None = None
    trainer_external: str = ""


def _validate_session(data: SessionData) -> None:
    if not (data.title or "").strip():
        raise ApplicationError(_("Give the session a title."), field="title")
    if data.ends_at <= data.starts_at:
        raise ApplicationError(_("The session must end after it starts."), field="ends_at")
    if int(data.capacity or 0) < 1:
        raise ApplicationError(_("Capacity is at least one seat."), field="capacity")
    data.hours = _decimal(data.hours, field_name="hours", places="0.1")
    data.cost = _decimal(data.cost, field_name="cost", message=_("Enter an amount in yuan."))
    data.trainer_external = (data.trainer_external or "").strip()
    if bool(data.trainer_employee) == bool(data.trainer_external):
        raise ApplicationError(
            _("Name one trainer: an employee or an external expert."), field="trainer_external"
        )


@transaction.atomic
def session_schedule(
    *, actor, data: SessionData, course: Course | None = None, department=None
) -> Session:
    """A session of an approved plan's course, or (no course) an internal sharing session
    in `department`. Refused for a course of a plan that is not approved, without a
    department, without the authority to plan training there, and for an invalid session
    (no title, ends before it starts, no seat, bad hours or cost, not exactly one trainer)."""
    if course is not None:
        plan = TrainingPlan.objects.select_for_update().get(pk=course.plan_id)
        department = plan.department
        if plan.state != P.APPROVED:
            raise ApplicationError(
                _("Sessions are scheduled for courses of an approved plan."), field="course"
            )
    if department is None:
        raise ApplicationError(_("Choose the department."), field="department")
    policy.require(
        policy.can_manage_in(actor, department),
        _("You need the authority to plan training in %(d)s.") % {"d": department.label},
    )
    _validate_session(data)
    session = Session.objects.create(
        department=department,
        course=course,
        kind=Session.Kind.COURSE if course else Session.Kind.SHARING,
        created_by=actor,
        title=data.title.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        hours=data.hours,
        capacity=data.capacity,
        location=data.location,
        cost=data.cost,
        trainer_employee=data.trainer_employee,
        trainer_external=data.trainer_external,
    )
    audit.record(
        actor=actor, obj=session, action="training_session.schedule", to_state=session.state
    )
    return session


@transaction.atomic
def session_cancel(*, actor, session: Session, reason: str = "") -> Session:
    """Cancel a scheduled session; everyone enrolled or waiting is told. Refused to someone
    who does not run training here, and (a conflict) for a session already cancelled or
    held."""
    session = _locked(Session, session)
    policy.require(policy.can_run_session(actor, session))
    if session.state == Session.State.CANCELLED:
        raise ConflictError(_("This session is already cancelled."))
    if session.state == Session.State.HELD:
        raise ConflictError(_("This session has been held; it cannot be cancelled."))
    before = session.state
    session.state = Session.State.CANCELLED
    session.save(update_fields=["state"])
    audit.record(
        actor=actor,
        obj=session,
        action="training_session.cancel",
        from_state=before,
        to_state=session.state,
        comment=reason,
    )
    people = Employee.objects.filter(
        enrolments__session=session, enrolments__state__in=[E.ENROLLED, E.WAITLISTED]
    ).select_related("user")
    notify(
        recipients=[p.user for p in people],
        title=format_lazy(gettext_lazy("Session cancelled: {title}"), title=session.title),
        body=reason,
        url=reverse("training:session_detail", args=[session.pk]),
    )
    return session


@transaction.atomic
def session_update_cost(*, actor, session: Session, cost) -> Session:
    """Record what a session actually cost. Refused to someone who does not run training
    here, or for an amount that is not zero or more in yuan."""
    session = _locked(Session, session)
    policy.require(policy.can_run_session(actor, session))
    cost = _decimal(cost, field_name="cost", message=_("Enter an amount in yuan."))
    before = {"cost": session.cost}
    session.cost = cost
    session.save(update_fields=["cost"])
    audit.record(
        actor=actor,
        obj=session,
        action="training_session.cost",
        changes=audit.diff(before, {"cost": cost}),
    )
    return session
