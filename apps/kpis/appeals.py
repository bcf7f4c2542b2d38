"""Who rules on an appeal (申诉 → 裁决): the department's policy says (AppealRoute).

- manager (the default; SPEC §5): the department's manager investigates and rules; an
  employee holding 越级申诉权 may appeal over them to the director instead.
- manager_final (000 §9(四): 运营经理进行调查核实后，做出最终裁决): the manager rules and
  the ruling is final — no skip-level appeal.
- director (002: every post 有越级申诉权): the appeal goes over the manager to the
  director, the level above the department.

The ruling department is fixed when the appeal is filed (the policy's department, or
the level above it for a skip-level appeal) and whoever rules must hold 考核权 (appraise)
in that department itself: a post or delegation there, not a grant reaching it from
above — so the director does not rule where the manager's ruling is final, and a
group's lead does not rule over their department.
"""

from django.db.models import Q
from django.utils import timezone

from apps.org.authorities import Authority
from apps.org.models import Assignment, Department
from apps.org.permissions import grants_of

from .models import AppealRoute
from .policies import Resolver


def policy_department(form, resolver: Resolver | None = None) -> Department:
    """The department whose policy the form follows (its own when none has one)."""
    resolver = resolver or Resolver()
    owner = resolver.owner(form.department_id)
    return Department.objects.get(pk=owner) if owner else form.department


def route_of(form, resolver: Resolver | None = None) -> str:
    resolver = resolver or Resolver()
    return resolver.policy(form.department_id).appeal_route


def ruling_department(department: Department, *, route: str, skip_level: bool):
    """Where the appeal is ruled: the policy's department, or the level above it."""
    if route == AppealRoute.DIRECTOR or skip_level:
        return department.parent
    return department


def ruling_departments_of(user) -> set[int] | None:
    """The departments whose appeals `user` may rule (None: everywhere, the superuser):
    where they hold 考核权 in the department itself."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return {g.department_id for g in grants_of(user) if g.authority == Authority.APPRAISE}


def may_rule(user, appeal) -> bool:
    form = appeal.form
    if appeal.appellant_id == getattr(user, "pk", None) or form.employee.user_id == getattr(
        user, "pk", None
    ):
        return False
    ids = ruling_departments_of(user)
    if appeal.ruling_department_id is None:  # filed before routes existed
        from apps.org.permissions import has_authority

        target = form.department.parent if appeal.skip_level else form.department
        return target is not None and has_authority(user, Authority.APPRAISE, target)
    return ids is None or appeal.ruling_department_id in ids


def to_rule_q(user) -> Q:
    """Appeals `user` may rule, as a filter (for lists)."""
    ids = ruling_departments_of(user)
    if ids is None:
        return ~Q(pk__in=[])
    return Q(ruling_department_id__in=sorted(ids))


def rulers(appeal) -> list:
    """The users who may rule on `appeal` today (whom to notify): holders of a post with
    考核权 in its ruling department. One query."""
    if appeal.ruling_department_id is None:
        return []
    return [
        assignment.employee.user
        for assignment in Assignment.objects.active_on(timezone.localdate())
        .filter(
            post__department_id=appeal.ruling_department_id,
            post__authorities__authority=Authority.APPRAISE,
            employee__is_active=True,
        )
        .exclude(employee__user_id=appeal.appellant_id)
        .select_related("employee__user")
        .distinct()
    ]
