"""The working-day calendar: Monday–Friday, less holidays, plus make-up workdays (调休).

Every deadline in working days or SLA in working hours is computed here, so the
rule lives in one place. Times are aware; the office day is WORKDAY_START_HOUR to
WORKDAY_END_HOUR in the project time zone.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from apps.core.models import CalendarDay

# How far a search for working days may run before we call the calendar broken:
# a year of holidays in a row is a data error, not a long weekend.
_MAX_SCAN_DAYS = 366


class WorkingCalendar:
    """A snapshot of calendar exceptions, loaded once, answering working-time questions."""

    def __init__(self, overrides: dict[dt.date, str]):
        self._overrides = overrides

    @classmethod
    def load(cls, start: dt.date | None = None, end: dt.date | None = None):
        days = CalendarDay.objects.all()
        if start:
            days = days.filter(date__gte=start - dt.timedelta(days=_MAX_SCAN_DAYS))
        if end:
            days = days.filter(date__lte=end + dt.timedelta(days=_MAX_SCAN_DAYS))
        return cls(dict(days.values_list("date", "kind")))

    def is_working_day(self, day: dt.date) -> bool:
        kind = self._overrides.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (0 → `start` or the next working day)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        if days == 0:
            return self.next_working_day(current)
        counted = 0
        for _ in range(days * 7 + _MAX_SCAN_DAYS):
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
                if counted == days:
                    return current
        raise ValueError("The calendar has no working days in range.")

    def next_working_day(self, day: dt.date) -> dt.date:
        for offset in range(_MAX_SCAN_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("The calendar has no working days in range.")

    def _office_hours(self, day: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time(settings.WORKDAY_START_HOUR), tz)
        end = dt.datetime.combine(day, dt.time(settings.WORKDAY_END_HOUR), tz)
        return start, end

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office hours elapsed from `start` to `end` (0 if end is before start)."""
        if end <= start:
            return 0.0
        tz = timezone.get_current_timezone()
        start, end = start.astimezone(tz), end.astimezone(tz)
        seconds = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                open_at, close_at = self._office_hours(day, tz)
                lo, hi = max(open_at, start), min(close_at, end)
                if hi > lo:
                    seconds += (hi - lo).total_seconds()
            day += dt.timedelta(days=1)
        return seconds / 3600

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` office hours after `start` (an SLA due time)."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        tz = timezone.get_current_timezone()
        current = start.astimezone(tz)
        remaining = dt.timedelta(hours=hours)
        for _ in range(int(hours / 8 * 7) + _MAX_SCAN_DAYS):
            day = current.date()
            if self.is_working_day(day):
                open_at, close_at = self._office_hours(day, tz)
                begin = max(open_at, current)
                if begin < close_at:
                    available = close_at - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            current = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
        raise ValueError("The calendar has no working days in range.")


def add_working_days(start: dt.date, days: int) -> dt.date:
    return WorkingCalendar.load(start, start + dt.timedelta(days=days * 2)).add_working_days(
        start, days
    )


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return WorkingCalendar.load(start.date(), end.date()).working_hours_between(start, end)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    return WorkingCalendar.load(start.date()).add_working_hours(start, hours)


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar.load(day, day).is_working_day(day)
