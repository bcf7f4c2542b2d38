"""The Working calendar page: HR (company-wide manage_org) sees the public holidays, adds
and removes overrides through the audited service, and is warned about a year the
chinesecalendar package does not cover; anyone else is refused and changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core import calendar
from apps.core.calendar_views import upcoming_uncovered_years
from apps.core.models import AuditEntry, CalendarDay

LAST_COVERED = calendar.calendar_coverage().stop - 1
URL = reverse("working_calendar")


@pytest.fixture
def hr(client_for, users):
    return client_for(users["hr"])


def state():
    return (
        list(CalendarDay.objects.values_list("date", "kind", "name")),
        AuditEntry.objects.count(),
    )


def test_hr_sees_the_public_holidays_and_the_overrides(hr):
    CalendarDay.objects.create(date=dt.date(2024, 12, 31), kind="holiday", name="公司年会")
    response = hr.get(URL, {"year": 2024})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2024-10-01" in page and "国庆节" in page  # from the package
    assert "2024-10-12" in page  # the make-up Saturday
    assert "公司年会" in page
    assert 'data-testid="calendar-uncovered"' not in page


def test_a_year_the_package_does_not_cover_shows_the_warning(hr):
    response = hr.get(URL, {"year": LAST_COVERED + 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="calendar-uncovered"' in page
    assert 'data-testid="calendar-official"' not in page


def test_hr_adds_and_removes_an_override_each_audited(hr, users):
    # when HR closes the company on a Wednesday
    response = hr.post(
        f"{URL}?year=2024", {"date": "2024-03-06", "kind": "holiday", "name": "公司年会"}
    )
    # then the day is off, and the change is in the audit log by HR
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=dt.date(2024, 3, 6))
    assert calendar.is_working_day(row.date) is False
    assert AuditEntry.objects.filter(
        action="calendar_override.set", object_id=str(row.pk), actor=users["hr"], to_state="holiday"
    ).exists()
    # when saved again unchanged; then nothing more is logged
    before = AuditEntry.objects.count()
    hr.post(URL, {"date": "2024-03-06", "kind": "holiday", "name": "公司年会"})
    assert AuditEntry.objects.count() == before
    # when removed; then the public calendar applies again, and that is logged too
    response = hr.post(reverse("working_calendar_remove", args=[row.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert calendar.is_working_day(dt.date(2024, 3, 6)) is True
    assert AuditEntry.objects.filter(
        action="calendar_override.remove", object_id=str(row.pk), actor=users["hr"]
    ).exists()


def test_bad_input_is_refused_next_to_its_field_and_stores_nothing(hr):
    before = state()
    response = hr.post(URL, {"date": "1999-01-01", "kind": "holiday"})
    assert response.status_code == 400
    assert 'data-testid="field-error-date"' in response.content.decode()
    response = hr.post(URL, {"date": "2024-03-06", "kind": "weekend"})
    assert response.status_code == 400
    assert 'data-testid="field-error-kind"' in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("login", ["manager", "director", "specialist"])
def test_anyone_without_company_wide_manage_org_is_refused_and_changes_nothing(
    client_for, users, login
):
    row = CalendarDay.objects.create(date=dt.date(2024, 12, 31), kind="holiday", name="公司年会")
    before = state()
    client = client_for(users[login])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"date": "2024-03-06", "kind": "holiday"}).status_code == 403
    assert client.post(reverse("working_calendar_remove", args=[row.pk])).status_code == 403
    assert state() == before


def test_the_look_ahead_names_the_next_uncovered_year():
    assert upcoming_uncovered_years(dt.date(LAST_COVERED, 3, 1)) == []
    assert upcoming_uncovered_years(dt.date(LAST_COVERED, 12, 1)) == [LAST_COVERED + 1]


def test_the_home_page_warns_hr_only_when_an_uncovered_year_is_near(client_for, users, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(LAST_COVERED, 12, 1))
    home = client_for(users["hr"]).get(reverse("home")).content.decode()
    assert 'data-testid="panel-calendar-coverage"' in home
    assert str(LAST_COVERED + 1) in home
    assert 'data-testid="nav-working_calendar"' in home  # and the menu entry
    manager_home = client_for(users["manager"]).get(reverse("home")).content.decode()
    assert 'data-testid="panel-calendar-coverage"' not in manager_home
    assert 'data-testid="nav-working_calendar"' not in manager_home
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(LAST_COVERED, 3, 1))
    home = client_for(users["hr"]).get(reverse("home")).content.decode()
    assert 'data-testid="panel-calendar-coverage"' not in home
