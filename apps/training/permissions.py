"""The training policy, built on apps.org.permissions. Pages, the API, tasks and
services ask this module who may see and do what.

- plans: drafted and edited by manage_training in the department; approved or returned
  by approve_training_plan there — never by the plan's author; seen by those two and by
  anyone with the 知情权 (view_department) there;
- sessions: run (scheduled, attendance, results) by manage_training in their department;
  seen by the department, the audience and whoever is enrolled;
- enrolment: a person enrols themself; their supervisor, or manage_training in their
  department, may assign them;
- development plans: kept by the supervisor or manage_training over the person's
  department; seen by the person too. Career conversations: the supervisor records them.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDenied
from apps.org import permissions as org_policy
from apps.org.authorities import Authority
from apps.org.models import Assignment, Department

A = Authority


def require(allowed: bool, message=None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this with this training."))


def employee_of(user):
    return getattr(user, "employee", None) if getattr(user, "is_authenticated", False) else None


def home_departments(employee_ids) -> dict[int, Department]:
    """Each person's department: that of their primary post today (any post if none is
    primary). One query for any number of people."""
    assignments = (
        Assignment.objects.active_on()
        .filter(employee_id__in=list(employee_ids))
        .select_related("post__department")
        .order_by("employee_id", "-is_primary", "-start_date")
    )
    homes: dict[int, Department] = {}
    for assignment in assignments:
        homes.setdefault(assignment.employee_id, assignment.post.department)
    return homes


def home_department(employee) -> Department | None:
    return home_departments([employee.pk]).get(employee.pk)


# --- Plans ---------------------------------------------------------------------------


def can_manage_in(user, department) -> bool:
    return org_policy.has_authority(user, A.MANAGE_TRAINING, department)


def can_manage_anywhere(user) -> bool:
    return org_policy.has_authority(user, A.MANAGE_TRAINING)


def can_approve_anywhere(user) -> bool:
    return org_policy.has_authority(user, A.APPROVE_TRAINING_PLAN)


def plan_visible_q(user) -> Q:
    return org_policy.department_q(
        user, A.VIEW_DEPARTMENT, A.MANAGE_TRAINING, A.APPROVE_TRAINING_PLAN
    )


def can_view_plan(user, plan) -> bool:
    return any(
        org_policy.has_authority(user, a, plan.department)
        for a in (A.VIEW_DEPARTMENT, A.MANAGE_TRAINING, A.APPROVE_TRAINING_PLAN)
    )


def can_edit_plan(user, plan) -> bool:
    return plan.is_editable and can_manage_in(user, plan.department)


def can_decide_plan(user, plan) -> bool:
    return (
        plan.state == plan.State.SUBMITTED
        and plan.author_id != getattr(user, "pk", None)
        and org_policy.has_authority(user, A.APPROVE_TRAINING_PLAN, plan.department)
    )


def awaiting_approval_q(user) -> Q:
    return (
        Q(state="submitted")
        & org_policy.department_q(user, A.APPROVE_TRAINING_PLAN)
        & ~Q(author_id=getattr(user, "pk", None))
    )


# --- Sessions ---------------------------------------------------------------------------


def session_visible_q(user) -> Q:
    """Sessions of departments the user sees or runs training in, sessions of courses
    aimed at them (by position or by name), and sessions they are enrolled in."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    from apps.training.models import Course, Enrolment

    condition = org_policy.department_q(user, A.VIEW_DEPARTMENT, A.MANAGE_TRAINING)
    employee = employee_of(user)
    if employee is None:
        return condition
    positions = Assignment.objects.active_on().filter(employee=employee).values("post__position")
    aimed = Course.objects.filter(pk=OuterRef("course_id")).filter(
        Q(audience_people=employee) | Q(audience_positions__in=positions)
    )
    mine = Enrolment.objects.filter(session_id=OuterRef("pk"), employee=employee)
    return condition | Q(Exists(aimed)) | Q(Exists(mine))


def can_view_session(user, session) -> bool:
    from apps.training.models import Session

    if can_manage_in(user, session.department) or org_policy.has_authority(
        user, A.VIEW_DEPARTMENT, session.department
    ):
        return True
    return Session.objects.filter(session_visible_q(user), pk=session.pk).exists()


def can_run_session(user, session) -> bool:
    return can_manage_in(user, session.department)


def can_assign(user, employee) -> bool:
    """The person's supervisor, or manage_training over their department."""
    if employee.supervisor_id and employee.supervisor.user_id == getattr(user, "pk", None):
        return True
    department = home_department(employee)
    return department is not None and can_manage_in(user, department)


def can_enrol(user, employee, session) -> bool:
    if employee.user_id == getattr(user, "pk", None):
        return can_view_session(user, session)
    return can_assign(user, employee)


# --- People's training and development ---------------------------------------------------


def is_supervisor_of(user, employee) -> bool:
    return bool(employee.supervisor_id and employee.supervisor.user_id == getattr(user, "pk", None))


def can_keep_development(user, employee) -> bool:
    """Write the person's development plan: their supervisor, or manage_training over
    their department (the manager, HR). Never the person alone."""
    return can_assign(user, employee)


def can_view_development(user, employee) -> bool:
    return employee.user_id == getattr(user, "pk", None) or can_keep_development(user, employee)


def can_view_training_of(user, employee) -> bool:
    if can_view_development(user, employee):
        return True
    department = home_department(employee)
    return department is not None and org_policy.has_authority(user, A.APPRAISE, department)


def people_q(user, field="employee") -> Q:
    """Rows about people whose training `user` may see, in SQL: their own, their direct
    reports', and everyone's in departments where they manage training."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return org_policy.EVERYWHERE.q()
    in_managed = Assignment.objects.active_on().filter(
        org_policy.department_q(user, A.MANAGE_TRAINING, field="post__department"),
        employee=OuterRef(f"{field}_id" if field else "pk"),
    )
    prefix = f"{field}__" if field else ""
    return (
        Q(**{f"{prefix}user": user})
        | Q(**{f"{prefix}supervisor__user": user})
        | Q(Exists(in_managed))
    )
