"""Menu entries and home panels of the org app."""

from django.utils.translation import gettext_lazy as _

from apps.core import home, navigation
from apps.org import escalation, selectors
from apps.org import permissions as policy

navigation.register_group(navigation.NavGroup(key="org", label=_("Organisation"), icon="building"))
navigation.register(
    navigation.NavItem(key="home", label=_("Home"), url_name="home", icon="house", order=0)
)
navigation.register(
    navigation.NavItem(
        key="departments",
        group="org",
        label=_("Departments"),
        url_name="org:departments",
        icon="diagram-3",
        order=80,
    )
)
navigation.register(
    navigation.NavItem(
        key="people",
        group="org",
        label=_("People"),
        url_name="org:employees",
        icon="people",
        order=81,
    )
)
navigation.register(
    navigation.NavItem(
        key="positions",
        group="org",
        label=_("Positions"),
        url_name="org:positions",
        icon="person-badge",
        order=82,
    )
)
navigation.register(
    navigation.NavItem(
        key="power_requests",
        group="org",
        label=_("Requests for powers"),
        url_name="org:power_requests",
        icon="shield-lock",
        order=83,
        visible=escalation.may_see_power_requests,
    )
)
navigation.register(
    navigation.NavItem(
        key="audit",
        group="org",
        label=_("Audit log"),
        url_name="audit_log",
        icon="journal-text",
        order=90,
        visible=policy.can_view_audit_log,
    )
)


def _my_team(request):
    employee = getattr(request.user, "employee", None)
    if employee is None:
        return None
    reports = list(selectors.direct_reports(employee)[:12])
    return {
        "employee": employee,
        "reports": reports,
        "chain": selectors.supervisor_chain(employee, limit=3),
    }


home.register(
    home.Panel(
        key="org.my_team", template="org/_panel_my_team.html", context=_my_team, order=90, width=6
    )
)


def _org_upkeep(request):
    if not policy.can_manage_org(request.user):
        return None
    return {
        "ending": list(selectors.assignments_ending_soon()[:8]),
        "unplaced": list(selectors.employees_without_position()[:8]),
    }


home.register(
    home.Panel(
        key="org.upkeep", template="org/_panel_upkeep.html", context=_org_upkeep, order=85, width=6
    )
)
