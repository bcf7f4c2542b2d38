"""The breach scan leaves one audit row per complaint it escalates, in bulk."""

import pytest
import time_machine

from apps.complaints import services
from apps.complaints.escalation import escalate_breaches
from apps.complaints.models import Complaint, Escalation, SlaPolicy
from apps.complaints.tests.factories import file_complaint
from apps.complaints.tests.test_sla import at
from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _escalation_rows():
    return AuditEntry.objects.filter(
        object_type="complaints.complaint", action="complaint.escalate"
    )


def test_each_escalated_complaint_gets_one_audit_row_and_a_rerun_adds_none(users):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        not_accepted = [file_complaint()[0] for _ in range(3)]  # high: accept by 13:00
        in_hand = file_complaint()[0]
        services.complaint_accept(actor=users["cs"], complaint=in_hand)  # resolve by 13th 18:00
    with time_machine.travel(at(2026, 10, 14, 9), tick=False):
        file_complaint()  # just in: not due, not escalated
        result = escalate_breaches()
        rows_after_first = _escalation_rows().count()
        assert escalate_breaches()["escalated"] == 0
    breached = [*not_accepted, in_hand]
    assert result["escalated"] == len(breached) == 4
    assert rows_after_first == _escalation_rows().count() == 4
    rows = {row.object_id: row for row in _escalation_rows()}
    assert sorted(rows) == sorted(str(c.pk) for c in breached)
    for complaint in not_accepted:
        row = rows[str(complaint.pk)]
        assert row.object_repr == complaint.code
        assert row.actor is None
        assert (row.from_state, row.to_state) == ("new", "new")
        assert row.comment.startswith("accept deadline missed, cycle 1")
        assert row.changes == {"is_escalated": [False, True]}
    resolve_row = rows[str(in_hand.pk)]
    assert resolve_row.from_state == Complaint.objects.get(pk=in_hand.pk).state
    assert resolve_row.comment.startswith("resolve deadline missed, cycle 1")
    # each row names the run that wrote the escalation
    run = str(Escalation.objects.get(complaint=in_hand).run)
    assert resolve_row.comment.endswith(f"run {run}")


def test_notify_only_rows_say_so_and_flag_nothing(users):
    SlaPolicy.objects.filter(severity="high").update(notify_only=True)
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        complaint, _ = file_complaint()
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        escalate_breaches()
    row = _escalation_rows().get()
    assert row.object_id == str(complaint.pk)
    assert "notify only" in row.comment
    assert row.changes == {}


def test_audit_rows_take_one_insert_whatever_the_number_of_breaches(
    users, django_assert_max_num_queries
):
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        for _ in range(2):
            file_complaint()
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        escalate_breaches()
    with time_machine.travel(at(2026, 10, 14, 9), tick=False):
        for _ in range(30):
            file_complaint()
    with (
        time_machine.travel(at(2026, 10, 16, 9), tick=False),
        django_assert_max_num_queries(30) as captured,
    ):
        assert escalate_breaches()["escalated"] == 30
    audit_inserts = [
        q for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "core_auditentry"')
    ]
    # one for the 30 complaints, one for the department's summary
    assert len(audit_inserts) == 2
    assert _escalation_rows().count() == 32
