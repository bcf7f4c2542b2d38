"""Menu entries and home panels of the content app."""

from django.utils.translation import gettext_lazy as _

from apps.content import selectors
from apps.core import home, navigation
from apps.org import permissions as org_policy
from apps.org.authorities import Authority


def _is_author(user) -> bool:
    return org_policy.has_authority(user, Authority.CREATE_CONTENT)


def _is_reviewer(user) -> bool:
    return org_policy.has_authority(user, Authority.REVIEW_CONTENT) or _is_author(user)


navigation.register_group(
    navigation.NavGroup(key="content", label=_("Content"), icon="file-earmark-text")
)
navigation.register(
    navigation.NavItem(
        key="content",
        group="content",
        label=_("My content"),
        url_name="content:my_items",
        icon="file-text",
        order=10,
        visible=_is_author,
    )
)
navigation.register(
    navigation.NavItem(
        key="content_review",
        label=_("Review"),
        url_name="content:queue",
        icon="check2-square",
        order=11,
        visible=_is_reviewer,
        badge=selectors.review_queue_count,
    )
)
navigation.register(
    navigation.NavItem(
        key="content_calendar",
        group="content",
        label=_("Content calendar"),
        url_name="content:calendar",
        icon="calendar3",
        order=12,
        visible=lambda user: user.is_authenticated,
    )
)


def _review_panel(request):
    user = request.user
    if not _is_reviewer(user):
        return None
    queue = selectors.review_queue_for(user)
    count = queue.count()
    if not count and not org_policy.has_authority(user, Authority.REVIEW_CONTENT):
        return None
    from django.utils import timezone

    return {
        "count": count,
        "overdue": queue.filter(step_due_at__lt=timezone.now()).count(),
        "items": list(queue[:6]),
    }


def _my_items_panel(request):
    user = request.user
    if not _is_author(user):
        return None
    return {"items": list(selectors.my_open_items(user)[:6])}


home.register(
    home.Panel(
        key="content.review",
        template="content/_panel_review.html",
        context=_review_panel,
        order=10,
        width=6,
    )
)
home.register(
    home.Panel(
        key="content.mine",
        template="content/_panel_mine.html",
        context=_my_items_panel,
        order=11,
        width=6,
    )
)
