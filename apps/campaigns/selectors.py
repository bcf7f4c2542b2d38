"""Reads of campaigns, with their joins, filtered by the policy in SQL."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.campaigns import formulas
from apps.campaigns import permissions as policy
from apps.campaigns.models import (
    Approval,
    BudgetIncrease,
    BudgetLine,
    Campaign,
    LogEntry,
    MetricSnapshot,
    Target,
)
from apps.campaigns.search import search
from apps.org.authorities import Authority
from apps.org.permissions import department_q

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def campaign_list_for(
    user,
    *,
    department=None,
    state="",
    campaign_type=None,
    owner=None,
    date_from=None,
    date_to=None,
    text="",
):
    """Campaigns `user` may see, newest first, with what a list row shows (one query)."""
    campaigns = Campaign.objects.filter(policy.visible_q(user)).select_related(
        "department", "campaign_type", "owner__employee"
    )
    if department is not None:
        campaigns = campaigns.filter(department__path__startswith=department.path)
    if state:
        campaigns = campaigns.filter(state=state)
    if campaign_type is not None:
        campaigns = campaigns.filter(campaign_type=campaign_type)
    if owner is not None:
        campaigns = campaigns.filter(owner=owner)
    if date_from:
        campaigns = campaigns.filter(ends_on__gte=date_from)
    if date_to:
        campaigns = campaigns.filter(starts_on__lte=date_to)
    return search(campaigns, text).order_by("-starts_on", "-id")


def campaign_for_page(pk):
    """One campaign with everything its page shows, in a fixed number of queries."""
    lines = BudgetLine.objects.annotate(spent=Coalesce(Sum("spends__amount"), ZERO))
    return (
        Campaign.objects.select_related(
            "department", "campaign_type", "owner__employee", "copied_from"
        )
        .prefetch_related(
            "team__employee",
            "prizes",
            Prefetch("budget_lines", queryset=lines),
            "targets",
            "risks",
            "resources__position",
            "checklist__done_by__employee",
            Prefetch(
                "approvals",
                queryset=Approval.objects.select_related("decided_by__employee", "increase"),
            ),
            Prefetch(
                "budget_increases",
                queryset=BudgetIncrease.objects.select_related("requested_by__employee"),
            ),
        )
        .get(pk=pk)
    )


def log_entries_of(campaign):
    return (
        LogEntry.objects.filter(campaign=campaign)
        .select_related("author__employee")
        .prefetch_related("attachments")
        .order_by("-happened_on", "-id")
    )


def recent_spends_of(campaign, limit=20):
    return list(
        campaign.spends.select_related("budget_line", "recorded_by__employee").order_by(
            "-spent_on", "-id"
        )[:limit]
    )


def recent_distributions_of(campaign, limit=20):
    from apps.campaigns.models import PrizeDistribution

    return list(
        PrizeDistribution.objects.filter(prize__campaign=campaign)
        .select_related("prize", "recorded_by__employee")
        .order_by("-distributed_on", "-id")[:limit]
    )


def _sums():
    return {
        "impressions": Sum("impressions"),
        "clicks": Sum("clicks"),
        "conversions": Sum("conversions"),
        "new_followers": Sum("new_followers"),
        "cost": Sum("cost"),
    }


def metrics_by_channel(campaign) -> list[dict]:
    """Totals per channel with CTR and conversion rate (one query)."""
    from apps.campaigns.models import Channel

    labels = dict(Channel.choices)
    rows = list(
        MetricSnapshot.objects.filter(campaign=campaign)
        .values("channel")
        .annotate(**_sums())
        .order_by("channel")
    )
    for row in rows:
        row["label"] = labels.get(row["channel"], row["channel"])
        row["ctr"] = formulas.ctr(row["clicks"], row["impressions"])
        row["conversion_rate"] = formulas.conversion_rate(row["conversions"], row["clicks"])
    return rows


def metrics_over_time(campaign) -> list[dict]:
    """Daily totals across channels, for the chart (one query, at most one row a day)."""
    return list(
        MetricSnapshot.objects.filter(campaign=campaign)
        .values("taken_on")
        .annotate(**_sums())
        .order_by("taken_on")
    )


def close_out_of(campaign) -> dict:
    """The close-out figures: targets vs actual, cost vs budget, ROI."""
    targets = [
        {
            "target": t,
            "completion": formulas.completion_rate(t.actual_value, t.target_value),
            "met": t.met,
        }
        for t in campaign.targets.all()
    ]
    benefit = campaign.actual_benefit if campaign.actual_benefit is not None else None
    return {
        "targets": targets,
        "cost": campaign.spent_total,
        "budget": campaign.approved_budget,
        "budget_use": formulas.budget_use(campaign.spent_total, campaign.approved_budget),
        "benefit": benefit,
        "expected_roi": formulas.roi(campaign.expected_benefit, campaign.approved_budget),
        "roi": formulas.roi(benefit, campaign.spent_total),
    }


def calendar_for(user, first_day: dt.date, last_day: dt.date, department=None):
    """Campaigns running at some time in [first_day, last_day] (one query)."""
    campaigns = (
        Campaign.objects.filter(policy.visible_q(user))
        .filter(starts_on__lte=last_day, ends_on__gte=first_day)
        .exclude(state=Campaign.State.CANCELLED)
        .select_related("campaign_type", "department")
        .order_by("starts_on", "id")
    )
    if department is not None:
        campaigns = campaigns.filter(department__path__startswith=department.path)
    return list(campaigns[:500])


def dashboard_for(user, department=None) -> dict:
    """Aggregates for the department dashboard, all computed in SQL (three queries)."""
    campaigns = Campaign.objects.filter(department_q(user, Authority.VIEW_DEPARTMENT))
    if department is not None:
        campaigns = campaigns.filter(department__path__startswith=department.path)
    live = campaigns.exclude(state__in=[Campaign.State.CANCELLED])
    money = list(
        live.filter(approved_budget__gt=0)
        .values("department_id", "department__name", "department__name_en")
        .annotate(
            budget=Coalesce(Sum("approved_budget"), ZERO),
            spent=Coalesce(Sum("spent_total"), ZERO),
            count=Count("id"),
        )
        .order_by("department__name")
    )
    by_state = dict(campaigns.values_list("state").annotate(n=Count("id")).order_by())
    states = [
        {"state": value, "label": label, "count": by_state.get(value, 0)}
        for value, label in Campaign.State.choices
    ]
    targets = Target.objects.filter(
        campaign__in=campaigns.filter(state=Campaign.State.EVALUATED)
    ).aggregate(
        total=Count("id"),
        met=Count("id", filter=Q(actual_value__gte=F("target_value"))),
    )
    totals = {
        "budget": sum((row["budget"] for row in money), Decimal("0")),
        "spent": sum((row["spent"] for row in money), Decimal("0")),
    }
    return {
        "money": money,
        "states": states,
        "targets": targets,
        "targets_met_rate": formulas.completion_rate(targets["met"], targets["total"]),
        "totals": totals,
        "budget_use": formulas.budget_use(totals["spent"], totals["budget"]),
    }


def awaiting_approval_for(user):
    return (
        Campaign.objects.filter(policy.awaiting_q(user))
        .select_related("department", "owner__employee")
        .order_by("submitted_at", "id")
    )


def my_open_campaigns(user):
    """Campaigns `user` owns or is on the team of that still need work, soonest first."""
    on_team = Campaign.team.through.objects.filter(user_id=user.pk).values("campaign_id")
    return (
        Campaign.objects.filter(Q(owner=user) | Q(pk__in=on_team))
        .filter(state__in=Campaign.OPEN_STATES)
        .select_related("department")
        .annotate(
            logged_today=Count(
                "log_entries", filter=Q(log_entries__happened_on=timezone.localdate())
            )
        )
        .order_by("starts_on", "id")
    )
