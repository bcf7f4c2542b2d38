"""Who holds an authority in a department today — for notifications (handlers of a new
complaint, partner staff of a task, managers on escalation). Constant query count."""

from django.contrib.auth import get_user_model

from apps.org.authorities import Scope
from apps.org.models import Assignment


def holders_by_department(authority: str, departments, *, nearest: bool = False) -> dict:
    """{department id: [User, …]} of people holding `authority` over each department.

    nearest=True keeps, per department, only the holders whose post sits closest to it
    (the department's own manager rather than the director above)."""
    departments = list(departments)
    if not departments:
        return {}
    rows = list(
        Assignment.objects.active_on()
        .filter(employee__is_active=True, post__authorities__authority=authority)
        .values_list(
            "employee__user_id",
            "post__department_id",
            "post__department__path",
            "post__authorities__scope",
        )
        .distinct()
    )
    result = {}
    user_ids = set()
    for department in departments:
        matches = []
        for user_id, dept_id, path, scope in rows:
            if (
                scope == Scope.COMPANY
                or (scope == Scope.SUBTREE and department.path.startswith(path))
                or dept_id == department.pk
            ):
                matches.append((len(path), user_id))
        if nearest and matches:
            closest = max(depth for depth, _ in matches)
            matches = [m for m in matches if m[0] == closest]
        result[department.pk] = sorted({user_id for _, user_id in matches})
        user_ids.update(result[department.pk])
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids, is_active=True)}
    return {dept_id: [users[pk] for pk in ids if pk in users] for dept_id, ids in result.items()}


def holders(authority: str, department, *, nearest: bool = False) -> list:
    return holders_by_department(authority, [department], nearest=nearest).get(department.pk, [])
