"""Reads of training, with their joins, filtered by the policy in SQL. Other apps' home
panels and the employee page read training through these functions."""

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.org.authorities import Authority
from apps.org.models import Department
from apps.org.permissions import department_q
from apps.training import permissions as policy
from apps.training.models import (
    AssessmentResult,
    CareerConversation,
    Course,
    DevelopmentFlag,
    DevelopmentGoal,
    DevelopmentPlan,
    Enrolment,
    Feedback,
    LearningRecord,
    Session,
    SupervisorTask,
    TrainingAssignment,
    TrainingPlan,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)
HOURS = DecimalField(max_digits=10, decimal_places=1)
ZERO_MONEY = Value(Decimal("0"), output_field=MONEY)
ZERO_HOURS = Value(Decimal("0"), output_field=HOURS)
E = Enrolment.State


def _sum_subquery(queryset, column, output):
    return Coalesce(
        Subquery(
            queryset.order_by().values("_group").annotate(total=Sum(column)).values("total")[:1],
            output_field=output,
        ),
        Value(Decimal("0"), output_field=output),
    )


# --- Plans ----------------------------------------------------------------------------------


def plan_list_for(user, *, year=None, department=None, state=""):
    courses = Course.objects.filter(plan=OuterRef("pk")).annotate(_group=Value(1))
    plans = (
        TrainingPlan.objects.filter(policy.plan_visible_q(user))
        .select_related("department", "author__employee", "decided_by__employee")
        .annotate(
            budget_total=_sum_subquery(courses, "budget", MONEY),
            course_count=Coalesce(
                Subquery(
                    courses.order_by().values("_group").annotate(n=Count("pk")).values("n")[:1]
                ),
                0,
            ),
        )
    )
    if year:
        plans = plans.filter(year=year)
    if department is not None:
        plans = plans.filter(department__path__startswith=department.path)
    if state:
        plans = plans.filter(state=state)
    return plans.order_by("-year", "department__path")


def plan_awaiting_approval_for(user):
    return (
        TrainingPlan.objects.filter(policy.awaiting_approval_q(user))
        .select_related("department", "author__employee")
        .order_by("submitted_at")
    )


def plan_for_page(pk):
    courses = (
        Course.objects.select_related("category", "trainer_employee")
        .prefetch_related("audience_positions", "audience_people")
        .annotate(
            sessions_held=Count("sessions", filter=Q(sessions__state=Session.State.HELD)),
            sessions_scheduled=Count("sessions", filter=Q(sessions__state=Session.State.SCHEDULED)),
        )
    )
    return (
        TrainingPlan.objects.select_related(
            "department", "author__employee", "decided_by__employee"
        )
        .prefetch_related(Prefetch("courses", queryset=courses))
        .get(pk=pk)
    )


def plan_vs_actual(*, year: int, departments) -> list[dict]:
    """Per department: planned budget, sessions and hours against sessions held, their
    hours and spend (sessions and learning records of the year). Four queries."""
    departments = list(departments)
    ids = [d.pk for d in departments]
    planned = {
        row["plan__department"]: row
        for row in Course.objects.filter(plan__year=year, plan__department__in=ids)
        .exclude(plan__state=TrainingPlan.State.DRAFT)
        .values("plan__department")
        .annotate(
            budget=Coalesce(Sum("budget"), ZERO_MONEY),
            sessions=Coalesce(Sum("planned_sessions"), 0),
            hours=Coalesce(Sum("planned_hours"), ZERO_HOURS),
        )
    }
    held = {
        row["department"]: row
        for row in Session.objects.filter(
            department__in=ids, state=Session.State.HELD, starts_at__year=year
        )
        .values("department")
        .annotate(
            sessions=Count("pk"),
            hours=Coalesce(Sum("hours"), ZERO_HOURS),
            spend=Coalesce(Sum("cost"), ZERO_MONEY),
        )
    }
    learning = {
        row["department"]: row
        for row in LearningRecord.objects.filter(department__in=ids, completed_on__year=year)
        .values("department")
        .annotate(spend=Coalesce(Sum("cost"), ZERO_MONEY), hours=Coalesce(Sum("hours"), ZERO_HOURS))
    }
    plans = dict(
        TrainingPlan.objects.filter(year=year, department__in=ids).values_list(
            "department", "state"
        )
    )
    rows = []
    for department in departments:
        p = planned.get(department.pk, {})
        h = held.get(department.pk, {})
        learned = learning.get(department.pk, {})
        budget = p.get("budget", Decimal("0"))
        spend = h.get("spend", Decimal("0")) + learned.get("spend", Decimal("0"))
        rows.append(
            {
                "department": department,
                "plan_state": plans.get(department.pk, ""),
                "plan_state_label": TrainingPlan.State(plans[department.pk]).label
                if department.pk in plans
                else "",
                "planned_budget": budget,
                "planned_sessions": p.get("sessions", 0),
                "planned_hours": p.get("hours", Decimal("0")),
                "sessions_held": h.get("sessions", 0),
                "session_hours": h.get("hours", Decimal("0")),
                "learning_hours": learned.get("hours", Decimal("0")),
                "spend": spend,
                "spend_rate": (spend / budget * 100) if budget else None,
            }
        )
    return rows


# --- Sessions -------------------------------------------------------------------------------


def session_list_for(user, *, department=None, date_from=None, date_to=None, state="", kind=""):
    seats = Enrolment.objects.filter(session=OuterRef("pk"), state=E.ENROLLED).annotate(
        _group=Value(1)
    )
    sessions = (
        Session.objects.filter(policy.session_visible_q(user))
        .select_related("department", "course__category", "trainer_employee")
        .annotate(
            seats_taken=Coalesce(
                Subquery(seats.order_by().values("_group").annotate(n=Count("pk")).values("n")[:1]),
                0,
            )
        )
    )
    employee = policy.employee_of(user)
    if employee is not None:
        mine = Enrolment.objects.filter(session=OuterRef("pk"), employee=employee).exclude(
            state=E.CANCELLED
        )
        sessions = sessions.annotate(my_state=Subquery(mine.values("state")[:1]))
    if department is not None:
        sessions = sessions.filter(department__path__startswith=department.path)
    if date_from:
        sessions = sessions.filter(starts_at__date__gte=date_from)
    if date_to:
        sessions = sessions.filter(starts_at__date__lte=date_to)
    if state:
        sessions = sessions.filter(state=state)
    if kind:
        sessions = sessions.filter(kind=kind)
    return sessions.order_by("starts_at", "id")


def session_for_page(pk):
    return Session.objects.select_related(
        "department", "course__plan", "course__category", "trainer_employee", "created_by"
    ).get(pk=pk)


def enrolments_of(session):
    return (
        Enrolment.objects.filter(session=session)
        .exclude(state=E.CANCELLED)
        .select_related("employee", "assigned_by__employee", "feedback", "result")
        .order_by("state", "queued_at", "id")
    )


def feedback_summary(session) -> dict:
    return Feedback.objects.filter(enrolment__session=session).aggregate(
        count=Count("pk"), average=Avg("rating")
    )


def feedback_of(session):
    return (
        Feedback.objects.filter(enrolment__session=session)
        .select_related("enrolment__employee")
        .order_by("-created_at")
    )


# --- A person's training ---------------------------------------------------------------------


def my_enrolments(employee, *, upcoming_only=False):
    enrolments = (
        Enrolment.objects.filter(employee=employee)
        .exclude(state=E.CANCELLED)
        .select_related("session__department", "employee", "feedback", "result")
    )
    if upcoming_only:
        enrolments = enrolments.filter(
            session__state=Session.State.SCHEDULED, session__ends_at__gte=timezone.now()
        )
    return enrolments.order_by("-session__starts_at", "-id")


def feedback_due_for(employee):
    return (
        Enrolment.objects.filter(
            employee=employee, attended=True, session__state=Session.State.HELD
        )
        .filter(feedback__isnull=True)
        .select_related("session")
        .order_by("-session__starts_at")
    )


def open_assignments_of(employee):
    return TrainingAssignment.objects.filter(
        employee=employee, state=TrainingAssignment.State.OPEN
    ).order_by("due_on", "id")


def assignments_of(employee):
    return TrainingAssignment.objects.filter(employee=employee).order_by("-created_at", "-id")


def learning_records_of(employee):
    return LearningRecord.objects.filter(employee=employee).select_related("category")


def training_hours_of(employee, year: int) -> Decimal:
    sessions = AssessmentResult.objects.filter(
        enrolment__employee=employee, enrolment__session__starts_at__year=year
    ).aggregate(h=Coalesce(Sum("hours"), ZERO_HOURS))["h"]
    attended_without_result = Enrolment.objects.filter(
        employee=employee,
        attended=True,
        result__isnull=True,
        session__starts_at__year=year,
    ).aggregate(h=Coalesce(Sum("session__hours"), ZERO_HOURS))["h"]
    learned = LearningRecord.objects.filter(employee=employee, completed_on__year=year).aggregate(
        h=Coalesce(Sum("hours"), ZERO_HOURS)
    )["h"]
    return sessions + attended_without_result + learned


# --- The team ------------------------------------------------------------------------------


def supervisor_tasks_for(user):
    return (
        SupervisorTask.objects.filter(supervisor__user=user, state=SupervisorTask.State.OPEN)
        .select_related("employee", "assignment", "flag")
        .order_by("due_on", "id")
    )


def assignment_list_for(user, *, state="", overdue=False, department=None):
    assignments = TrainingAssignment.objects.filter(policy.people_q(user)).select_related(
        "employee", "department", "supervisor"
    )
    if state:
        assignments = assignments.filter(state=state)
    if overdue:
        assignments = assignments.filter(
            state=TrainingAssignment.State.OPEN, due_on__lt=timezone.localdate()
        )
    if department is not None:
        assignments = assignments.filter(department__path__startswith=department.path)
    return assignments.order_by("due_on", "id")


def development_flags_for(user):
    return (
        DevelopmentFlag.objects.filter(policy.people_q(user), state=DevelopmentFlag.State.OPEN)
        .select_related("employee", "department")
        .order_by("-created_at")
    )


def development_plan_list_for(user):
    next_goal = DevelopmentGoal.objects.filter(
        plan=OuterRef("pk"), state=DevelopmentGoal.State.OPEN
    ).order_by("due_on")
    last_talk = CareerConversation.objects.filter(plan=OuterRef("pk")).order_by("-held_on")
    return (
        DevelopmentPlan.objects.filter(policy.people_q(user))
        .select_related("employee")
        .annotate(
            next_goal_title=Subquery(next_goal.values("title")[:1]),
            next_goal_due=Subquery(next_goal.values("due_on")[:1]),
            last_conversation=Subquery(last_talk.values("held_on")[:1]),
        )
        .order_by("employee__name", "pk")
    )


def development_plan_of(employee):
    return (
        DevelopmentPlan.objects.filter(employee=employee)
        .select_related("employee__supervisor", "created_by__employee")
        .prefetch_related(
            "goals",
            Prefetch(
                "conversations",
                queryset=CareerConversation.objects.select_related("supervisor__employee"),
            ),
            Prefetch("courses", queryset=Course.objects.select_related("plan")),
        )
        .first()
    )


# --- Company reports (HR and the director) --------------------------------------------------


def completion_by_department(user, *, year: int) -> list[dict]:
    """For each operations department the user oversees (manage_training or
    view_department): attendance rate of held sessions, hours trained, required
    training done vs open. A fixed number of queries."""
    departments = list(
        Department.objects.filter(
            department_q(
                user, Authority.MANAGE_TRAINING, Authority.APPROVE_TRAINING_PLAN, field=""
            ),
            kind=Department.Kind.DEPARTMENT,
            is_active=True,
            is_partner=False,
        ).order_by("sort_order", "path")
    )
    if not departments:
        return []
    rows = {
        d.pk: {"department": d, "seats": 0, "attended": 0, "hours": Decimal("0")}
        for d in departments
    }
    by_path = sorted(departments, key=lambda d: len(d.path), reverse=True)

    def owner(path):
        for d in by_path:
            if path.startswith(d.path):
                return d.pk
        return None

    for row in (
        Enrolment.objects.filter(
            state=E.ENROLLED,
            session__state=Session.State.HELD,
            session__starts_at__year=year,
            session__department__in=Department.objects.filter(
                Q(*[Q(path__startswith=d.path) for d in departments], _connector=Q.OR)
            ),
        )
        .values("session__department__path")
        .annotate(
            seats=Count("pk"),
            present=Count("pk", filter=Q(attended=True)),
            hours=Coalesce(Sum("session__hours", filter=Q(attended=True)), ZERO_HOURS),
        )
    ):
        pk = owner(row["session__department__path"])
        if pk:
            rows[pk]["seats"] += row["seats"]
            rows[pk]["attended"] += row["present"]
            rows[pk]["hours"] += row["hours"]
    for row in (
        LearningRecord.objects.filter(completed_on__year=year)
        .values("department__path")
        .annotate(hours=Coalesce(Sum("hours"), ZERO_HOURS))
    ):
        pk = owner(row["department__path"])
        if pk:
            rows[pk]["hours"] += row["hours"]
    result = []
    for row in rows.values():
        row["rate"] = round(row["attended"] * 100 / row["seats"]) if row["seats"] else None
        result.append(row)
    return result


def assignment_counts(user) -> dict:
    today = timezone.localdate()
    return TrainingAssignment.objects.filter(policy.people_q(user)).aggregate(
        open=Count("pk", filter=Q(state=TrainingAssignment.State.OPEN)),
        overdue=Count("pk", filter=Q(state=TrainingAssignment.State.OPEN, due_on__lt=today)),
        done=Count("pk", filter=Q(state=TrainingAssignment.State.DONE)),
    )


def upcoming_sessions_for(user, *, days=14, limit=6):
    now = timezone.now()
    return list(
        session_list_for(user, state=Session.State.SCHEDULED).filter(
            starts_at__gte=now, starts_at__lte=now + dt.timedelta(days=days)
        )[:limit]
    )
