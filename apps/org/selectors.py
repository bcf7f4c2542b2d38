"""Reads of the organisation, with their joins, filtered by the policy in SQL."""

from django.db.models import Count, Prefetch, Q

from apps.org import permissions as policy
from apps.org.models import Assignment, Department, Employee, Position, Post, PostAuthority


def department_tree() -> list[Department]:
    """Every active department, in tree order, with today's headcount (people holding
    a post in the department itself). One query."""
    from django.utils import timezone

    today = timezone.localdate()
    current = Q(posts__assignments__start_date__lte=today) & (
        Q(posts__assignments__end_date__isnull=True) | Q(posts__assignments__end_date__gte=today)
    )
    return list(
        Department.objects.filter(is_active=True)
        .annotate(headcount=Count("posts__assignments__employee", filter=current, distinct=True))
        .order_by("path")
    )


def nest(departments: list[Department]) -> list[dict]:
    """Turn a path-ordered list into nested {"department", "children"} nodes."""
    nodes = {d.pk: {"department": d, "children": []} for d in departments}
    roots = []
    for d in departments:
        parent = nodes.get(d.parent_id)
        (parent["children"] if parent else roots).append(nodes[d.pk])
    for node in nodes.values():
        node["children"].sort(key=lambda n: (n["department"].sort_order, n["department"].pk))
    return roots


def department_members(department: Department):
    """Today's assignments in the department and its groups, with people and positions."""
    return (
        Assignment.objects.active_on()
        .filter(post__department__path__startswith=department.path)
        .select_related("employee", "employee__user", "post__position", "post__department")
        .order_by("post__department__path", "post__position__sort_order", "employee__employee_no")
    )


def users_holding(position_code: str, *, keep_pk: int | None = None):
    """Active users who hold a post of this position today, in any department (e.g.
    the designers a content item can name), plus `keep_pk`: the one already chosen,
    so an edit does not lose a choice whose holder has since moved on."""
    from django.contrib.auth import get_user_model

    holders = Assignment.objects.active_on().filter(post__position__code=position_code)
    holding = Q(is_active=True, employee__is_active=True, employee__in=holders.values("employee"))
    return (
        get_user_model()
        .objects.filter(holding | Q(pk=keep_pk) if keep_pk else holding)
        .select_related("employee")
        .order_by("employee__name", "username")
    )


def department_posts(department: Department):
    return (
        Post.objects.filter(department=department)
        .select_related("position")
        .prefetch_related(
            Prefetch("authorities", queryset=PostAuthority.objects.order_by("authority"))
        )
        .order_by("position__sort_order")
    )


def employee_list_for(user, *, search="", department=None, position=None):
    """The people directory: who `user` may see, filtered, with their primary post."""
    people = policy.visible_employees(user).filter(is_active=True)
    if search:
        people = people.filter(
            Q(name__icontains=search)
            | Q(employee_no__icontains=search)
            | Q(user__username__icontains=search)
            | Q(user__email__icontains=search)
        )
    current = Assignment.objects.active_on()
    if department is not None:
        people = people.filter(
            pk__in=current.filter(post__department__path__startswith=department.path).values(
                "employee_id"
            )
        )
    if position is not None:
        people = people.filter(pk__in=current.filter(post__position=position).values("employee_id"))
    return (
        people.select_related("user", "supervisor")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=current.select_related("post__department", "post__position").order_by(
                    "-is_primary", "start_date"
                ),
                to_attr="current_assignments",
            )
        )
        .order_by("employee_no")
    )


def employee_detail(pk: int) -> Employee:
    return Employee.objects.select_related("user", "supervisor__supervisor__supervisor").get(pk=pk)


def employee_history(employee: Employee):
    return employee.assignments.select_related("post__department", "post__position").order_by(
        "-start_date", "-id"
    )


def supervisor_chain(employee: Employee, limit: int = 10) -> list[Employee]:
    """Supervisor, their supervisor, … (a loop or a long chain stops at `limit`)."""
    chain, seen, current = [], {employee.pk}, employee.supervisor
    while current is not None and current.pk not in seen and len(chain) < limit:
        chain.append(current)
        seen.add(current.pk)
        current = (
            Employee.objects.select_related("supervisor").get(pk=current.supervisor_id)
            if current.supervisor_id
            else None
        )
    return chain


def direct_reports(employee: Employee):
    return employee.reports.filter(is_active=True).select_related("user").order_by("employee_no")


def position_list():
    return (
        Position.objects.filter(is_active=True)
        .annotate(post_count=Count("posts", distinct=True))
        .prefetch_related("default_authorities")
        .order_by("sort_order", "code")
    )


def position_posts(position: Position):
    return (
        Post.objects.filter(position=position, department__is_active=True)
        .select_related("department")
        .prefetch_related(
            Prefetch("authorities", queryset=PostAuthority.objects.order_by("authority"))
        )
        .order_by("department__path")
    )


def assignments_ending_soon(days: int = 30):
    """Open assignments that end within `days` (HR renews or closes them)."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return (
        Assignment.objects.filter(end_date__gte=today, end_date__lte=today + dt.timedelta(days))
        .select_related("employee", "post__department", "post__position")
        .order_by("end_date")
    )


def employees_without_position():
    """Active people who hold no post today."""
    current = Assignment.objects.active_on().values("employee_id")
    return Employee.objects.filter(is_active=True).exclude(pk__in=current).order_by("employee_no")
