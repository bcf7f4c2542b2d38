"""Home panels that the role home pages (SPEC §7) need and no other app contributes:
the department's content output and campaigns by state with spend vs budget, for
managers and the director. Their numbers come from the owning apps' selectors
(content's item_list_for — the items the user may see — and campaigns' dashboard_for);
nothing is recomputed here beyond grouping content's own queryset by state and month."""

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

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
    from apps.content.models import ContentItem
    from apps.content.selectors import item_list_for

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


def _campaigns_overview(request):
    user = request.user
    if not _oversees(user):
        return None
    from apps.campaigns.selectors import dashboard_for

    data = dashboard_for(user)
    language = (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")
    return {
        "data": data,
        "chart": {
            "states": [str(s["label"]) for s in data["states"]],
            "counts": [s["count"] for s in data["states"]],
            "departments": [
                (row["department__name_en"] or row["department__name"])
                if language
                else row["department__name"]
                for row in data["money"]
            ],
            "budget": [float(row["budget"]) for row in data["money"]],
            "spent": [float(row["spent"]) for row in data["money"]],
        },
    }


home.register(
    home.Panel(
        key="training.role.content_output",
        template="training/_panel_content_output.html",
        context=_content_output,
        order=12,
        width=6,
    )
)
home.register(
    home.Panel(
        key="training.role.campaigns_overview",
        template="training/_panel_campaigns_overview.html",
        context=_campaigns_overview,
        order=31,
        width=6,
    )
)
