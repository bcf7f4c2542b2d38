"""SLA arithmetic in working hours (09:00–18:00 Asia/Shanghai), across weekends, the
2026 National Day holidays (Oct 1–7) and make-up workdays (Sep 20 Sun, Oct 10 Sat)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.complaints import services, sla
from apps.complaints.models import Complaint, SlaPolicy
from apps.complaints.tests.factories import file_complaint

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def test_presets_are_installed():
    assert SlaPolicy.objects.get(severity="normal").hours_to_accept == Decimal("8")
    assert SlaPolicy.objects.get(severity="urgent").hours_to_resolve == Decimal("8")


def test_due_times_skip_the_weekend():
    # Friday 17:00 + 8 working hours = 1 h on Friday + 7 h on Monday.
    accept, resolve = sla.due_times(at(2026, 10, 16, 17), "normal")
    assert accept == at(2026, 10, 19, 16)
    # + 40 h: Fri 1, Mon–Thu 4 × 9 = 37, Fri Oct 23 3 h → 12:00.
    assert resolve == at(2026, 10, 23, 12)


def test_mid_autumn_festival_friday_is_not_a_working_day():
    # Fri Sep 25 2026 is 中秋节: Friday 17:00 starts counting on Monday morning.
    accept, _ = sla.due_times(at(2026, 9, 25, 17), "normal")
    assert accept == at(2026, 9, 28, 17)


def test_due_times_skip_national_day_and_count_the_make_up_saturday():
    accept, resolve = sla.due_times(at(2026, 9, 30, 17), "normal")
    assert accept == at(2026, 10, 8, 16)  # 1 h on Sep 30, nothing Oct 1–7, 7 h Oct 8
    # 1 + Oct 8 (9) + Oct 9 (9) + Sat Oct 10, a make-up workday (9) + Mon Oct 12 (9) = 37
    assert resolve == at(2026, 10, 13, 12)


def test_make_up_sunday_before_the_holiday_counts():
    accept, _ = sla.due_times(at(2026, 9, 19, 12), "high")  # Saturday, not a workday
    assert accept == at(2026, 9, 20, 13)  # Sunday Sep 20 is a make-up workday: 09:00 + 4 h


def test_received_outside_office_hours_starts_next_morning():
    accept, _ = sla.due_times(at(2026, 10, 12, 22), "urgent")
    assert accept == at(2026, 10, 13, 10)


def test_edited_policy_changes_due_times():
    SlaPolicy.objects.filter(severity="low").update(hours_to_accept=2, hours_to_resolve=4)
    accept, resolve = sla.due_times(at(2026, 10, 12, 9), "low")
    assert (accept, resolve) == (at(2026, 10, 12, 11), at(2026, 10, 12, 13))


def test_paused_hours_count_only_working_time():
    # Fri Oct 9 17:00 → Mon Oct 12 10:00 = Fri 1 h + Sat Oct 10 (make-up) 9 h + Mon 1 h
    assert sla.paused_hours(at(2026, 10, 9, 17), at(2026, 10, 12, 10)) == Decimal("11.00")
    # over the holiday: Sep 30 17:00 → Oct 8 10:00 = 1 + 1
    assert sla.paused_hours(at(2026, 9, 30, 17), at(2026, 10, 8, 10)) == Decimal("2.00")


def test_waiting_for_the_complainant_shifts_the_resolve_due_time(users):
    with time_machine.travel(at(2026, 10, 8, 9, 30), tick=False):
        complaint, token = file_complaint()
        services.complaint_accept(actor=users["cs"], complaint=complaint)
        complaint = services.complaint_start(actor=users["cs"], complaint=complaint)
    due = complaint.resolve_due_at
    with time_machine.travel(at(2026, 10, 9, 17), tick=False):
        services.complaint_wait(actor=users["cs"], complaint=complaint, question="Order no.?")
    with time_machine.travel(at(2026, 10, 12, 10), tick=False):
        services.complaint_add_information(complaint=complaint, token=token, body="No. 42")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.paused_hours == Decimal("11.00")
    assert complaint.resolve_due_at == sla.add_hours(due, 11)
    assert complaint.state == Complaint.State.IN_PROGRESS


def test_reopen_restarts_the_resolve_clock_from_the_reopen_time(users):
    with time_machine.travel(at(2026, 9, 28, 10), tick=False):
        complaint, token = file_complaint(severity="")  # technical → high: 4 h / 16 h
        services.complaint_accept(actor=users["cs"], complaint=complaint)
        services.complaint_resolve(actor=users["cs"], complaint=complaint)
    with time_machine.travel(at(2026, 9, 30, 17), tick=False):
        complaint = services.complaint_not_satisfied(
            complaint=complaint, token=token, comment="Not fixed"
        )
    # 16 h from Sep 30 17:00: 1 h, holidays, Oct 8 9 h, Oct 9 6 h → 15:00
    assert complaint.resolve_due_at == at(2026, 10, 9, 15)
    assert complaint.cycle == 2
