import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.complaints import services, tasks
from apps.complaints.models import Complaint, ComplaintMessage, CoordinationTask
from apps.complaints.tests.factories import accepted, file_complaint
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.models import AuditEntry, Notification

S = Complaint.State
pytestmark = pytest.mark.django_db


def _actions(complaint):
    return list(
        AuditEntry.objects.filter(object_type="complaints.complaint", object_id=str(complaint.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_public_intake_routes_to_default_department_with_due_times_and_hashed_token(users):
    complaint, token = file_complaint()

    assert complaint.state == S.NEW
    assert complaint.department.code == "wechat"
    assert complaint.code.startswith(f"TS-{timezone.localdate().year}-")
    assert len(complaint.code) == len("TS-2026-") + 6
    assert token not in complaint.tracking_token_hash
    assert complaint.tracking_token_hash == services.hash_token(token)
    assert complaint.accept_due_at < complaint.resolve_due_at
    assert _actions(complaint) == ["complaint.submit"]


def test_new_complaint_notifies_handlers_of_the_department(
    users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint, _ = file_complaint()
    # intake only queues the task: nobody is told inside the request
    assert len(callbacks) == 1
    assert not Notification.objects.exists()
    assert tasks.notify_new_complaint(complaint.pk) == 1
    assert Notification.objects.filter(recipient=users["cs"]).exists()
    assert not Notification.objects.filter(recipient=users["tech"]).exists()
    # run again (a retried task): nobody is told twice
    assert tasks.notify_new_complaint(complaint.pk) == 0
    assert Notification.objects.filter(recipient=users["cs"]).count() == 1


def test_handlers_are_not_told_of_a_complaint_already_accepted(users):
    complaint, _ = file_complaint()
    services.complaint_accept(actor=users["cs"], complaint=complaint)
    assert tasks.notify_new_complaint(complaint.pk) == 0


def test_anonymous_may_not_use_staff_channels(users):
    with pytest.raises(PermissionDenied):
        file_complaint(channel="phone")


def test_staff_entry_records_channel_and_requires_handle_complaint(users):
    complaint, _ = file_complaint(actor=users["cs"], channel="wechat", severity="urgent")
    assert complaint.channel == "wechat"
    assert complaint.severity == "urgent"
    assert complaint.created_by == users["cs"]
    with pytest.raises(PermissionDenied):
        file_complaint(actor=users["copywriter"], channel="phone")


def test_script_markup_is_refused_and_nothing_is_stored(users):
    with pytest.raises(ApplicationError) as error:
        file_complaint(description="Hello <script>alert(1)</script> there")
    assert error.value.field == "description"
    assert Complaint.objects.count() == 0


def test_contact_is_required(users):
    with pytest.raises(ApplicationError) as error:
        file_complaint(phone="", email="")
    assert error.value.field == "contact_phone"


def test_full_lifecycle_with_audit_trail(users):
    complaint, token = accepted(users)
    assert complaint.owner == users["cs"]
    assert complaint.accepted_at

    complaint = services.complaint_start(actor=users["cs"], complaint=complaint)
    services.complaint_reply(actor=users["cs"], complaint=complaint, body="We are on it.")
    services.complaint_add_note(actor=users["cs"], complaint=complaint, body="Check logs")
    complaint = services.complaint_resolve(actor=users["cs"], complaint=complaint, summary="Fixed.")
    assert complaint.state == S.RESOLVED
    assert complaint.resolved_in_time is True
    complaint = services.complaint_confirm(
        complaint=complaint, token=token, rating=5, comment="Thanks"
    )

    assert complaint.state == S.CLOSED
    assert complaint.rating == 5
    assert complaint.closed_at
    assert _actions(complaint) == [
        "complaint.submit",
        "complaint.accept",
        "complaint.start",
        "complaint.reply",
        "complaint.note",
        "complaint.resolve",
        "complaint.confirm",
    ]
    kinds = list(complaint.messages.values_list("kind", flat=True))
    assert kinds == ["reply", "note", "reply"]


def test_accept_twice_is_a_conflict_and_owner_must_handle_here(users):
    complaint, _ = file_complaint()
    with pytest.raises(ApplicationError) as error:
        services.complaint_accept(actor=users["cs"], complaint=complaint, owner=users["tech"])
    assert error.value.field == "owner"
    services.complaint_accept(actor=users["cs"], complaint=complaint)
    with pytest.raises(ConflictError):
        services.complaint_accept(actor=users["cs"], complaint=complaint)
    assert _actions(complaint).count("complaint.accept") == 1


def test_people_outside_the_department_cannot_handle(users):
    complaint, _ = file_complaint()
    for login in ("tech", "other_specialist", "copywriter"):
        with pytest.raises(PermissionDenied):
            services.complaint_accept(actor=users[login], complaint=complaint)


def test_manager_may_accept_and_assign_to_customer_service(users):
    complaint, _ = file_complaint()
    complaint = services.complaint_accept(
        actor=users["manager"], complaint=complaint, owner=users["cs"]
    )
    assert complaint.owner == users["cs"]


def test_resolve_is_refused_while_a_task_is_open(users, org):
    complaint, _ = accepted(users)
    task = services.task_open(
        actor=users["cs"],
        complaint=complaint,
        department=org["tech"],
        title="Check the crash logs",
        due_date=timezone.localdate() + dt.timedelta(days=2),
    )
    with pytest.raises(ApplicationError) as error:
        services.complaint_resolve(actor=users["cs"], complaint=complaint)
    assert "技术部" in str(error.value.message) or "Technology" in str(error.value.message)
    assert Complaint.objects.get(pk=complaint.pk).state == S.ACCEPTED

    with pytest.raises(PermissionDenied):
        services.task_close(actor=users["cs"], task=task, note="done")
    services.task_close(actor=users["tech"], task=task, note="Null pointer fixed in 2.3.1")
    with pytest.raises(ConflictError):
        services.task_close(actor=users["tech"], task=task, note="again")
    complaint = services.complaint_resolve(actor=users["cs"], complaint=complaint)
    assert complaint.state == S.RESOLVED


def test_task_refusals(users, org):
    complaint, _ = accepted(users)
    with pytest.raises(ApplicationError) as error:
        services.task_open(
            actor=users["cs"],
            complaint=complaint,
            department=org["tech"],
            title="Check",
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert error.value.field == "due_date"
    with pytest.raises(ApplicationError) as error:
        services.task_open(
            actor=users["cs"],
            complaint=complaint,
            department=org["wechat"],
            title="Check",
            due_date=timezone.localdate(),
        )
    assert error.value.field == "department"
    with pytest.raises(PermissionDenied):
        services.task_open(
            actor=users["tech"],
            complaint=complaint,
            department=org["product"],
            title="Check",
            due_date=timezone.localdate(),
        )


def test_confirm_without_the_tracking_token_is_refused(users):
    complaint, _token = accepted(users)
    services.complaint_resolve(actor=users["cs"], complaint=complaint)
    _other, _other_token = file_complaint()
    for wrong in ("", "guess", _other_token):
        with pytest.raises(PermissionDenied):
            services.complaint_confirm(complaint=complaint, token=wrong, rating=5)
    assert Complaint.objects.get(pk=complaint.pk).state == S.RESOLVED


def test_confirm_before_resolution_and_bad_rating_are_refused(users):
    complaint, token = accepted(users)
    with pytest.raises(ConflictError):
        services.complaint_confirm(complaint=complaint, token=token, rating=5)
    services.complaint_resolve(actor=users["cs"], complaint=complaint)
    with pytest.raises(ApplicationError) as error:
        services.complaint_confirm(complaint=complaint, token=token, rating=6)
    assert error.value.field == "rating"
    services.complaint_confirm(complaint=complaint, token=token, rating=3)
    with pytest.raises(ConflictError):
        services.complaint_confirm(complaint=complaint, token=token, rating=4)


def test_not_satisfied_reopens_with_a_new_cycle_and_a_fresh_resolve_clock(users):
    complaint, token = accepted(users)
    services.complaint_resolve(actor=users["cs"], complaint=complaint)
    later = timezone.now() + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        complaint = services.complaint_not_satisfied(
            complaint=complaint, token=token, comment="Still crashing"
        )
        expected_due = services.sla.restart_resolve_clock(timezone.now(), complaint.severity)
    assert complaint.state == S.REOPENED
    assert complaint.cycle == 2
    assert complaint.reopen_count == 1
    assert complaint.resolve_due_at == expected_due
    assert complaint.resolved_at is None
    complaint = services.complaint_start(actor=users["cs"], complaint=complaint)
    assert complaint.state == S.IN_PROGRESS
    with pytest.raises(ConflictError):
        services.complaint_not_satisfied(complaint=complaint, token=token, comment="again?")


def test_closed_complaint_reopens_within_the_window_only(users, settings):
    settings.COMPLAINTS_REOPEN_WINDOW_DAYS = 7
    complaint, token = accepted(users)
    services.complaint_resolve(actor=users["cs"], complaint=complaint)
    services.complaint_confirm(complaint=complaint, token=token, rating=4)

    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        with pytest.raises(ConflictError) as error:
            services.complaint_not_satisfied(complaint=complaint, token=token, comment="It broke")
        assert "7" in str(error.value.message)
        with pytest.raises(ConflictError):
            services.complaint_reopen(actor=users["cs"], complaint=complaint, comment="Called")
    assert Complaint.objects.get(pk=complaint.pk).state == S.CLOSED

    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        complaint = services.complaint_not_satisfied(
            complaint=complaint, token=token, comment="It broke again"
        )
    assert complaint.state == S.REOPENED
    assert complaint.rating is None


def test_merge_refusals_and_success(users):
    first, _ = accepted(users)
    second, _ = file_complaint()
    with pytest.raises(ApplicationError) as error:
        services.complaint_merge(actor=users["cs"], complaint=first, into=first)
    assert error.value.field == "into"

    merged = services.complaint_merge(actor=users["cs"], complaint=second, into=first)
    assert merged.state == S.MERGED
    assert merged.merged_into == first
    with pytest.raises(ConflictError):
        services.complaint_merge(actor=users["cs"], complaint=second, into=first)

    third, _ = file_complaint()
    with pytest.raises(ApplicationError):  # into a merged one
        services.complaint_merge(actor=users["cs"], complaint=third, into=second)
    with pytest.raises(PermissionDenied):
        services.complaint_merge(actor=users["tech"], complaint=third, into=first)


def test_merge_into_a_closed_complaint_is_refused(users):
    closed, token = accepted(users)
    services.complaint_resolve(actor=users["cs"], complaint=closed)
    services.complaint_confirm(complaint=closed, token=token, rating=5)
    duplicate, _ = file_complaint()
    with pytest.raises(ApplicationError):
        services.complaint_merge(actor=users["cs"], complaint=duplicate, into=closed)
    assert Complaint.objects.get(pk=duplicate.pk).state == S.NEW


def test_merge_cancels_open_tasks_of_the_duplicate(users, org):
    first, _ = accepted(users)
    second, _ = accepted(users)
    task = services.task_open(
        actor=users["cs"],
        complaint=second,
        department=org["tech"],
        title="Look",
        due_date=timezone.localdate(),
    )
    services.complaint_merge(actor=users["cs"], complaint=second, into=first)
    task.refresh_from_db()
    assert task.state == CoordinationTask.State.CANCELLED


def test_reply_on_a_new_complaint_is_refused(users):
    complaint, _ = file_complaint()
    with pytest.raises(ConflictError):
        services.complaint_reply(actor=users["cs"], complaint=complaint, body="Hi")


def test_complainant_adds_information_and_never_writes_markup(users):
    complaint, token = accepted(users)
    services.complaint_add_information(complaint=complaint, token=token, body="Order 123")
    assert complaint.messages.get().kind == ComplaintMessage.Kind.COMPLAINANT
    with pytest.raises(ApplicationError):
        services.complaint_add_information(
            complaint=complaint, token=token, body='<img src=x onerror="alert(1)">'
        )
    with pytest.raises(PermissionDenied):
        services.complaint_add_information(complaint=complaint, token="nope", body="Order 123")


def test_wait_pauses_and_information_resumes_the_clock(users):
    complaint, token = accepted(users)
    complaint = services.complaint_start(actor=users["cs"], complaint=complaint)
    due_before = complaint.resolve_due_at
    complaint = services.complaint_wait(
        actor=users["cs"], complaint=complaint, question="Which order number?"
    )
    assert complaint.state == S.WAITING
    assert complaint.paused_at
    with pytest.raises(ConflictError):
        services.complaint_resolve(actor=users["cs"], complaint=complaint)
    services.complaint_add_information(complaint=complaint, token=token, body="Order 42")
    complaint.refresh_from_db()
    assert complaint.state == S.IN_PROGRESS
    assert complaint.paused_at is None
    assert complaint.resolve_due_at >= due_before


def test_unanswered_resolution_closes_by_itself_after_the_window_once(users, settings):
    settings.COMPLAINTS_CONFIRM_WINDOW_DAYS = 7
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        complaint, token = accepted(users)
        services.complaint_resolve(actor=users["cs"], complaint=complaint)
        other, _ = accepted(users)  # still being handled: never closed by the job
    with time_machine.travel(start + dt.timedelta(days=6, hours=23), tick=False):
        assert tasks.close_unconfirmed_complaints() == 0
    complaint.refresh_from_db()
    assert complaint.state == S.RESOLVED
    with time_machine.travel(start + dt.timedelta(days=7, minutes=1), tick=False):
        assert tasks.close_unconfirmed_complaints() == 1
        assert tasks.close_unconfirmed_complaints() == 0  # run again: nothing more
    complaint.refresh_from_db()
    other.refresh_from_db()
    assert complaint.state == S.CLOSED
    assert complaint.rating is None
    assert complaint.closed_at == start + dt.timedelta(days=7, minutes=1)
    assert other.state == S.ACCEPTED
    closings = AuditEntry.objects.filter(action="complaint.auto_close")
    assert closings.count() == 1
    entry = closings.get()
    assert (entry.actor_id, entry.from_state, entry.to_state) == (None, "resolved", "closed")
    assert entry.comment == "Closed without confirmation"
    # the complainant may still say they are not satisfied within the reopen window
    with time_machine.travel(start + dt.timedelta(days=8), tick=False):
        complaint = services.complaint_not_satisfied(
            complaint=complaint, token=token, comment="Nobody asked me"
        )
    assert complaint.state == S.REOPENED


def test_auto_close_leaves_a_complaint_that_was_confirmed_or_reopened_meanwhile(users):
    complaint, token = accepted(users)
    services.complaint_resolve(actor=users["cs"], complaint=complaint)
    services.complaint_confirm(complaint=complaint, token=token, rating=5)
    with time_machine.travel(timezone.now() + dt.timedelta(days=30), tick=False):
        assert services.complaint_close_unconfirmed(complaint=complaint) is False
        assert services.close_unconfirmed() == 0
    assert not AuditEntry.objects.filter(action="complaint.auto_close").exists()
