"""Complaint SLA figures are defined once, in apps.complaints.sla: the default hours are
the shipped table, and "overdue" / "in time" mean the same on the page, in the breach
scan, in the statistics and on the model."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.complaints import escalation, presets, selectors, services, sla
from apps.complaints.models import Complaint, SlaPolicy
from apps.complaints.tests.factories import file_complaint

S = Complaint.State
HOUR = dt.timedelta(hours=1)


def test_default_hours_are_the_shipped_table():
    assert {s: (a, r) for s, a, r in presets.SLA} == sla.DEFAULT_POLICIES
    assert sla.DEFAULT_POLICIES["urgent"] == (Decimal("1"), Decimal("8"))


@pytest.mark.django_db
def test_without_a_row_the_policy_falls_back_to_the_shipped_hours():
    SlaPolicy.objects.filter(severity="high").delete()
    policy = sla.policy_for("high")
    assert (policy.hours_to_accept, policy.hours_to_resolve) == (Decimal("4"), Decimal("16"))


def test_a_clock_is_met_at_its_due_time_and_missed_after_it():
    due = timezone.now()
    assert sla.met(due - HOUR, due)
    assert sla.met(due, due)
    assert not sla.met(due + dt.timedelta(microseconds=1), due)


@pytest.mark.django_db
def test_overdue_is_the_same_set_on_the_model_the_list_and_the_breach_scan(users):
    now = timezone.now()
    cases = {
        # (state, accept due, resolve due): overdue?
        "new, accept-by passed": (S.NEW, now - HOUR, now + HOUR, True),
        "new, in time": (S.NEW, now + HOUR, now + 2 * HOUR, False),
        "new, only resolve-by passed": (S.NEW, now + HOUR, now - HOUR, False),
        "in progress, resolve-by passed": (S.IN_PROGRESS, now - 2 * HOUR, now - HOUR, True),
        "accepted, in time": (S.ACCEPTED, now - HOUR, now + HOUR, False),
        "reopened, resolve-by passed": (S.REOPENED, now - 2 * HOUR, now - HOUR, True),
        "waiting: the clock stands still": (S.WAITING, now - 2 * HOUR, now - HOUR, False),
        "resolved: no clock runs": (S.RESOLVED, now - 2 * HOUR, now - HOUR, False),
    }
    expected = set()
    for state, accept_due, resolve_due, overdue in cases.values():
        complaint, _token = file_complaint()
        Complaint.objects.filter(pk=complaint.pk).update(
            state=state, accept_due_at=accept_due, resolve_due_at=resolve_due
        )
        if overdue:
            expected.add(complaint.pk)

    by_q = set(Complaint.objects.filter(sla.overdue_q(now)).values_list("pk", flat=True))
    by_model = {c.pk for c in Complaint.objects.all() if c.is_overdue}
    listed = set(
        selectors.complaint_list_for(users["director"], overdue=True).values_list("pk", flat=True)
    )
    scanned = set(escalation.breaches(now).values_list("pk", flat=True))
    assert by_q == by_model == scanned == expected
    assert listed == expected


@pytest.mark.django_db
def test_resolved_in_time_and_the_statistics_use_the_same_rule(users):
    late, _token = file_complaint()
    late = services.complaint_accept(actor=users["cs"], complaint=late)
    on_time, _token = file_complaint()
    on_time = services.complaint_accept(actor=users["cs"], complaint=on_time)
    Complaint.objects.filter(pk=late.pk).update(resolve_due_at=timezone.now() - HOUR)

    services.complaint_resolve(actor=users["cs"], complaint=late)
    services.complaint_resolve(actor=users["cs"], complaint=on_time)

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.resolved_in_time, on_time.resolved_in_time) == (False, True)
    stats = selectors.complaint_stats()
    assert stats["resolve_sla_pct"] == 50.0
    # Both were accepted at once, well before accept-by.
    assert stats["accept_sla_pct"] == 100.0
    assert stats["sla_compliance_pct"] == 50.0


@pytest.mark.django_db
def test_the_kpi_source_counts_accepted_in_time_as_the_statistics_do(users, people):
    from apps.kpis import sources

    late, _token = file_complaint()
    on_time, _token = file_complaint()
    for complaint in (late, on_time):
        services.complaint_accept(actor=users["cs"], complaint=complaint)
    Complaint.objects.filter(pk=late.pk).update(accept_due_at=timezone.now() - HOUR)

    today = timezone.localdate()
    value = sources.value("complaints.accepted_in_sla_pct", people["cs"], today, today)
    assert value == Decimal("50.00")
    assert selectors.complaint_stats()["accept_sla_pct"] == 50.0
