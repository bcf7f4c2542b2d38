"""Automatic actuals: a registry of named sources an indicator can pull its actual from.

Each source answers for one employee and period, and in batch for a set of employees
with one query (or one per department) whatever the number of employees:

    value(employee, start, end) -> Decimal | None
    batch(employee_ids, start, end) -> {employee_id: Decimal}

`start`/`end` are dates, inclusive. kpis reads no other app's models: each app that
owns the data registers its sources from its own kpi_sources module (imported in its
AppConfig.ready()), e.g. apps.content.kpi_sources; kpis registers only its own
(attendance, below). A source never writes.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.org.models import Employee


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


def moments(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
    )


def users_of(employee_ids) -> dict[int, int]:
    """user id → employee id, one query."""
    return {
        user_id: pk
        for pk, user_id in Employee.objects.filter(pk__in=list(employee_ids)).values_list(
            "pk", "user_id"
        )
    }


def by_user(rows, users: dict[int, int]) -> dict[int, Decimal]:
    return {
        users[user_id]: Decimal(str(v)) for user_id, v in rows if user_id in users and v is not None
    }


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
