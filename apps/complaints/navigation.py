"""Menu entries and home panels of the complaints app."""

from django.utils.translation import gettext_lazy as _

from apps.complaints import permissions as policy
from apps.complaints import selectors
from apps.core import home, navigation
from apps.org.authorities import Authority
from apps.org.permissions import has_authority

navigation.register_group(
    navigation.NavGroup(key="complaints", label=_("Complaints"), icon="chat-left-text")
)
navigation.register(
    navigation.NavItem(
        key="complaints",
        group="complaints",
        label=_("Complaints"),
        url_name="complaints:list",
        icon="chat-square-text",
        order=40,
        visible=policy.can_view_reports,
    )
)
navigation.register(
    navigation.NavItem(
        key="complaint_tasks",
        group="complaints",
        label=_("Tasks for my department"),
        url_name="complaints:department_tasks",
        icon="list-check",
        order=41,
        visible=policy.has_department_tasks,
    )
)
navigation.register(
    navigation.NavItem(
        key="complaint_reports",
        group="complaints",
        label=_("Complaint reports"),
        url_name="complaints:reports",
        icon="bar-chart",
        order=42,
        visible=policy.can_view_reports,
    )
)


def _my_complaints(request):
    user = request.user
    if not policy.can_handle_anywhere(user):
        return None
    return {
        "mine": selectors.my_open_complaints(user),
        "unaccepted": selectors.unaccepted_for(user),
    }


def _department_tasks(request):
    if not policy.has_department_tasks(request.user):
        return None
    return {"tasks": list(selectors.department_tasks_for(request.user)[:8])}


def _sla(request):
    user = request.user
    if not has_authority(user, Authority.SUPERVISE):
        return None
    import datetime as dt

    from django.utils import timezone

    from apps.org.permissions import departments_where

    departments = list(departments_where(user, Authority.SUPERVISE))
    start = timezone.now() - dt.timedelta(days=30)
    return {
        "stats": selectors.complaint_stats(departments=departments, start=start),
        "overdue": selectors.complaint_list_for(user, overdue=True).count(),
    }


home.register(
    home.Panel(
        key="complaints.mine",
        template="complaints/_panel_mine.html",
        context=_my_complaints,
        order=20,
    )
)
home.register(
    home.Panel(
        key="complaints.department_tasks",
        template="complaints/_panel_tasks.html",
        context=_department_tasks,
        order=21,
    )
)
home.register(
    home.Panel(key="complaints.sla", template="complaints/_panel_sla.html", context=_sla, order=22)
)
