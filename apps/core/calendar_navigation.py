"""The Working calendar's menu entry and its home-page warning, both for HR (holders of
the company-wide manage_org authority)."""

from django.utils.translation import gettext_lazy as _

from apps.core import home, navigation
from apps.core.calendar_overrides import can_manage_calendar
from apps.core.calendar_views import upcoming_uncovered_years

navigation.register(
    navigation.NavItem(
        key="working_calendar",
        group="org",
        label=_("Working calendar"),
        url_name="working_calendar",
        icon="calendar-week",
        order=86,
        visible=can_manage_calendar,
    )
)


def _coverage_warning(request):
    if not can_manage_calendar(request.user):
        return None
    years = upcoming_uncovered_years()
    return {"years": years} if years else None


home.register(
    home.Panel(
        key="core.calendar_coverage",
        template="core/_panel_calendar_coverage.html",
        context=_coverage_warning,
        order=4,
        width=12,
    )
)
