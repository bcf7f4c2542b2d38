"""Reads of complaints: lists for a user (filtered by the policy in SQL), the detail page,
the department's coordination tasks, and the figures reused by reports and KPIs.

Figures for reports and the KPI app (documented signatures):

- complaint_stats(*, departments=None, start=None, end=None) -> dict
    departments: an iterable of Department (or ids) or None for all; start/end: aware
    datetimes bounding `received_at` (start inclusive, end exclusive), None = open-ended.
    Returns {"total", "accepted", "resolved", "closed", "reopened", "reopen_rate",
    "accept_hours": {"median", "p90"}, "resolve_hours": {"median", "p90"} (wall-clock hours
    from receipt to acceptance / first resolution), "accept_sla_pct", "resolve_sla_pct",
    "sla_compliance_pct" (both clocks met, over complaints where both were decided),
    "satisfaction": {1..5: count}, "satisfaction_avg", "satisfied_pct" (4–5 of rated),
    "reply_rate_pct" (complaints with ≥1 public reply, over accepted)}.
- complaint_volume(*, departments=None, start=None, end=None, by="category"|"channel",
    period="week"|"month"|"day") -> list of {"period": date, "key": str, "label": str, "n": int}
"""

import datetime as dt
import statistics

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from apps.complaints import permissions as policy
from apps.complaints import sla
from apps.complaints.models import (
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintMessage,
    CoordinationTask,
)

S = Complaint.State


def complaint_list_for(
    user,
    *,
    state="",
    category="",
    severity="",
    channel="",
    overdue=False,
    owner="",
    department="",
    search="",
):
    complaints = Complaint.objects.filter(policy.complaint_visibility_q(user))
    if state:
        complaints = complaints.filter(state=state)
    if category:
        complaints = complaints.filter(category_id=category)
    if severity:
        complaints = complaints.filter(severity=severity)
    if channel:
        complaints = complaints.filter(channel=channel)
    if department:
        complaints = complaints.filter(department_id=department)
    if owner == "me":
        complaints = complaints.filter(owner=user)
    elif owner == "none":
        complaints = complaints.filter(owner__isnull=True)
    elif owner:
        complaints = complaints.filter(owner_id=owner)
    if overdue:
        complaints = complaints.filter(sla.overdue_q(timezone.now()))
    if search:
        complaints = complaints.filter(
            Q(code__iexact=search.strip()) | Q(description__icontains=search)
        )
    open_tasks = CoordinationTask.objects.filter(
        complaint=OuterRef("pk"), state=CoordinationTask.State.OPEN
    )
    return (
        complaints.select_related("category", "department", "owner", "owner__employee")
        .annotate(has_open_tasks=Exists(open_tasks))
        .order_by("-received_at", "-id")
    )


def my_open_complaints(user, limit=8):
    """The owner's open complaints, most urgent first (time left)."""
    return list(
        Complaint.objects.filter(
            owner=user, state__in=Complaint.RESOLVE_CLOCK_STATES + (S.WAITING,)
        )
        .select_related("category", "department")
        .order_by("resolve_due_at")[:limit]
    )


def unaccepted_for(user, limit=8):
    from apps.org.authorities import Authority
    from apps.org.permissions import department_q

    return list(
        Complaint.objects.filter(department_q(user, Authority.HANDLE_COMPLAINT), state=S.NEW)
        .select_related("category", "department")
        .order_by("accept_due_at")[:limit]
    )


def complaint_detail(pk) -> Complaint:
    return Complaint.objects.select_related(
        "category", "department", "owner", "owner__employee", "created_by", "merged_into"
    ).get(pk=pk)


def messages_of(complaint, *, public_only=False):
    messages = complaint.messages.select_related("author", "author__employee")
    if public_only:
        messages = messages.filter(kind__in=ComplaintMessage.PUBLIC_KINDS)
    return messages.order_by("created_at", "pk")


def tasks_of(complaint):
    return complaint.tasks.select_related("department", "created_by", "closed_by").order_by(
        "state", "due_date", "pk"
    )


def department_tasks_for(user, *, state=CoordinationTask.State.OPEN):
    tasks = CoordinationTask.objects.filter(policy.task_visibility_q(user))
    if state:
        tasks = tasks.filter(state=state)
    return tasks.select_related(
        "complaint", "complaint__category", "department", "created_by", "created_by__employee"
    ).order_by("due_date", "pk")


def reply_templates_for(complaint):
    from apps.complaints.models import ReplyTemplate

    return ReplyTemplate.objects.filter(
        Q(category__isnull=True) | Q(category_id=complaint.category_id), is_active=True
    ).order_by("category_id", "title")


# --- Figures --------------------------------------------------------------------------


def _scoped(departments=None, start=None, end=None):
    complaints = Complaint.objects.exclude(state=S.MERGED)
    if departments is not None:
        ids = [getattr(d, "pk", d) for d in departments]
        complaints = complaints.filter(department_id__in=ids)
    if start is not None:
        complaints = complaints.filter(received_at__gte=start)
    if end is not None:
        complaints = complaints.filter(received_at__lt=end)
    return complaints


def _percentiles_python(values: list[float]) -> dict:
    if not values:
        return {"median": None, "p90": None}
    values = sorted(values)
    if len(values) == 1:
        return {"median": round(values[0], 2), "p90": round(values[0], 2)}
    p90 = statistics.quantiles(values, n=10, method="inclusive")[8]
    return {"median": round(statistics.median(values), 2), "p90": round(p90, 2)}


def _percentiles(complaints, start_field: str, end_field: str) -> dict:
    """Median and 90th percentile of (end - start) in hours. PostgreSQL computes them with
    percentile_cont in one query; elsewhere one values_list query and Python."""
    scoped = complaints.filter(**{f"{end_field}__isnull": False})
    if connection.vendor == "postgresql":
        sql, params = scoped.values("pk").query.sql_with_params()
        table = Complaint._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY h)
                FROM (SELECT EXTRACT(EPOCH FROM (c.{end_field} - c.{start_field})) / 3600.0 AS h
                      FROM {table} c WHERE c.id IN ({sql})) t
                """,  # noqa: S608 - field names are ours, values are parameters
                params,
            )
            median, p90 = cursor.fetchone()
        if median is None:
            return {"median": None, "p90": None}
        return {"median": round(float(median), 2), "p90": round(float(p90), 2)}
    values = [
        (end - begin).total_seconds() / 3600
        for begin, end in scoped.values_list(start_field, end_field)
    ]
    return _percentiles_python(values)


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def complaint_stats(*, departments=None, start=None, end=None) -> dict:
    complaints = _scoped(departments, start, end)
    replied = ComplaintMessage.objects.filter(
        complaint=OuterRef("pk"), kind=ComplaintMessage.Kind.REPLY
    )
    counts = complaints.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        accepted_ok=Count("pk", filter=sla.accepted_in_time_q()),
        resolved=Count("pk", filter=Q(first_resolved_at__isnull=False)),
        resolve_decided=Count("pk", filter=Q(resolved_in_time__isnull=False)),
        resolved_ok=Count("pk", filter=Q(resolved_in_time=True)),
        both_decided=Count(
            "pk", filter=Q(accepted_at__isnull=False, resolved_in_time__isnull=False)
        ),
        both_in_time=Count("pk", filter=sla.accepted_in_time_q() & Q(resolved_in_time=True)),
        closed=Count("pk", filter=Q(state=S.CLOSED)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        replied=Count("pk", filter=Q(Exists(replied), accepted_at__isnull=False)),
        r1=Count("pk", filter=Q(rating=1)),
        r2=Count("pk", filter=Q(rating=2)),
        r3=Count("pk", filter=Q(rating=3)),
        r4=Count("pk", filter=Q(rating=4)),
        r5=Count("pk", filter=Q(rating=5)),
    )
    satisfaction = {i: counts[f"r{i}"] for i in range(1, 6)}
    rated = sum(satisfaction.values())
    return {
        "total": counts["total"],
        "accepted": counts["accepted"],
        "resolved": counts["resolved"],
        "closed": counts["closed"],
        "reopened": counts["reopened"],
        "reopen_rate": _pct(counts["reopened"], counts["resolved"]),
        "accept_hours": _percentiles(complaints, "received_at", "accepted_at"),
        "resolve_hours": _percentiles(complaints, "received_at", "first_resolved_at"),
        "accept_sla_pct": _pct(counts["accepted_ok"], counts["accepted"]),
        "resolve_sla_pct": _pct(counts["resolved_ok"], counts["resolve_decided"]),
        "sla_compliance_pct": _pct(counts["both_in_time"], counts["both_decided"]),
        "satisfaction": satisfaction,
        "satisfaction_avg": (
            round(sum(k * v for k, v in satisfaction.items()) / rated, 2) if rated else None
        ),
        "satisfied_pct": _pct(satisfaction[4] + satisfaction[5], rated),
        "reply_rate_pct": _pct(counts["replied"], counts["accepted"]),
    }


_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def complaint_volume(
    *, departments=None, start=None, end=None, by="category", period="week"
) -> list[dict]:
    trunc = _TRUNC.get(period, TruncWeek)("received_at", tzinfo=timezone.get_current_timezone())
    key = "category_id" if by == "category" else "channel"
    rows = (
        _scoped(departments, start, end)
        .annotate(period=trunc)
        .values("period", key)
        .annotate(n=Count("pk"))
        .order_by("period", key)
    )
    if by == "category":
        labels = {c.pk: c.label for c in ComplaintCategory.objects.all()}
    else:
        labels = {c.value: str(c.label) for c in Channel}
    result = []
    for row in rows:
        period_value = row["period"]
        if isinstance(period_value, dt.datetime):
            period_value = timezone.localtime(period_value).date()
        result.append(
            {
                "period": period_value,
                "key": str(row[key]),
                "label": labels.get(row[key], str(row[key])),
                "n": row["n"],
            }
        )
    return result
