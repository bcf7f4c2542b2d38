"""The core's own home panel: unread notifications are the first thing waiting for anyone."""

from apps.core import home
from apps.core.models import Notification


def _waiting_notifications(request):
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    return {"items": list(unread.order_by("-created_at")[:6])}


home.register(
    home.Panel(
        key="core.notifications",
        template="core/_panel_notifications.html",
        context=_waiting_notifications,
        order=5,
        width=6,
    )
)
