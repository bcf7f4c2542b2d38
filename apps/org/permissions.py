"""The org policy: who holds which authority where, and which people and departments
a user may see. Every app asks this module (never position names or is_superuser in
views); it is also the one place that reads django-guardian.

Authorities come from two sources:
- the posts a user holds today (PostAuthority rows, scoped department / subtree /
  company), and
- delegations: object-level grants on a Department held by django-guardian, for a
  person who acts in a department without holding a post there (e.g. a stand-in
  manager). A delegation reaches the department and its groups.

The superuser holds every authority everywhere: that rule lives here and nowhere else.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from apps.core.errors import PermissionDenied
from apps.org.authorities import Authority, Scope
from apps.org.models import Assignment, Department, Employee, PostAuthority

_CACHE_ATTR = "_org_grants"


@dataclass(frozen=True)
class Grant:
    authority: str
    department_id: int
    path: str
    scope: str

    def covers(self, department: Department) -> bool:
        if self.scope == Scope.COMPANY:
            return True
        if self.scope == Scope.SUBTREE:
            return department.path.startswith(self.path)
        return department.pk == self.department_id


def grants_of(user) -> tuple[Grant, ...]:
    """Every grant the user holds today. Two queries, cached on the user object for
    the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    active = Assignment.objects.active_on(today).filter(
        employee__user=user, employee__is_active=True
    )
    rows = PostAuthority.objects.filter(post__assignments__in=active).values_list(
        "authority", "post__department_id", "post__department__path", "scope"
    )
    grants = {Grant(*row) for row in rows}
    delegated = UserObjectPermission.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(Department)
    ).values_list("permission__codename", "object_pk")
    delegated = list(delegated)
    if delegated:
        paths = dict(
            Department.objects.filter(pk__in={int(pk) for _, pk in delegated}).values_list(
                "pk", "path"
            )
        )
        for codename, pk in delegated:
            if int(pk) in paths and codename in Authority.values:
                grants.add(Grant(codename, int(pk), paths[int(pk)], Scope.SUBTREE))
    result = tuple(grants)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_grants(user) -> None:
    """Drop the cached grants (after the user's assignments or delegations change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def has_authority(user, authority: str, department: Department | None = None) -> bool:
    """May `user` exercise `authority` in `department` (anywhere, when None)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for grant in grants_of(user):
        if grant.authority == authority and (department is None or grant.covers(department)):
            return True
    return False


def require_authority(user, authority: str, department: Department | None = None) -> None:
    if not has_authority(user, authority, department):
        label = Authority(authority).label
        if department is None:
            raise PermissionDenied(_("You need the authority “%(a)s”.") % {"a": label})
        raise PermissionDenied(
            _("You need the authority “%(a)s” in %(d)s.") % {"a": label, "d": department.label}
        )


@dataclass(frozen=True)
class DepartmentScope:
    """Where a user holds some authorities: everywhere, or a set of departments and
    subtrees. The one representation of "which departments" that lists filter with.

    "Everywhere" is explicit on purpose: an empty `Q()` used to stand for it, and Django
    drops an empty `Q()` from `|`, so `everywhere | own rows` silently became `own rows`.
    """

    everywhere: bool = False
    department_ids: frozenset[int] = frozenset()
    subtree_paths: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.everywhere or self.department_ids or self.subtree_paths)

    def __or__(self, other: "DepartmentScope") -> "DepartmentScope":
        if self.everywhere or other.everywhere:
            return EVERYWHERE
        return DepartmentScope(
            department_ids=self.department_ids | other.department_ids,
            subtree_paths=self.subtree_paths | other.subtree_paths,
        )

    def covers(self, department: Department) -> bool:
        if self.everywhere or department.pk in self.department_ids:
            return True
        return any(department.path.startswith(path) for path in self.subtree_paths)

    def q(self, field: str = "department") -> Q:
        """A filter on rows whose `field` (a path to a Department FK, or "" for Department
        itself) lies in this scope. Safe to combine with `|` and `&`."""
        if self.everywhere:
            # Always true, and Django compiles it away (a "full result"), also inside `|`.
            return ~Q(pk__in=[])
        prefix = f"{field}__" if field else ""
        condition = Q(pk__in=[])
        if self.department_ids:
            condition |= Q(**{f"{prefix}pk__in": sorted(self.department_ids)})
        for path in sorted(self.subtree_paths):
            condition |= Q(**{f"{prefix}path__startswith": path})
        return condition


NOWHERE = DepartmentScope()
EVERYWHERE = DepartmentScope(everywhere=True)


def scope_of(user, *authorities: str) -> DepartmentScope:
    """The departments where `user` holds any of `authorities` today (posts and
    delegations; the superuser everywhere)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOWHERE
    if user.is_superuser:
        return EVERYWHERE
    wanted = set(authorities)
    ids, paths = set(), set()
    for grant in grants_of(user):
        if grant.authority not in wanted:
            continue
        if grant.scope == Scope.COMPANY:
            return EVERYWHERE
        if grant.scope == Scope.SUBTREE:
            paths.add(grant.path)
        else:
            ids.add(grant.department_id)
    return DepartmentScope(department_ids=frozenset(ids), subtree_paths=frozenset(paths))


def department_q(user, *authorities: str, field: str = "department") -> Q:
    """The scope helper every list uses: rows whose `field` (a Department FK path, or ""
    for Department itself) lies where `user` holds any of `authorities`. Combine it with
    other conditions freely (`|`, `&`): "everywhere" is an explicit always-true filter."""
    return scope_of(user, *authorities).q(field)


def departments_where(user, *authorities: str):
    return Department.objects.filter(department_q(user, *authorities, field=""))


# --- People -----------------------------------------------------------------------


def employee_visibility_q(user) -> Q:
    """Employees `user` may see: themselves, their direct reports, and everyone holding
    a post today in a department where they have the 知情权 (view_department)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return ~Q(pk__in=[])  # every row; see DepartmentScope.q
    in_visible_department = Assignment.objects.active_on().filter(
        department_q(user, Authority.VIEW_DEPARTMENT, field="post__department"),
        employee=OuterRef("pk"),
    )
    return Q(user=user) | Q(supervisor__user=user) | Q(Exists(in_visible_department))


def visible_employees(user):
    return Employee.objects.filter(employee_visibility_q(user))


def can_view_employee(user, employee: Employee) -> bool:
    if getattr(user, "pk", None) == employee.user_id:
        return True
    return visible_employees(user).filter(pk=employee.pk).exists()


def can_view_department(user, department: Department) -> bool:
    return has_authority(user, Authority.VIEW_DEPARTMENT, department)


def can_manage_org(user, department: Department | None = None) -> bool:
    return has_authority(user, Authority.MANAGE_ORG, department)


def can_view_audit_log(user) -> bool:
    """The audit log spans every department, so it takes a company-wide grant."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        g.authority == Authority.VIEW_AUDIT_LOG and g.scope == Scope.COMPANY
        for g in grants_of(user)
    )


def can_manage_calendar(user) -> bool:
    """The working calendar is company-wide (every deadline and SLA counts on it), so
    overriding it takes a company-wide grant to manage the organisation. Core asks this
    through apps.core.permission_hooks (registered in OrgConfig.ready)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(
        g.authority == Authority.MANAGE_ORG and g.scope == Scope.COMPANY for g in grants_of(user)
    )


# --- Delegations (django-guardian) ------------------------------------------------


def delegation_grant_row(user, authority: str, department: Department) -> None:
    from guardian.shortcuts import assign_perm

    assign_perm(f"org.{authority}", user, department)
    forget_grants(user)


def delegation_revoke_row(user, authority: str, department: Department) -> None:
    from guardian.shortcuts import remove_perm

    remove_perm(f"org.{authority}", user, department)
    forget_grants(user)


def delegations_in(department: Department):
    return (
        UserObjectPermission.objects.filter(
            content_type=ContentType.objects.get_for_model(Department),
            object_pk=str(department.pk),
        )
        .select_related("user", "user__employee", "permission")
        .order_by("user__username", "permission__codename")
    )
