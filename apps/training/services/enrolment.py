"""Enrolment and the waiting list: enrol, cancel, promote from the waiting list when a
seat frees up, change the capacity, record attendance."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError
from apps.core.notifications import notify
from apps.org.models import Employee
from apps.training import permissions as policy
from apps.training.models import Enrolment, Session, TrainingAssignment

from ._common import E, _locked, _session_url


@transaction.atomic
def enrolment_create(
    *, actor, session: Session, employee: Employee, assignment: TrainingAssignment | None = None
) -> Enrolment:
    """Enrol `employee` (themself, or assigned by their manager). The session row is
    locked: seats are counted under the lock, so two people never take the last seat; when
    it is full the person joins the waiting list. Refused once the session has started, is
    over or cancelled (a conflict), to anyone but the person or their manager (for a session
    open to the person), for someone who has left, and (a conflict) when already on the
    session."""
    session = _locked(Session, session)
    if session.state != Session.State.SCHEDULED or session.starts_at <= timezone.now():
        raise ConflictError(_("Enrolment is closed: the session has started or is over."))
    policy.require(
        policy.can_enrol(actor, employee, session),
        _("You may enrol yourself in sessions open to you, or your own team members."),
    )
    if not employee.is_active:
        raise ApplicationError(_("This person has left the company."), field="employee")
    existing = Enrolment.objects.select_for_update().filter(session=session, employee=employee)
    enrolment = existing.first()
    if enrolment is not None and enrolment.state != E.CANCELLED:
        raise ConflictError(
            _("%(name)s is already on this session (%(state)s).")
            % {"name": employee.name, "state": enrolment.get_state_display()}
        )
    seats_taken = Enrolment.objects.filter(session=session, state=E.ENROLLED).count()
    state = E.ENROLLED if seats_taken < session.capacity else E.WAITLISTED
    assigned_by = actor if actor.pk != employee.user_id else None
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            session=session,
            employee=employee,
            state=state,
            assigned_by=assigned_by,
            assignment=assignment,
        )
    else:
        enrolment.state, enrolment.assigned_by = state, assigned_by
        enrolment.queued_at = timezone.now()
        enrolment.assignment = assignment or enrolment.assignment
        enrolment.reminder_sent_at = None
        enrolment.save()
    audit.record(actor=actor, obj=enrolment, action="training_enrolment.create", to_state=state)
    if assigned_by is not None:
        notify(
            recipients=[employee.user],
            title=format_lazy(
                gettext_lazy("You were enrolled in a training: {title}"), title=session.title
            )
            if state == E.ENROLLED
            else format_lazy(
                gettext_lazy("You are on the waiting list of a training: {title}"),
                title=session.title,
            ),
            url=_session_url(session),
        )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, actor, enrolment: Enrolment) -> Enrolment:
    """Give up a seat (or a place on the waiting list). A freed seat goes to the first
    person on the waiting list, under the session's lock. Refused unless it is the actor's
    own or they manage the person or run the session, when already cancelled, and once the
    session has started (conflicts)."""
    session = _locked(Session, enrolment.session)
    enrolment = _locked(Enrolment, enrolment)
    employee = enrolment.employee
    if employee.user_id != actor.pk:
        policy.require(
            policy.can_assign(actor, employee) or policy.can_run_session(actor, session),
            _("You may cancel your own enrolment, or your team members'."),
        )
    if enrolment.state == E.CANCELLED:
        raise ConflictError(_("This enrolment is already cancelled."))
    if session.state != Session.State.SCHEDULED or session.starts_at <= timezone.now():
        raise ConflictError(_("The session has started or is over; it can no longer be left."))
    before = enrolment.state
    enrolment.state = E.CANCELLED
    enrolment.save(update_fields=["state"])
    audit.record(
        actor=actor,
        obj=enrolment,
        action="training_enrolment.cancel",
        from_state=before,
        to_state=E.CANCELLED,
    )
    if before == E.ENROLLED:
        _promote_from_waiting_list(session)
    return enrolment


def _promote_from_waiting_list(session: Session) -> None:
    free = session.capacity - Enrolment.objects.filter(session=session, state=E.ENROLLED).count()
    if free <= 0:
        return
    waiting = list(
        Enrolment.objects.select_for_update()
        .filter(session=session, state=E.WAITLISTED)
        .select_related("employee__user")
        .order_by("queued_at", "id")[:free]
    )
    for promoted in waiting:
        promoted.state = E.ENROLLED
        promoted.save(update_fields=["state"])
        audit.record(
            actor=None,
            obj=promoted,
            action="training_enrolment.promote",
            from_state=E.WAITLISTED,
            to_state=E.ENROLLED,
        )
        notify(
            recipients=[promoted.employee.user],
            title=format_lazy(
                gettext_lazy("A seat opened up for you: {title}"), title=session.title
            ),
            url=_session_url(session),
        )


@transaction.atomic
def session_capacity_set(*, actor, session: Session, capacity: int) -> Session:
    """Change a session's number of seats; new seats go to the waiting list in order.
    Refused to someone who does not run training here, below one seat, or below the seats
    already taken."""
    session = _locked(Session, session)
    policy.require(policy.can_run_session(actor, session))
    if int(capacity) < 1:
        raise ApplicationError(_("Capacity is at least one seat."), field="capacity")
    taken = Enrolment.objects.filter(session=session, state=E.ENROLLED).count()
    if int(capacity) < taken:
        raise ApplicationError(
            _("%(n)d people already hold a seat; capacity cannot be lower.") % {"n": taken},
            field="capacity",
        )
    before = session.capacity
    session.capacity = int(capacity)
    session.save(update_fields=["capacity"])
    audit.record(
        actor=actor,
        obj=session,
        action="training_session.capacity",
        changes={"capacity": [str(before), str(capacity)]},
    )
    _promote_from_waiting_list(session)
    return session


@transaction.atomic
def attendance_record(*, actor, session: Session, attended_ids) -> Session:
    """Mark who attended (everyone else enrolled is marked absent); the session is held.
    Recording again corrects the marks. Refused to someone who does not run training here,
    for a cancelled session (a conflict), before the session starts, and for anyone not
    holding a seat."""
    session = _locked(Session, session)
    policy.require(
        policy.can_run_session(actor, session),
        _("Attendance is recorded by someone who runs training in this department."),
    )
    if session.state == Session.State.CANCELLED:
        raise ConflictError(_("This session was cancelled."))
    if session.starts_at > timezone.now():
        raise ApplicationError(_("Attendance is recorded once the session has started."))
    enrolled = list(Enrolment.objects.select_for_update().filter(session=session, state=E.ENROLLED))
    attended_ids = {int(pk) for pk in attended_ids}
    unknown = attended_ids - {e.pk for e in enrolled}
    if unknown:
        raise ApplicationError(
            _("Only people holding a seat can be marked present."), field="attended"
        )
    now = timezone.now()
    for enrolment in enrolled:
        enrolment.attended = enrolment.pk in attended_ids
        enrolment.attendance_recorded_at = now
    Enrolment.objects.bulk_update(enrolled, ["attended", "attendance_recorded_at"])
    before = session.state
    session.state = Session.State.HELD
    session.save(update_fields=["state"])
    audit.record(
        actor=actor,
        obj=session,
        action="training_session.attendance",
        from_state=before,
        to_state=session.state,
        comment=f"{len(attended_ids)}/{len(enrolled)}",
    )
    return session
