"""The content app's home panel for those who oversee departments (SPEC §7 role home
pages: managers and the director): the department's content output — items by state
and published per month — from content's own item_list_for (the items the user may
see); nothing is recomputed beyond grouping that queryset by state and month."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.content.models import ContentItem
from apps.content.selectors import item_list_for
from apps.core import home
from apps.org.authorities import Authority
from apps.org.permissions import has_authority

MONTHS = 6


def _oversees(user) -> bool:
    return has_authority(user, Authority.SUPERVISE)


def _content_output(request):
    user = request.user
    if not _oversees(user):
        return None
    items = item_list_for(user).order_by()
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    months = []
    cursor = first
    while cursor <= today:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    published = {
        timezone.localtime(row["month"]).date().replace(day=1) if row["month"] else None: row["n"]
        for row in items.filter(
            state=ContentItem.State.PUBLISHED,
            publication__published_at__date__gte=first,
        )
        .annotate(month=TruncMonth("publication__published_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    by_state = dict(items.values_list("state").annotate(n=Count("pk")))
    states = [
        {"state": value, "label": label, "count": by_state.get(value, 0)}
        for value, label in ContentItem.State.choices
        if value not in (ContentItem.State.ARCHIVED,)
    ]
    return {
        "states": states,
        "published_total": sum(published.values()),
        "chart": {
            "labels": [m.strftime("%Y-%m") for m in months],
            "published": [published.get(m, 0) for m in months],
        },
    }


home.register(
    home.Panel(
        key="content.output",
        template="content/_panel_output.html",
        context=_content_output,
        order=12,
        width=6,
    )
)
