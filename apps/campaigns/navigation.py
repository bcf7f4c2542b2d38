"""Menu entry and home panel of the campaigns app."""

from django.utils.translation import gettext_lazy as _

from apps.campaigns import permissions as policy
from apps.campaigns import selectors
from apps.core import home, navigation
from apps.org import permissions as org_policy
from apps.org.authorities import Authority


def _sees_campaigns(user) -> bool:
    return org_policy.has_authority(user, Authority.VIEW_DEPARTMENT) or policy.can_plan_anywhere(
        user
    )


navigation.register(
    navigation.NavItem(
        key="campaigns",
        label=_("Campaigns"),
        url_name="campaigns:list",
        icon="megaphone",
        order=30,
        visible=_sees_campaigns,
    )
)


def _panel(request):
    user = request.user
    awaiting = (
        list(selectors.awaiting_approval_for(user)[:8]) if policy.can_approve_anything(user) else []
    )
    mine = list(selectors.my_open_campaigns(user)[:8]) if policy.can_plan_anywhere(user) else []
    if (
        not awaiting
        and not mine
        and not (policy.can_approve_anything(user) or policy.can_plan_anywhere(user))
    ):
        return None
    return {"awaiting": awaiting, "mine": mine}


home.register(
    home.Panel(
        key="campaigns.mine",
        template="campaigns/_panel_home.html",
        context=_panel,
        order=30,
        width=6,
    )
)
