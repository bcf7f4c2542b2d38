"""The campaign app's home panel for those who oversee departments (SPEC §7 role home
pages: managers and the director): campaigns by state and spend against budget per
department, from campaigns' own dashboard_for."""

from apps.campaigns.selectors import dashboard_for
from apps.core import home
from apps.org.authorities import Authority
from apps.org.permissions import has_authority


def _oversees(user) -> bool:
    return has_authority(user, Authority.SUPERVISE)


def _campaigns_overview(request):
    user = request.user
    if not _oversees(user):
        return None
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
        key="campaigns.overview",
        template="campaigns/_panel_overview.html",
        context=_campaigns_overview,
        order=31,
        width=6,
    )
)
