from django.conf import settings

from apps.core import navigation
from apps.core.notifications import unread_count


def shell(request):
    """What the base layout needs on every page: the menu, unread count, languages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0, "LANGUAGE_CHOICES": settings.LANGUAGES}
    return {
        "nav_items": navigation.items_for(user),
        "unread_notifications": unread_count(user),
        "LANGUAGE_CHOICES": settings.LANGUAGES,
    }
