"""The breach scan with time travel: one escalation per breach per cycle."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.complaints import services
from apps.complaints.escalation import escalate_breaches
from apps.complaints.models import Complaint, Escalation, SlaPolicy
from apps.complaints.tests.factories import file_complaint
from apps.complaints.tests.test_sla import at
from apps.core.models import Notification

pytestmark = pytest.mark.django_db


def _notifications(user):
    return Notification.objects.filter(recipient=user, title__contains="SLA").count()


def test_overdue_acceptance_escalates_once_however_often_the_job_runs(users):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        complaint, _ = file_complaint()  # high: accept within 4 working hours → 13:00
        assert escalate_breaches() == {"escalated": 0, "flagged": 0, "notified": 0}
    with time_machine.travel(at(2026, 10, 12, 13, 5), tick=False):
        first = escalate_breaches()
        second = escalate_breaches()
        third = escalate_breaches()
    assert first["escalated"] == 1
    assert first["flagged"] == 1
    assert first["notified"] == 1
    assert second["escalated"] == third["escalated"] == 0
    escalation = Escalation.objects.get()
    assert (escalation.kind, escalation.cycle) == ("accept", 1)
    complaint.refresh_from_db()
    assert complaint.is_escalated
    # the WeChat manager (nearest supervisor), not the director above, once
    assert _notifications(users["manager"]) == 1
    assert _notifications(users["director"]) == 0
    assert _notifications(users["cs"]) == 0


def test_not_yet_due_is_not_escalated(users):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        file_complaint()
    with time_machine.travel(at(2026, 10, 12, 12, 55), tick=False):
        assert escalate_breaches()["escalated"] == 0


def test_notify_only_policy_notifies_without_flagging(users):
    SlaPolicy.objects.filter(severity="high").update(notify_only=True)
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        complaint, _ = file_complaint()
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        result = escalate_breaches()
        escalate_breaches()
    assert result == {"escalated": 1, "flagged": 0, "notified": 1}
    complaint.refresh_from_db()
    assert not complaint.is_escalated
    assert Escalation.objects.get().notify_only
    assert _notifications(users["manager"]) == 1


def test_global_notify_only_setting(users, settings):
    settings.COMPLAINTS_ESCALATION_NOTIFY_ONLY = True
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        complaint, _ = file_complaint()
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        assert escalate_breaches()["flagged"] == 0
    complaint.refresh_from_db()
    assert not complaint.is_escalated


def test_resolution_breach_then_reopen_starts_a_new_cycle(users):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        complaint, token = file_complaint()  # high: 16 h to resolve → Oct 13 18:00
        services.complaint_accept(actor=users["cs"], complaint=complaint)
    with time_machine.travel(at(2026, 10, 14, 9, 30), tick=False):
        assert escalate_breaches()["escalated"] == 1
        assert escalate_breaches()["escalated"] == 0
        services.complaint_resolve(actor=users["cs"], complaint=complaint)
        services.complaint_not_satisfied(complaint=complaint, token=token, comment="No")
    complaint.refresh_from_db()
    assert not complaint.is_escalated
    assert complaint.cycle == 2
    with time_machine.travel(at(2026, 10, 20, 9), tick=False):
        assert escalate_breaches()["escalated"] == 1
        assert escalate_breaches()["escalated"] == 0
    assert sorted(Escalation.objects.values_list("kind", "cycle")) == [
        ("resolve", 1),
        ("resolve", 2),
    ]


def test_waiting_for_complainant_is_not_escalated(users):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        complaint, _ = file_complaint()
        services.complaint_accept(actor=users["cs"], complaint=complaint)
        services.complaint_wait(actor=users["cs"], complaint=complaint, question="Which order?")
    with time_machine.travel(at(2026, 10, 20, 9), tick=False):
        assert escalate_breaches()["escalated"] == 0


def test_scan_query_count_does_not_grow_with_breaches(users, django_assert_max_num_queries):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        for _ in range(2):
            file_complaint()
    with (
        time_machine.travel(at(2026, 10, 13, 9), tick=False),
        django_assert_max_num_queries(12) as small,
    ):
        escalate_breaches()
    with time_machine.travel(at(2026, 10, 14, 9), tick=False):
        for _ in range(20):
            file_complaint(received_at=timezone.now() - dt.timedelta(days=1))
    with (
        time_machine.travel(at(2026, 10, 16, 9), tick=False),
        django_assert_max_num_queries(len(small.captured_queries)),
    ):
        escalate_breaches()
    assert Complaint.objects.filter(is_escalated=True).count() == 22
