"""The working-day calendar of mainland China, in three layers asked in this order:

1. HR's overrides (CalendarDay rows): a company closes for a day, or works one;
2. the State Council's public holidays and make-up workdays (调休), from the maintained
   `chinesecalendar` package, for every year it covers;
3. Monday–Friday, for a year the package does not cover yet — reported by
   `uncovered_years()` and shown to HR, never silently.

Every deadline in working days or SLA in working hours is computed here, so the rule
lives in one place. Times are aware; the office day is WORKDAY_START_HOUR to
WORKDAY_END_HOUR in the project time zone. The SLA and deadline code asks about many
days, so each year is computed once into a dict and every question is one lookup.
"""

import datetime as dt
import functools
import logging
from collections.abc import Iterable

from chinese_calendar import constants as _official
from django.conf import settings
from django.utils import timezone

from apps.core.models import CalendarDay

logger = logging.getLogger(__name__)

# How far a search for working days may run before we call the calendar broken:
# a year of holidays in a row is a data error, not a long weekend.
_MAX_SCAN_DAYS = 366

# The years the package has the State Council's notice for (its own validity rule:
# from its first to its last listed holiday's year).
_COVERED = range(min(_official.holidays).year, max(_official.holidays).year + 1)


def calendar_coverage() -> range:
    """The years whose public holidays and make-up workdays come from the package."""
    return _COVERED


def uncovered_years(years: Iterable[int]) -> list[int]:
    """Those of `years` the package does not cover: there only HR's overrides and
    Monday–Friday apply, until the package (or HR) adds that year's holidays."""
    return sorted({year for year in years if year not in _COVERED})


@functools.cache
def _official_year(year: int) -> dict[dt.date, bool]:
    """Every day of `year` → working or not, before HR's overrides. Computed once."""
    day, table = dt.date(year, 1, 1), {}
    while day.year == year:
        table[day] = day.weekday() < 5
        day += dt.timedelta(days=1)
    if year in _COVERED:
        table.update((d, False) for d in _official.holidays if d.year == year)
        table.update((d, True) for d in _official.workdays if d.year == year)
    else:
        logger.warning(
            "chinesecalendar has no public holidays for %s: counting Monday-Friday "
            "and HR's overrides only",
            year,
        )
    return table


def official_exceptions(year: int) -> list[tuple[dt.date, bool, str]]:
    """The package's public holidays and make-up workdays of `year`, in order:
    (date, working?, holiday name in Chinese). Empty for a year it does not cover."""
    if year not in _COVERED:
        return []
    days = [(d, False, name) for d, name in _official.holidays.items() if d.year == year]
    days += [(d, True, name) for d, name in _official.workdays.items() if d.year == year]
    return sorted((day, working, _chinese_name(name)) for day, working, name in days)


def _chinese_name(english: str) -> str:
    try:
        return _official.Holiday(english).chinese
    except ValueError:
        return english


class WorkingCalendar:
    """HR's overrides over the official calendar, loaded once, answering working-time
    questions without further queries."""

    def __init__(self, overrides: dict[dt.date, str]):
        self._overrides = {day: kind == CalendarDay.Kind.WORKDAY for day, kind in overrides.items()}
        self._years: dict[int, dict[dt.date, bool]] = {}

    @classmethod
    def load(cls, start: dt.date | None = None, end: dt.date | None = None):
        days = CalendarDay.objects.all()
        if start:
            days = days.filter(date__gte=start - dt.timedelta(days=_MAX_SCAN_DAYS))
        if end:
            days = days.filter(date__lte=end + dt.timedelta(days=_MAX_SCAN_DAYS))
        return cls(dict(days.values_list("date", "kind")))

    def _year(self, year: int) -> dict[dt.date, bool]:
        table = self._years.get(year)
        if table is None:
            table = dict(_official_year(year))
            table.update((d, w) for d, w in self._overrides.items() if d.year == year)
            self._years[year] = table
        return table

    def is_working_day(self, day: dt.date) -> bool:
        return self._year(day.year)[day]

    @property
    def uncovered_years(self) -> list[int]:
        """The years asked about so far that fell back to Monday–Friday."""
        return uncovered_years(self._years)

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
