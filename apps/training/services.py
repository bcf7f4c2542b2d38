"""Every write to training. Each service locks its row, checks the state and the actor's
right through apps.training.permissions, writes, and records the audit row in the same
transaction; notifications go out with the transaction (core.notifications queues the
e-mail on commit)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
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
from apps.training.models import (
    AssessmentResult,
    CareerConversation,
    Category,
    Course,
    DevelopmentFlag,
    DevelopmentGoal,
    DevelopmentPlan,
    Enrolment,
    Feedback,
    LearningRecord,
    Method,
    Session,
    SupervisorTask,
    Technique,
    TrainingAssignment,
    TrainingPlan,
)

P = TrainingPlan.State
E = Enrolment.State
ZERO = Decimal("0")


def _decimal(value, *, field_name, places="0.01", message=None) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(message or _("Enter a number."), field=field_name) from None
    if not amount.is_finite() or amount < 0:
        raise ApplicationError(_("Enter zero or more."), field=field_name)
    if amount != amount.quantize(Decimal(places)):
        raise ApplicationError(
            _("Use at most %(n)d decimals.") % {"n": len(places.split(".")[1])},
            field=field_name,
        )
    return amount


def _locked(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


# --- Plans ------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, department, year: int, title: str, goals: str = "") -> TrainingPlan:
    policy.require(
        policy.can_manage_in(actor, department),
        _("You need the authority to plan training in %(d)s.") % {"d": department.label},
    )
    if not (title or "").strip():
        raise ApplicationError(_("Give the plan a title."), field="title")
    if not 2000 <= int(year) <= 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."), field="year")
    if TrainingPlan.objects.filter(department=department, year=year).exists():
        raise ConflictError(
            _("%(d)s already has a training plan for %(y)s.") % {"d": department.label, "y": year},
            field="year",
        )
    try:
        with transaction.atomic():
            plan = TrainingPlan.objects.create(
                department=department, year=year, title=title.strip(), goals=goals, author=actor
            )
    except IntegrityError:
        raise ConflictError(
            _("%(d)s already has a training plan for %(y)s.") % {"d": department.label, "y": year},
            field="year",
        ) from None
    audit.record(actor=actor, obj=plan, action="training_plan.create", to_state=plan.state)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: TrainingPlan, title: str, goals: str = "") -> TrainingPlan:
    plan = _locked(TrainingPlan, plan)
    policy.require(
        policy.can_edit_plan(actor, plan),
        _("Only a draft or returned plan can be changed, by someone who plans training here."),
    )
    if not (title or "").strip():
        raise ApplicationError(_("Give the plan a title."), field="title")
    before = {"title": plan.title, "goals": plan.goals}
    plan.title, plan.goals = title.strip(), goals
    plan.save(update_fields=["title", "goals", "updated_at"])
    audit.record(
        actor=actor,
        obj=plan,
        action="training_plan.update",
        changes=audit.diff(before, {"title": plan.title, "goals": plan.goals}),
    )
    return plan


@dataclass
class CourseData:
    title: str
    category: Category
    method: str
    budget: Decimal
    planned_start: dt.date
    planned_end: dt.date
    planned_hours: Decimal
    planned_sessions: int = 1
    technique: str = Technique.LECTURE
    description: str = ""
    trainer_employee: Employee | None = None
    trainer_external: str = ""
    audience_positions: list = field(default_factory=list)
    audience_people: list = field(default_factory=list)


def _validate_course(plan: TrainingPlan, data: CourseData) -> None:
    if not (data.title or "").strip():
        raise ApplicationError(_("Give the course a title."), field="title")
    if data.method not in Method.values:
        raise ApplicationError(_("Choose how the course is given."), field="method")
    if data.technique not in Technique.values:
        raise ApplicationError(_("Choose the format of the course."), field="technique")
    data.trainer_external = (data.trainer_external or "").strip()
    if bool(data.trainer_employee) == bool(data.trainer_external):
        raise ApplicationError(
            _("Name one trainer: an employee or an external expert."), field="trainer_external"
        )
    if data.planned_end < data.planned_start:
        raise ApplicationError(
            _("The end date cannot be before the start date."), field="planned_end"
        )
    if data.planned_start.year != plan.year and data.planned_end.year != plan.year:
        raise ApplicationError(
            _("The course must take place in the plan's year (%(y)s).") % {"y": plan.year},
            field="planned_start",
        )
    if int(data.planned_sessions or 0) < 1:
        raise ApplicationError(_("Plan at least one session."), field="planned_sessions")
    data.budget = _decimal(data.budget, field_name="budget", message=_("Enter an amount in yuan."))
    data.planned_hours = _decimal(data.planned_hours, field_name="planned_hours", places="0.1")
    if not data.audience_positions and not data.audience_people:
        raise ApplicationError(
            _("Say who the course is for: positions, people or both."),
            field="audience_positions",
        )


_COURSE_FIELDS = (
    "title",
    "description",
    "category",
    "method",
    "technique",
    "budget",
    "planned_start",
    "planned_end",
    "planned_sessions",
    "planned_hours",
    "trainer_employee",
    "trainer_external",
)


@transaction.atomic
def course_add(*, actor, plan: TrainingPlan, data: CourseData) -> Course:
    plan = _locked(TrainingPlan, plan)
    policy.require(
        policy.can_edit_plan(actor, plan),
        _("Courses are added to a draft or returned plan, by someone who plans training here."),
    )
    _validate_course(plan, data)
    course = Course.objects.create(plan=plan, **{k: getattr(data, k) for k in _COURSE_FIELDS})
    course.audience_positions.set(data.audience_positions)
    course.audience_people.set(data.audience_people)
    audit.record(actor=actor, obj=plan, action="training_plan.course_add", comment=course.title)
    return course


@transaction.atomic
def course_update(*, actor, course: Course, data: CourseData) -> Course:
    plan = _locked(TrainingPlan, course.plan)
    policy.require(
        policy.can_edit_plan(actor, plan),
        _("Courses are changed in a draft or returned plan, by someone who plans training here."),
    )
    _validate_course(plan, data)
    for key in _COURSE_FIELDS:
        setattr(course, key, getattr(data, key))
    course.save()
    course.audience_positions.set(data.audience_positions)
    course.audience_people.set(data.audience_people)
    audit.record(actor=actor, obj=plan, action="training_plan.course_update", comment=course.title)
    return course


@transaction.atomic
def course_remove(*, actor, course: Course) -> None:
    plan = _locked(TrainingPlan, course.plan)
    policy.require(
        policy.can_edit_plan(actor, plan),
        _("Courses are removed from a draft or returned plan only."),
    )
    if course.sessions.exists():
        raise ConflictError(_("This course already has sessions; it cannot be removed."))
    title = course.title
    course.delete()
    audit.record(actor=actor, obj=plan, action="training_plan.course_remove", comment=title)


def _approvers_of(plan):
    from django.contrib.auth import get_user_model

    from apps.org.authorities import Authority
    from apps.org.models import Assignment

    ancestors = [int(pk) for pk in plan.department.path.strip("/").split("/") if pk]
    user_ids = (
        Assignment.objects.active_on()
        .filter(
            post__authorities__authority=Authority.APPROVE_TRAINING_PLAN,
            employee__is_active=True,
        )
        .filter(
            Q(post__department=plan.department)
            | Q(post__department_id__in=ancestors, post__authorities__scope="subtree")
            | Q(post__authorities__scope="company")
        )
        .values_list("employee__user_id", flat=True)
    )
    return (
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(pk=plan.author_id)
    )


@transaction.atomic
def plan_submit(*, actor, plan: TrainingPlan) -> TrainingPlan:
    plan = _locked(TrainingPlan, plan)
    if plan.state == P.SUBMITTED:
        raise ConflictError(_("This plan is already waiting for approval."))
    policy.require(
        policy.can_edit_plan(actor, plan),
        _("Only a draft or returned plan can be submitted, by someone who plans training here."),
    )
    if not plan.courses.exists():
        raise ApplicationError(_("Add at least one course before submitting the plan."))
    before = plan.state
    plan.state, plan.submitted_at = P.SUBMITTED, timezone.now()
    plan.save(update_fields=["state", "submitted_at", "updated_at"])
    audit.record(
        actor=actor, obj=plan, action="training_plan.submit", from_state=before, to_state=plan.state
    )
    notify(
        recipients=_approvers_of(plan),
        title=format_lazy(gettext_lazy("Training plan to approve: {title}"), title=plan.title),
        body=format_lazy(
            gettext_lazy("{dept}, {year}"), dept=plan.department.label, year=plan.year
        ),
        url=reverse("training:plan_detail", args=[plan.pk]),
    )
    return plan


def _decide(*, actor, plan, to_state, comment, action):
    plan = _locked(TrainingPlan, plan)
    if plan.state != P.SUBMITTED:
        raise ConflictError(
            _("This plan is not waiting for approval (it is %(s)s).")
            % {"s": plan.get_state_display()}
        )
    if plan.author_id == actor.pk:
        raise PermissionDenied(_("Nobody approves or returns their own plan."))
    policy.require(
        policy.can_decide_plan(actor, plan),
        _("You need the authority to approve training plans in %(d)s.")
        % {"d": plan.department.label},
    )
    plan.state, plan.decided_by, plan.decided_at = to_state, actor, timezone.now()
    plan.decision_comment = comment
    plan.save(update_fields=["state", "decided_by", "decided_at", "decision_comment", "updated_at"])
    audit.record(
        actor=actor,
        obj=plan,
        action=action,
        from_state=P.SUBMITTED,
        to_state=to_state,
        comment=comment,
    )
    title = (
        gettext_lazy("Training plan approved: {title}")
        if to_state == P.APPROVED
        else gettext_lazy("Training plan returned: {title}")
    )
    notify(
        recipients=[plan.author],
        title=format_lazy(title, title=plan.title),
        body=comment,
        url=reverse("training:plan_detail", args=[plan.pk]),
    )
    return plan


def plan_approve(*, actor, plan: TrainingPlan, comment: str = "") -> TrainingPlan:
    with transaction.atomic():
        return _decide(
            actor=actor,
            plan=plan,
            to_state=P.APPROVED,
            comment=comment,
            action="training_plan.approve",
        )


def plan_return(*, actor, plan: TrainingPlan, comment: str) -> TrainingPlan:
    if not (comment or "").strip():
        raise ApplicationError(_("Say what needs to change."), field="comment")
    with transaction.atomic():
        return _decide(
            actor=actor,
            plan=plan,
            to_state=P.RETURNED,
            comment=comment.strip(),
            action="training_plan.return",
        )


# --- Sessions -----------------------------------------------------------------------------


@dataclass
class SessionData:
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
    in `department`."""
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


# --- Enrolment and the waiting list --------------------------------------------------------


def _session_url(session) -> str:
    return reverse("training:session_detail", args=[session.pk])


@transaction.atomic
def enrolment_create(
    *, actor, session: Session, employee: Employee, assignment: TrainingAssignment | None = None
) -> Enrolment:
    """Enrol `employee` (themself, or assigned by their manager). The session row is
    locked: seats are counted under the lock, so two people never take the last seat;
    when it is full the person joins the waiting list."""
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
    person on the waiting list, under the session's lock."""
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
    Recording again corrects the marks."""
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


# --- Feedback and results ------------------------------------------------------------------


@transaction.atomic
def feedback_submit(*, actor, enrolment: Enrolment, rating, comments: str = "") -> Feedback:
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    if enrolment.employee.user_id != actor.pk:
        raise PermissionDenied(_("Only the attendee gives feedback on their session."))
    if enrolment.attended is not True:
        raise PermissionDenied(_("Only people who attended the session give feedback."))
    if Feedback.objects.filter(enrolment=enrolment).exists():
        raise ConflictError(_("You have already given feedback on this session."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ApplicationError(_("Rate the session from 1 to 5."), field="rating")
    feedback = Feedback.objects.create(enrolment=enrolment, rating=rating, comments=comments)
    audit.record(actor=actor, obj=enrolment, action="training_feedback.submit", comment=str(rating))
    return feedback


@transaction.atomic
def result_record(
    *,
    actor,
    enrolment: Enrolment,
    outcome: str,
    hours=None,
    score=None,
    certificate_no: str = "",
) -> AssessmentResult:
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
    policy.require(
        policy.can_run_session(actor, enrolment.session),
        _("Results are recorded by someone who runs training in this department."),
    )
    if enrolment.attended is not True:
        raise ApplicationError(_("Results are recorded for people who attended."))
    if outcome not in AssessmentResult.Outcome.values:
        raise ApplicationError(_("Choose passed or failed."), field="outcome")
    hours = enrolment.session.hours if hours in (None, "") else hours
    hours = _decimal(hours, field_name="hours", places="0.1")
    if score not in (None, ""):
        score = _decimal(score, field_name="score", places="0.1")
        if score > 100:
            raise ApplicationError(_("Scores go from 0 to 100."), field="score")
    else:
        score = None
    result, created = AssessmentResult.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "outcome": outcome,
            "score": score,
            "hours": hours,
            "certificate_no": (certificate_no or "").strip(),
            "recorded_by": actor,
        },
    )
    audit.record(
        actor=actor,
        obj=enrolment,
        action="training_result.record" if created else "training_result.correct",
        to_state=outcome,
    )
    if outcome == AssessmentResult.Outcome.PASSED and enrolment.assignment_id:
        _complete_assignment(actor, enrolment.assignment_id)
    return result


# --- Learning records ---------------------------------------------------------------------


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


# --- Required training ---------------------------------------------------------------------


def _complete_assignment(actor, assignment_id) -> None:
    assignment = TrainingAssignment.objects.select_for_update().get(pk=assignment_id)
    if assignment.state != TrainingAssignment.State.OPEN:
        return
    assignment.state = TrainingAssignment.State.DONE
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["state", "completed_at"])
    audit.record(
        actor=actor,
        obj=assignment,
        action="training_assignment.complete",
        from_state=TrainingAssignment.State.OPEN,
        to_state=TrainingAssignment.State.DONE,
    )
    SupervisorTask.objects.filter(assignment=assignment, state=SupervisorTask.State.OPEN).update(
        state=SupervisorTask.State.DONE, done_at=timezone.now()
    )


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
    """A manager requires training of a team member."""
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


# --- From appraisal results ------------------------------------------------------------------


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


# --- Reminders and feedback requests (periodic, idempotent) ---------------------------------


def session_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind everyone holding a seat on a session that starts tomorrow (local date).
    One reminder per enrolment: the row is claimed with a conditional UPDATE."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    candidates = Enrolment.objects.filter(
        state=E.ENROLLED,
        reminder_sent_at__isnull=True,
        session__state=Session.State.SCHEDULED,
        session__starts_at__date=tomorrow,
    ).select_related("session", "employee__user")
    sent = 0
    for enrolment in candidates:
        with transaction.atomic():
            claimed = Enrolment.objects.filter(
                pk=enrolment.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            session = enrolment.session
            notify(
                recipients=[enrolment.employee.user],
                title=format_lazy(gettext_lazy("Training tomorrow: {title}"), title=session.title),
                body=format_lazy(
                    gettext_lazy("{time}, {place}"),
                    time=timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
                    place=session.location or "—",
                ),
                url=_session_url(session),
            )
            sent += 1
    return sent


def feedback_requests_send(*, now: dt.datetime | None = None) -> int:
    """Ask each attendee of a held session for feedback, once."""
    now = now or timezone.now()
    candidates = Enrolment.objects.filter(
        attended=True,
        feedback_requested_at__isnull=True,
        feedback__isnull=True,
        session__state=Session.State.HELD,
        session__ends_at__lte=now,
    ).select_related("session", "employee__user")
    sent = 0
    for enrolment in candidates:
        with transaction.atomic():
            claimed = Enrolment.objects.filter(
                pk=enrolment.pk, feedback_requested_at__isnull=True
            ).update(feedback_requested_at=now)
            if not claimed:
                continue
            notify(
                recipients=[enrolment.employee.user],
                title=format_lazy(
                    gettext_lazy("How was the training “{title}”?"), title=enrolment.session.title
                ),
                body=gettext_lazy(
                    "Rate it from 1 to 5 and tell the trainer what to keep or change."
                ),
                url=_session_url(enrolment.session),
            )
            sent += 1
    return sent


# --- Development plans ------------------------------------------------------------------------


@dataclass
class DevelopmentData:
    current_role: str
    path: str
    target_role: str
    competencies: str = ""
    courses: list = field(default_factory=list)


@transaction.atomic
def development_plan_save(*, actor, employee: Employee, data: DevelopmentData) -> DevelopmentPlan:
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
