"""Automatic actuals: a registry of named sources an indicator can pull its actual from.

Each source answers for one employee and period, and in batch for a set of employees
with one query (or one per department) whatever the number of employees:

    value(employee, start, end) -> Decimal | None
    batch(employee_ids, start, end) -> {employee_id: Decimal}

`start`/`end` are dates, inclusive. Sources read the other apps' data through their
selectors where one fits (complaints.selectors.complaint_stats for department figures);
where no selector gives a per-person figure, the source runs one aggregate query over
the other app's models (noted per source) — it never writes there.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.org.models import Assignment, Employee


@dataclass(frozen=True)
class Source:
    code: str
    label: object
    batch: Callable  # (employee_ids, start, end) -> {employee_id: Decimal}

    def value(self, employee, start: dt.date, end: dt.date) -> Decimal | None:
        return self.batch([employee.pk], start, end).get(employee.pk)


_registry: dict[str, Source] = {}


def register(code: str, label):
    def wrap(fn):
        _registry[code] = Source(code=code, label=label, batch=fn)
        return fn

    return wrap


def get(code: str) -> Source | None:
    return _registry.get(code)


def choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in _registry.values()]


def value(code: str, employee, start: dt.date, end: dt.date) -> Decimal | None:
    source = get(code)
    return source.value(employee, start, end) if source else None


def _moments(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
    )


def _users_of(employee_ids) -> dict[int, int]:
    """user id → employee id, one query."""
    return {
        user_id: pk
        for pk, user_id in Employee.objects.filter(pk__in=list(employee_ids)).values_list(
            "pk", "user_id"
        )
    }


def _by_user(rows, users: dict[int, int]) -> dict[int, Decimal]:
    return {
        users[user_id]: Decimal(str(v)) for user_id, v in rows if user_id in users and v is not None
    }


# --- content (no per-author selector in apps.content: one aggregate query) -------------


@register("content.items_published", _("Content items published"))
def content_items_published(employee_ids, start, end):
    from apps.content.models import ContentItem

    users = _users_of(employee_ids)
    lo, hi = _moments(start, end)
    rows = (
        ContentItem.objects.filter(
            author_id__in=users,
            publication__status="published",
            publication__published_at__gte=lo,
            publication__published_at__lt=hi,
        )
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    return _by_user(rows, users)


@register("content.reads", _("Reads of own published content"))
def content_reads(employee_ids, start, end):
    from apps.content.models import ContentMetrics

    users = _users_of(employee_ids)
    rows = (
        ContentMetrics.objects.filter(item__author_id__in=users, date__gte=start, date__lte=end)
        .values("item__author_id")
        .annotate(n=Sum("reads"))
        .values_list("item__author_id", "n")
    )
    return _by_user(rows, users)


def _content_sum(field: str):
    """Sum of one ContentMetrics figure over the author's items in the period."""

    def batch(employee_ids, start, end):
        from apps.content.models import ContentMetrics

        users = _users_of(employee_ids)
        rows = (
            ContentMetrics.objects.filter(item__author_id__in=users, date__gte=start, date__lte=end)
            .values("item__author_id")
            .annotate(n=Sum(field))
            .values_list("item__author_id", "n")
        )
        return _by_user(rows, users)

    return batch


# The sub-measures of 003's official-account metric (粉丝增长数、阅读量、转发量、点赞数、
# 评论数), each a source of its own so a composite indicator can weigh them.
for _code, _field, _label in (
    ("content.followers_gained", "followers_gained", _("Followers gained by own content")),
    ("content.shares", "shares", _("Shares of own published content")),
    ("content.likes", "likes", _("Likes of own published content")),
    ("content.comments", "comments", _("Comments on own published content")),
):
    register(_code, _label)(_content_sum(_field))


# --- attendance (HR-entered per form: apps.kpis.attendance) ----------------------------


@register("kpis.attendance", _("Attendance score (absences, late arrivals, early departures)"))
def attendance(employee_ids, start, end):
    """The attendance score of the form whose period is exactly [start, end], from the
    record HR entered on it (apps.kpis.scoring.attendance_points)."""
    from . import scoring
    from .models import AttendanceRecord

    rows = AttendanceRecord.objects.filter(
        form__employee_id__in=list(employee_ids),
        form__cycle__period_start=start,
        form__cycle__period_end=end,
    ).values_list("form__employee_id", "absences", "late_arrivals", "early_departures")
    return {
        employee_id: scoring.attendance_points(absences, late, early)
        for employee_id, absences, late, early in rows
    }


# --- campaigns (no per-owner selector in apps.campaigns: one aggregate query) ---------


@register("campaigns.participants", _("Campaign participants (conversions)"))
def campaign_participants(employee_ids, start, end):
    from apps.campaigns.models import MetricSnapshot

    users = _users_of(employee_ids)
    rows = (
        MetricSnapshot.objects.filter(
            campaign__owner_id__in=users, taken_on__gte=start, taken_on__lte=end
        )
        .values("campaign__owner_id")
        .annotate(n=Sum("conversions"))
        .values_list("campaign__owner_id", "n")
    )
    return _by_user(rows, users)


@register("campaigns.targets_met_pct", _("Campaign targets met (%)"))
def campaign_targets_met(employee_ids, start, end):
    from apps.campaigns.models import Target

    users = _users_of(employee_ids)
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


# --- complaints ---------------------------------------------------------------------


@register("complaints.accepted_in_sla_pct", _("Complaints accepted within the SLA (%)"))
def complaints_accepted_in_sla(employee_ids, start, end):
    """Per owner (no per-owner selector in apps.complaints: one aggregate query)."""
    from apps.complaints.models import Complaint

    users = _users_of(employee_ids)
    lo, hi = _moments(start, end)
    rows = (
        Complaint.objects.exclude(state="merged")
        .filter(owner_id__in=users, received_at__gte=lo, received_at__lt=hi)
        .values("owner_id")
        .annotate(
            n=Count("pk", filter=Q(accepted_at__isnull=False)),
            ok=Count("pk", filter=Q(accepted_at__lte=F("accept_due_at"))),
        )
        .values_list("owner_id", "ok", "n")
    )
    return {
        users[owner]: (Decimal(ok) * 100 / Decimal(n)).quantize(Decimal("0.01"))
        for owner, ok, n in rows
        if owner in users and n
    }


@register("complaints.satisfaction", _("Complainants' satisfaction (1–5)"))
def complaints_satisfaction(employee_ids, start, end):
    """Per owner (one aggregate query over apps.complaints' Complaint)."""
    from apps.complaints.models import Complaint

    users = _users_of(employee_ids)
    lo, hi = _moments(start, end)
    rows = (
        Complaint.objects.filter(
            owner_id__in=users, received_at__gte=lo, received_at__lt=hi, rating__isnull=False
        )
        .values("owner_id")
        .annotate(avg=Avg("rating"))
        .values_list("owner_id", "avg")
    )
    return {
        users[owner]: Decimal(str(avg)).quantize(Decimal("0.01"))
        for owner, avg in rows
        if owner in users
    }


@register("complaints.department_sla_pct", _("Department complaints handled within the SLA (%)"))
def complaints_department_sla(employee_ids, start, end):
    """The employee's department's SLA compliance, through complaints' own
    complaint_stats selector: one call per department, not per employee."""
    from apps.complaints.selectors import complaint_stats

    departments = defaultdict(list)
    rows = (
        Assignment.objects.active_on(end)
        .filter(employee_id__in=list(employee_ids), is_primary=True)
        .values_list("employee_id", "post__department_id")
    )
    for employee_id, department_id in rows:
        departments[department_id].append(employee_id)
    lo, hi = _moments(start, end)
    result = {}
    for department_id, members in departments.items():
        pct = complaint_stats(departments=[department_id], start=lo, end=hi)["sla_compliance_pct"]
        if pct is not None:
            for employee_id in members:
                result[employee_id] = Decimal(str(pct))
    return result
