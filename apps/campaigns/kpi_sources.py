"""The campaign app's sources of automatic KPI actuals (apps.kpis.sources), registered
when this module is imported (CampaignsConfig.ready). No per-owner selector in
apps.campaigns fits, so each source runs one aggregate query over campaigns' models."""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from apps.campaigns.models import MetricSnapshot, Target
from apps.kpis.sources import by_user, register, users_of

# --- campaigns (no per-owner selector in apps.campaigns: one aggregate query) ---------


@register("campaigns.participants", _("Campaign participants (conversions)"))
def campaign_participants(employee_ids, start, end):
    users = users_of(employee_ids)
    rows = (
        MetricSnapshot.objects.filter(
            campaign__owner_id__in=users, taken_on__gte=start, taken_on__lte=end
        )
        .values("campaign__owner_id")
        .annotate(n=Sum("conversions"))
        .values_list("campaign__owner_id", "n")
    )
    return by_user(rows, users)


@register("campaigns.targets_met_pct", _("Campaign targets met (%)"))
def campaign_targets_met(employee_ids, start, end):
    users = users_of(employee_ids)
    rows = (
        Target.objects.filter(
            campaign__owner_id__in=users,
            campaign__ends_on__gte=start,
            campaign__ends_on__lte=end,
            actual_value__isnull=False,
        )
        .values("campaign__owner_id")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(actual_value__gte=F("target_value"))))
        .values_list("campaign__owner_id", "met", "n")
    )
    return {
        users[owner]: (Decimal(met) * 100 / Decimal(n)).quantize(Decimal("0.01"))
        for owner, met, n in rows
        if owner in users and n
    }
