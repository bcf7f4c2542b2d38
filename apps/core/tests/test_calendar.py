"""The working-day calendar: weekends, China's public holidays and make-up workdays (调休)
from the chinesecalendar package (e.g. the 2026 National Day holiday, Oct 1–7, and the
make-up Saturday Oct 10), HR's overrides on top, in office hours 09:00–18:00 Shanghai."""

import datetime as dt
import importlib
import logging
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps

from apps.core import calendar
from apps.core.models import CalendarDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_UNCOVERED = calendar.calendar_coverage().stop  # the year after the package's last


def at(day: str, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), SHANGHAI)


@pytest.fixture
def national_day(db):
    """No calendar rows at all: the 2026 National Day comes from the package."""
    CalendarDay.objects.all().delete()


def override(day: str, kind: str, name: str = "") -> CalendarDay:
    return CalendarDay.objects.create(date=dt.date.fromisoformat(day), kind=kind, name=name)


@pytest.mark.django_db
def test_the_package_gives_the_2024_national_day_and_its_make_up_saturday():
    # given no override at all
    CalendarDay.objects.all().delete()
    # then 2024-10-01 (a Tuesday) is a holiday and 2024-10-12 (a Saturday) a workday
    assert calendar.is_working_day(dt.date(2024, 10, 1)) is False
    assert calendar.is_working_day(dt.date(2024, 10, 12)) is True
    assert dt.date(2024, 10, 12).weekday() == 5
    assert (dt.date(2024, 10, 1), False, "国庆节") in calendar.official_exceptions(2024)
    assert (dt.date(2024, 10, 12), True, "国庆节") in calendar.official_exceptions(2024)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        ("2024-10-01", CalendarDay.Kind.WORKDAY, True),  # open on National Day
        ("2024-10-12", CalendarDay.Kind.HOLIDAY, False),  # no make-up Saturday here
        ("2024-03-06", CalendarDay.Kind.HOLIDAY, False),  # a company day off on a Wednesday
        ("2024-03-09", CalendarDay.Kind.WORKDAY, True),  # a company working Saturday
    ],
)
def test_an_hr_override_wins_over_the_package_and_the_week(day, kind, expected):
    # given HR's override of one day
    override(day, kind, "公司安排")
    # then it decides, whatever the package or the weekday says
    assert calendar.is_working_day(dt.date.fromisoformat(day)) is expected
    # and the days around it keep the package's answer
    assert calendar.is_working_day(dt.date(2024, 10, 8)) is True
    assert calendar.is_working_day(dt.date(2024, 10, 7)) is False


@pytest.mark.django_db
def test_a_year_past_the_package_falls_back_to_monday_to_friday_with_a_warning(caplog):
    # given a year the package has no State Council notice for
    year = FIRST_UNCOVERED
    assert calendar.uncovered_years([year - 1, year, year + 1]) == [year, year + 1]
    calendar._official_year.cache_clear()
    cal = calendar.WorkingCalendar.load()
    # when asked about its October 1st and the weekend after
    first = dt.date(year, 10, 1)
    with caplog.at_level(logging.WARNING, logger="apps.core.calendar"):
        answers = [cal.is_working_day(first + dt.timedelta(days=n)) for n in range(7)]
    # then Monday–Friday decides, and the calendar says which year it guessed
    assert answers == [(first + dt.timedelta(days=n)).weekday() < 5 for n in range(7)]
    assert cal.uncovered_years == [year]
    assert f"no public holidays for {year}" in caplog.text
    assert calendar.official_exceptions(year) == []
    # and HR's override still applies there
    override(first.isoformat(), CalendarDay.Kind.HOLIDAY, "国庆节")
    assert calendar.is_working_day(first) is False


@pytest.mark.django_db
def test_the_migration_drops_the_hand_made_2026_rows_the_package_repeats():
    # given the rows 0003 typed in, one changed by HR since, and one HR added
    migration = importlib.import_module(
        "apps.core.migrations.0005_calendar_overrides_over_chinesecalendar"
    )
    CalendarDay.objects.all().delete()
    importlib.import_module(
        "apps.core.migrations.0003_audit_append_only_and_holidays"
    ).load_holidays(django_apps, None)
    CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).update(kind=CalendarDay.Kind.HOLIDAY)
    override("2026-12-31", CalendarDay.Kind.HOLIDAY, "公司年会")
    # when the 0005 migration runs
    migration.drop_hand_made_2026(django_apps, None)
    # then only HR's own days stay, and the package answers the rest the same way
    assert set(CalendarDay.objects.values_list("date", "kind")) == {
        (dt.date(2026, 10, 10), CalendarDay.Kind.HOLIDAY),
        (dt.date(2026, 12, 31), CalendarDay.Kind.HOLIDAY),
    }
    assert calendar.is_working_day(dt.date(2026, 10, 1)) is False
    assert calendar.is_working_day(dt.date(2026, 9, 20)) is True


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
