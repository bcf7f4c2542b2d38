"""One view per complaint action (issue 11): each has its own address, and a refused
action answers with the message at the top, keeps the input and changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.complaints import services
from apps.complaints.models import Complaint, ComplaintMessage, CoordinationTask
from apps.complaints.tests.factories import accepted, file_complaint
from apps.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

ACTIONS = [
    "accept",
    "assign",
    "start",
    "wait",
    "resume",
    "resolve",
    "reopen",
    "transfer",
    "merge",
    "reply",
    "note",
    "task",
]


def _counts():
    return (
        AuditEntry.objects.count(),
        Notification.objects.count(),
        ComplaintMessage.objects.count(),
        CoordinationTask.objects.count(),
    )


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_has_its_own_address(action):
    own = reverse(f"complaints:{action}", args=[7])
    assert own == f"/complaints/7/{action}/"
    assert reverse("complaints:action", args=[7, action]) == own


def test_an_action_that_does_not_exist_is_404(users, client_for):
    complaint, _ = accepted(users)
    before = _counts()
    response = client_for(users["cs"]).post(f"/complaints/{complaint.pk}/explode/")
    assert response.status_code == 404
    assert _counts() == before


def test_refused_resolve_renders_the_page_with_the_message_on_top(users, org, client_for):
    complaint, _ = accepted(users)
    services.task_open(
        actor=users["cs"],
        complaint=complaint,
        department=org["tech"],
        title="Logs",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    before, state = _counts(), Complaint.objects.get(pk=complaint.pk).state
    response = client_for(users["cs"]).post(
        reverse("complaints:resolve", args=[complaint.pk]), {"summary": "Fixed it"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert" tabindex="-1" data-focus-alert data-testid="action-error"' in html
    assert _counts() == before
    assert Complaint.objects.get(pk=complaint.pk).state == state


def test_invalid_reply_keeps_the_text_and_writes_nothing(users, client_for):
    complaint, _ = accepted(users)
    before = _counts()
    long_text = "x" * 6000
    response = client_for(users["cs"]).post(
        reverse("complaints:reply", args=[complaint.pk]),
        {"body": long_text},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert long_text in response.content.decode()
    assert 'data-testid="action-error"' in response.content.decode()
    assert _counts() == before


def test_refused_information_on_a_closed_complaint_is_409_and_writes_nothing(org, client):
    complaint, token = file_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=Complaint.State.CLOSED)
    before = _counts()
    response = client.post(
        reverse("complaints:track_info", args=[token]), {"body": "One more detail for you"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="action-error"' in html
    assert _counts() == before


def test_invalid_information_keeps_the_text(org, client):
    _complaint, token = file_complaint()
    before = _counts()
    long_text = "y" * 6000
    response = client.post(reverse("complaints:track_info", args=[token]), {"body": long_text})
    assert response.status_code == 400
    assert long_text in response.content.decode()
    assert _counts() == before


def test_wrong_tracking_token_is_a_real_404(org, client):
    file_complaint()
    before = _counts()
    response = client.post(
        reverse("complaints:track_info", args=["not-the-token"]), {"body": "Hello there"}
    )
    assert response.status_code == 404
    assert _counts() == before


def test_task_refusal_from_the_department_list_is_a_message_and_a_redirect(users, org, client_for):
    complaint, _ = accepted(users)
    task = services.task_open(
        actor=users["cs"],
        complaint=complaint,
        department=org["tech"],
        title="Logs",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    services.task_close(actor=users["tech"], task=task, note="done")
    before = _counts()
    response = client_for(users["tech"]).post(
        reverse("complaints:task_close", args=[task.pk]), {"note": "again", "next": "department"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:department_tasks")
    assert _counts() == before
