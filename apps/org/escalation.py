"""Nobody raises powers above their own (issue 10).

One question, asked by every write that hands out an authority (a post's authorities,
a position's defaults, a delegation, an assignment of oneself): which of the wanted
grants does the actor not hold themselves, everywhere the grant would reach? What is
left over (the "excess") is not written: it becomes a PowerRequest that a second
person holding those powers must approve. The superuser holds everything, so only the
superuser acts alone.

Reads the policy (apps.org.permissions.grants_of) and never writes."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from apps.org import permissions as policy
from apps.org.authorities import Authority, Scope
from apps.org.models import Assignment, Department, Post, PostAuthority


@dataclass(frozen=True)
class Wanted:
    """A grant a change would make: `authority` with `scope` from `department`.
    `department` None means "any department" (a position's default authority lands
    wherever the position is offered)."""

    authority: str
    scope: str
    department: Department | None

    def as_dict(self) -> dict:
        return {
            "authority": self.authority,
            "scope": self.scope,
            "department": self.department.pk if self.department else None,
        }

    def label(self) -> str:
        where = self.department.label if self.department else "*"
        return f"{Authority(self.authority).label} ({Scope(self.scope).label}, {where})"


def wanted_from_dicts(rows: Iterable[dict], departments: dict | None = None) -> list[Wanted]:
    rows = list(rows)
    if departments is None:
        departments = Department.objects.in_bulk({r["department"] for r in rows if r["department"]})
    return [Wanted(r["authority"], r["scope"], departments.get(r["department"])) for r in rows]


def _reach(wanted: Wanted, departments: list[Department]) -> list[Department]:
    """The departments a grant would reach."""
    if wanted.department is None or wanted.scope == Scope.COMPANY:
        return departments
    if wanted.scope == Scope.SUBTREE:
        return [d for d in departments if d.path.startswith(wanted.department.path)]
    return [d for d in departments if d.pk == wanted.department.pk]


def _all_departments() -> list[Department]:
    return list(Department.objects.only("pk", "path"))


def excess(user, wanted: Iterable[Wanted], *, departments=None, grants=None) -> list[Wanted]:
    """The wanted grants `user` does not hold everywhere they would reach.
    `departments` (every department) and `grants` (the user's) may be passed in by
    callers that ask for many users or requests at once."""
    wanted = list(wanted)
    if not wanted or getattr(user, "is_superuser", False):
        return []
    if not getattr(user, "is_active", False):
        return wanted
    grants = policy.grants_of(user) if grants is None else grants
    departments = _all_departments() if departments is None else departments
    return [
        w
        for w in wanted
        if not all(
            any(g.authority == w.authority and g.covers(d) for g in grants)
            for d in _reach(w, departments)
        )
    ]


def post_grants(post: Post) -> list[Wanted]:
    """What holding `post` gives."""
    return [
        Wanted(a, s, post.department)
        for a, s in PostAuthority.objects.filter(post=post).values_list("authority", "scope")
    ]


def holds_or_will_hold(user, post: Post) -> bool:
    """Does `user` sit in `post` today or from a later date (an assignment not ended)?"""
    today = timezone.localdate()
    return (
        Assignment.objects.filter(employee__user=user, post=post)
        .exclude(end_date__lt=today)
        .exists()
    )


def possible_approvers(wanted: list[Wanted], *, exclude=()) -> list:
    """Active people to tell about a request for `wanted`: the superusers and whoever
    holds every wanted grant through their posts today (the director, typically).
    The posts' grants of all candidates are read in one query."""
    authorities = {w.authority for w in wanted}
    rows = (
        PostAuthority.objects.filter(
            authority__in=authorities,
            post__assignments__in=Assignment.objects.active_on().filter(
                employee__is_active=True, employee__user__is_active=True
            ),
        )
        .values_list(
            "post__assignments__employee__user_id",
            "authority",
            "post__department_id",
            "post__department__path",
            "scope",
        )
        .distinct()
    )
    grants: dict[int, set] = {}
    for user_id, *grant in rows:
        grants.setdefault(user_id, set()).add(policy.Grant(*grant))
    departments = _all_departments()
    holders = [
        pk
        for pk, held in grants.items()
        if not excess(_ACTIVE, wanted, departments=departments, grants=held)
    ]
    return list(
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(pk__in=holders))
        .filter(is_active=True)
        .exclude(pk__in=[u.pk for u in exclude if u is not None])
    )


class _ActiveNobody:
    """Stands for a candidate whose grants are passed in (not a superuser, active)."""

    is_superuser = False
    is_active = True


_ACTIVE = _ActiveNobody()


# What a request's summary and its author's name read.
REQUEST_RELATED = (
    "requested_by__employee",
    "employee",
    "department",
    "position",
    "post__department",
    "post__position",
    "user__employee",
)


def may_decide(user, request, *, departments=None) -> bool:
    """May `user` approve or refuse `request` (a PowerRequest)? A second person who
    holds every power it asks for."""
    if departments is None:
        departments = _all_departments()
    return (
        request.state == request.State.PENDING
        and request.requested_by_id != getattr(user, "pk", None)
        and getattr(user, "is_active", False)
        and not excess(
            user,
            wanted_from_dicts(request.excess, {d.pk: d for d in departments}),
            departments=departments,
        )
    )


def power_requests_to_decide(user) -> list:
    """The pending requests `user` may decide, oldest first. Pending requests are few
    (each is a rise of powers); the holder check runs per row, in memory."""
    from apps.org.models import PowerRequest

    if not getattr(user, "is_authenticated", False):
        return []
    pending = (
        PowerRequest.objects.filter(state=PowerRequest.State.PENDING)
        .exclude(requested_by=user)
        .select_related(*REQUEST_RELATED)
        .order_by("created_at", "id")
    )
    departments = _all_departments()
    return [r for r in pending if may_decide(user, r, departments=departments)]


# Authorities over other people's work and careers. Appointing anyone (not only oneself)
# to a post carrying one of these that the actor lacks needs a second person.
GOVERNING_AUTHORITIES = frozenset(
    {
        Authority.APPROVE_CAMPAIGN,
        Authority.APPROVE_TRAINING_PLAN,
        Authority.APPRAISE,
        Authority.SUPERVISE,
        Authority.ASSIGN_WORK,
        Authority.RUN_APPRAISAL_CYCLE,
        Authority.MANAGE_ORG,
        Authority.VIEW_AUDIT_LOG,
    }
)


def may_see_power_requests(user) -> bool:
    """Whether the menu offers the requests page: to those who ask (org managers) and to
    those who may decide (the superuser; holders of governing powers beyond one
    department). Uses the request's cached grants: no query of its own."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or policy.can_manage_org(user):
        return True
    return any(
        g.authority in GOVERNING_AUTHORITIES and g.scope != Scope.DEPARTMENT
        for g in policy.grants_of(user)
    )
