"""Annual training plans and their courses: draft, edit, submit, approve or return."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

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
from apps.training.models import Category, Course, Method, Technique, TrainingPlan

from ._common import P, _decimal, _locked


@transaction.atomic
def plan_create(*, actor, department, year: int, title: str, goals: str = "") -> TrainingPlan:
    """Start a department's training plan for a year, as a draft. Refused without the
    authority to plan training in the department, without a title, for a year outside
    2000-2100, or when the department already has a plan for that year (a conflict)."""
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
    """Change a plan's title and goals. Refused unless the plan is a draft or returned and
    the actor plans training in its department, or without a title."""
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
    """What a course in a training plan says; checked by _validate_course before it is
    written."""

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
    """Add a course to a plan. Refused unless the plan is a draft or returned and the actor
    plans training there, or when the course is invalid (no title, method or format, not
    exactly one trainer, dates outside the plan's year or reversed, no session, bad
    amounts, no audience)."""
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
    """Change a course of a plan, with the same checks and refusals as course_add."""
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
    """Remove a course from a draft or returned plan. Refused without the right to edit the
    plan, or (a conflict) once the course has sessions."""
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
    """Send a plan for approval; the approvers are told. Refused when it already waits (a
    conflict), when it is not a draft or returned or the actor does not plan training here,
    or when it has no course."""
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
    """Approve a submitted plan; the author is told. Refused when the plan is not waiting
    for approval (a conflict), for the plan's own author, and without the authority to
    approve training plans in its department."""
    with transaction.atomic():
        return _decide(
            actor=actor,
            plan=plan,
            to_state=P.APPROVED,
            comment=comment,
            action="training_plan.approve",
        )


def plan_return(*, actor, plan: TrainingPlan, comment: str) -> TrainingPlan:
    """Return a submitted plan to its author with what must change. Refused without a
    comment, and as plan_approve is refused."""
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
