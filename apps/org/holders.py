"""Who holds an authority in a department today: the one answer every app asks (the
people to notify, the names a picker offers, the approvers of an escalation).

A person holds `authority` over department D when, today, either
- they sit in a post (an assignment running today) whose PostAuthority grants it with
  scope company, subtree of an ancestor of D (or D itself), or department D; or
- they hold a delegation of it (a django-guardian grant on a Department) on D or an
  ancestor of D — a delegation reaches the department and its groups, as in
  apps.org.permissions.grants_of.

Only active users of active employees count. The superuser's "every authority
everywhere" (apps.org.permissions.has_authority) is a right to act, not a duty to be
told: holders are people who hold the authority through a post or a delegation.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.db.models.lookups import StartsWith
from guardian.models import UserObjectPermission

from apps.org.authorities import Scope
from apps.org.models import Assignment, Department


def _covering_posts(authority: str, department: Department):
    """Assignments running today whose post grants `authority` over `department`."""
    return Assignment.objects.active_on().filter(
        Q(post__authorities__scope=Scope.COMPANY)
        | Q(
            StartsWith(Value(department.path), F("post__department__path")),
            post__authorities__scope=Scope.SUBTREE,
        )
        | Q(post__department_id=department.pk),
        employee__is_active=True,
        post__authorities__authority=authority,
    )


def _delegations(authority: str):
    """Delegations of `authority` (guardian grants on Departments), with the delegated
    department's path alongside (object_pk is text in guardian's table)."""
    department_path = Department.objects.filter(
        pk=Cast(OuterRef("object_pk"), IntegerField())
    ).values("path")[:1]
    return UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Department),
        permission__codename=authority,
        user__is_active=True,
    ).annotate(department_path=department_path)


def holders_of(authority: str, department: Department):
    """QuerySet of the active users holding `authority` over `department` today, through
    a post or a delegation (see the module docstring). One query when evaluated."""
    posts = _covering_posts(authority, department).filter(employee__user=OuterRef("pk"))
    delegated = _delegations(authority).filter(
        StartsWith(Value(department.path), F("department_path")), user=OuterRef("pk")
    )
    return (
        get_user_model()
        .objects.filter(Q(Exists(posts)) | Q(Exists(delegated)), is_active=True)
        .order_by("pk")
    )


def holders_by_department(authority: str, departments, *, nearest: bool = False) -> dict:
    """{department id: [User, …]} of the holders of `authority` over each of
    `departments` (ordered by user id) — two queries however many departments.

    nearest=True keeps, per department, only the holders whose post or delegation sits
    closest to it (the department's own manager rather than the director above it)."""
    departments = list(departments)
    if not departments:
        return {}
    posts = (
        Assignment.objects.active_on()
        .filter(employee__is_active=True, post__authorities__authority=authority)
        .values_list(
            "employee__user_id",
            "post__department_id",
            "post__department__path",
            "post__authorities__scope",
        )
        .order_by()
    )
    delegated = (
        _delegations(authority)
        .annotate(
            department_id=Cast("object_pk", IntegerField()),
            grant_scope=Value(Scope.SUBTREE),
        )
        .values_list("user_id", "department_id", "department_path", "grant_scope")
        .order_by()
    )
    rows = set(posts.union(delegated))
    result, user_ids = {}, set()
    for department in departments:
        matches = [
            (len(path), user_id)
            for user_id, dept_id, path, scope in rows
            if path is not None
            and (
                scope == Scope.COMPANY
                or (scope == Scope.SUBTREE and department.path.startswith(path))
                or dept_id == department.pk
            )
        ]
        if nearest and matches:
            closest = max(depth for depth, _ in matches)
            matches = [m for m in matches if m[0] == closest]
        result[department.pk] = sorted({user_id for _, user_id in matches})
        user_ids.update(result[department.pk])
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids, is_active=True)}
    return {dept_id: [users[pk] for pk in ids if pk in users] for dept_id, ids in result.items()}


def holders(authority: str, department: Department, *, nearest: bool = False) -> list:
    """The holders of `authority` over one department, as a list (see
    holders_by_department for `nearest`)."""
    return holders_by_department(authority, [department], nearest=nearest).get(department.pk, [])
