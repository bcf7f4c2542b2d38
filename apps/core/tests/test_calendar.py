"""The working-day calendar: weekends, the 2026 National Day holiday (国庆节, Oct 1–7)
and its make-up workday (调休, Saturday Oct 10), in office hours 09:00–18:00 Shanghai."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.core import calendar
from apps.core.models import CalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), SHANGHAI)


@pytest.fixture
def national_day(db):
    """The 2026 National Day rows as migration 0003 loads them (recreated here so the
    tests do not depend on a data migration surviving a transactional test's flush)."""
    for offset in range(7):
        CalendarDay.objects.get_or_create(
            date=dt.date(2026, 10, 1) + dt.timedelta(days=offset),
            defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": "国庆节"},
        )
    CalendarDay.objects.get_or_create(
        date=dt.date(2026, 10, 10),
        defaults={"kind": CalendarDay.Kind.WORKDAY, "name": "国庆节调休"},
    )


@pytest.mark.django_db
def test_the_migration_loads_the_2026_holidays():
    # given a migrated database (pytest-django runs db tests before transactional ones,
    # whose flush would empty it); then National Day and its make-up Saturday are there
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == CalendarDay.Kind.WORKDAY


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-03-06", True),  # a Friday
        ("2026-03-07", False),  # a Saturday
        ("2026-03-08", False),  # a Sunday
        ("2026-10-01", False),  # National Day (a Thursday)
        ("2026-10-07", False),  # last day of the holiday (a Wednesday)
        ("2026-10-08", True),  # back to work
        ("2026-10-10", True),  # a Saturday, but a make-up workday
        ("2026-10-11", False),  # the Sunday after
    ],
)
def test_is_working_day(national_day, day, expected):
    # given the calendar; when asked about one day; then weekends, holidays and 调休 count
    assert calendar.is_working_day(dt.date.fromisoformat(day)) is expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-03-06", 1, "2026-03-09"),  # Friday + 1 → Monday (across the weekend)
        ("2026-03-04", 5, "2026-03-11"),  # a full week
        ("2026-09-30", 1, "2026-10-08"),  # across the whole National Day holiday
        ("2026-10-08", 2, "2026-10-10"),  # Thu + 2 → the make-up Saturday
        ("2026-10-09", 2, "2026-10-12"),  # Fri + 2 → Sat (调休), then Monday
        ("2026-10-03", 0, "2026-10-08"),  # 0 from a holiday → the next working day
        ("2026-03-06", 0, "2026-03-06"),  # 0 from a working day → that day
    ],
)
def test_add_working_days(national_day, start, days, expected):
    # given a start day; when adding working days; then weekends and holidays are skipped
    assert calendar.add_working_days(dt.date.fromisoformat(start), days) == dt.date.fromisoformat(
        expected
    )


def test_add_working_days_refuses_negative_counts(national_day):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(dt.date(2026, 3, 6), -1)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at("2026-03-05", 10), at("2026-03-05", 12), 2),  # inside one office day
        (at("2026-03-05", 7), at("2026-03-05", 20), 9),  # a whole office day, not the night
        (at("2026-03-05", 17), at("2026-03-06", 10), 2),  # across a night
        (at("2026-03-06", 17), at("2026-03-09", 10), 2),  # across a weekend
        (at("2026-09-30", 17), at("2026-10-08", 10), 2),  # across National Day
        (at("2026-10-09", 17), at("2026-10-12", 10), 11),  # Fri 1 + Sat (调休) 9 + Mon 1
        (at("2026-10-02", 9), at("2026-10-04", 18), 0),  # entirely inside the holiday
        (at("2026-03-06", 12), at("2026-03-05", 12), 0),  # end before start
    ],
)
def test_working_hours_between(national_day, start, end, hours):
    # given two moments; when counting office hours between them
    # then only 09:00–18:00 of working days counts
    assert calendar.working_hours_between(start, end) == pytest.approx(hours)


def test_working_hours_between_accepts_utc_times(national_day):
    # given times stored in UTC (01:00 UTC is 09:00 in Shanghai)
    start = dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC)
    end = dt.datetime(2026, 3, 5, 4, 30, tzinfo=dt.UTC)
    # then they are counted in Shanghai office hours
    assert calendar.working_hours_between(start, end) == pytest.approx(3.5)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at("2026-03-05", 10), 2, at("2026-03-05", 12)),  # same day
        (at("2026-03-05", 22), 1, at("2026-03-06", 10)),  # from the night → next morning
        (at("2026-03-05", 6), 1, at("2026-03-05", 10)),  # before opening → counts from 09:00
        (at("2026-03-06", 17), 3, at("2026-03-09", 11)),  # across a weekend
        (at("2026-09-30", 17), 2, at("2026-10-08", 10)),  # across National Day
        (at("2026-10-09", 17), 5, at("2026-10-10", 13)),  # into the make-up Saturday
        (at("2026-10-09", 17), 10, at("2026-10-10", 18)),  # to the Saturday's close exactly
        (at("2026-10-09", 17), 11, at("2026-10-12", 10)),  # then on to Monday
        (at("2026-03-05", 10), 0, at("2026-03-05", 10)),
    ],
)
def test_add_working_hours(national_day, start, hours, expected):
    # given a start moment; when adding office hours (an SLA)
    due = calendar.add_working_hours(start, hours)
    # then the due moment skips nights, weekends and holidays, in Shanghai time
    assert due == expected
    assert calendar.working_hours_between(start, due) == pytest.approx(hours)


def test_add_working_hours_refuses_negative_hours(national_day):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(at("2026-03-05", 10), -1)


def test_a_loaded_calendar_answers_without_queries(national_day, django_assert_num_queries):
    # given a calendar loaded once for a range
    cal = calendar.WorkingCalendar.load(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    # when asked many questions; then no further query is made
    with django_assert_num_queries(0):
        assert cal.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
        assert cal.working_hours_between(at("2026-10-09", 9), at("2026-10-10", 18)) == 18
