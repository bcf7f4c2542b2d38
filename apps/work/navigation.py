"""Menu entries of the work app, shown by the policy."""

from django.utils.translation import gettext_lazy as _

from apps.core import navigation
from apps.org import permissions as org_policy
from apps.work import permissions as policy


def _sees_suggestions(user) -> bool:
    """No query (the grants are cached on the user): every page draws the menu. A
    supervisor without either authority reaches a suggestion from its notification."""
    return policy.can_suggest_anywhere(user) or org_policy.has_authority(user, policy.A.SUPERVISE)


def _sees_coordination(user) -> bool:
    return policy.can_open_any_request(user) or any(
        org_policy.has_authority(user, a) for a in policy.ANSWERING_AUTHORITIES
    )


def _sees_bookings(user) -> bool:
    return org_policy.has_authority(user, policy.A.CHANNEL_RESOURCES) or org_policy.has_authority(
        user, policy.A.VIEW_DEPARTMENT
    )


navigation.register_group(navigation.NavGroup(key="work", label=_("Work"), icon="briefcase"))
navigation.register(
    navigation.NavItem(
        key="suggestions",
        group="work",
        label=_("Suggestions"),
        url_name="work:suggestions",
        icon="lightbulb",
        order=70,
        visible=_sees_suggestions,
    )
)
navigation.register(
    navigation.NavItem(
        key="coordination",
        group="work",
        label=_("Coordination requests"),
        url_name="work:coordination",
        icon="arrow-left-right",
        order=71,
        visible=_sees_coordination,
    )
)
navigation.register(
    navigation.NavItem(
        key="channel_bookings",
        group="work",
        label=_("Channel bookings"),
        url_name="work:bookings",
        icon="calendar-week",
        order=72,
        visible=_sees_bookings,
    )
)
