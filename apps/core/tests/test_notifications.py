"""Notifications: one row per recipient in their own language, e-mail copies queued on
commit and sent by the Celery task, the unread count in the header, marking read."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.core import notifications
from apps.core.errors import PermissionDenied
from apps.core.models import Notification
from apps.core.tasks import send_notification_emails


def _set_language(user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


@pytest.mark.django_db
def test_notify_writes_one_row_per_recipient_in_their_language(users):
    # given one recipient reading Chinese and one reading English
    zh, en = users["specialist"], users["designer"]
    _set_language(en, "en")
    title = format_lazy("{}: {}", _("Password"), "OpsDemo")  # Django ships both languages
    with translation.override("zh-hans"):
        chinese = str(title)
    assert chinese != "Password: OpsDemo"
    # when they are notified with a lazy title (while the request is in English)
    with translation.override("en"):
        rows = notifications.notify(
            recipients=[zh, en, zh, None], title=title, url="/org/people/", send_email=False
        )
    # then each person gets exactly one row, rendered in their own language
    titles = {n.recipient.username: n.title for n in rows}
    assert len(rows) == 2
    assert titles == {"specialist": chinese, "designer": "Password: OpsDemo"}


@pytest.mark.django_db
def test_inactive_people_are_not_notified(users, people):
    from apps.org import services

    # given someone who left the company
    services.employee_deactivate(actor=users["hr"], employee=people["cs"])
    users["cs"].refresh_from_db()
    # when notified; then no row is written for them
    assert notifications.notify(recipients=[users["cs"]], title="x", send_email=False) == []


@pytest.mark.django_db
def test_email_copies_are_queued_on_commit_and_sent_by_the_task(
    users, django_capture_on_commit_callbacks
):
    # given two recipients with e-mail addresses, one without
    users["tech"].email = ""
    users["tech"].save(update_fields=["email"])
    recipients = [users["specialist"], users["manager"], users["tech"]]
    # when notified inside a transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notifications.notify(
            recipients=recipients, title="复核提醒", body="请复核", url="/x/"
        )
    # then nothing is sent before commit, and one task is queued for the commit
    assert len(callbacks) == 1
    assert mail.outbox == []
    # when the worker runs the task (its function, with the ids the callback carries)
    sent = send_notification_emails([n.pk for n in rows])
    # then the two people with an address got an e-mail with the link
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["manager@example.com", "specialist@example.com"]
    assert mail.outbox[0].subject == "复核提醒"
    assert mail.outbox[0].body.endswith("/x/")
    assert mail.outbox[0].body.startswith("请复核")


@pytest.mark.django_db
def test_a_rolled_back_notification_queues_no_email(users, django_capture_on_commit_callbacks):
    from django.db import transaction

    # given a notification inside a transaction that rolls back
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                notifications.notify(recipients=[users["specialist"]], title="x")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    # then no e-mail is queued and no row stays
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_header_shows_the_unread_count(client_for, users):
    # given three notifications, one of them read
    rows = [
        notifications.notify(recipients=[users["manager"]], title=t, send_email=False)[0]
        for t in ("一", "二", "三")
    ]
    notifications.notification_mark_read(actor=users["manager"], notification=rows[0])
    # when the manager opens any page
    html = client_for(users["manager"]).get(reverse("org:positions")).content.decode()
    # then the header shows 2 unread
    assert 'data-testid="unread-count">2<' in html


@pytest.mark.django_db
def test_no_badge_without_unread_notifications(client_for, users):
    html = client_for(users["manager"]).get(reverse("org:positions")).content.decode()
    assert 'data-testid="unread-count"' not in html


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, users):
    # given a notification with a link
    (note,) = notifications.notify(
        recipients=[users["manager"]], title="x", url="/org/people/", send_email=False
    )
    # when its recipient opens it
    response = client_for(users["manager"]).post(reverse("notification_open", args=[note.pk]))
    # then it is read and they are taken to the link
    assert response.status_code == 302
    assert response["Location"] == "/org/people/"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_nobody_opens_someone_elses_notification(client_for, users):
    # given the manager's notification
    (note,) = notifications.notify(recipients=[users["manager"]], title="x", send_email=False)
    # when another person opens it through the page
    response = client_for(users["specialist"]).post(reverse("notification_open", args=[note.pk]))
    # then it is a 404 (its existence is not revealed) and it stays unread
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    # and the service itself refuses too
    with pytest.raises(PermissionDenied):
        notifications.notification_mark_read(actor=users["specialist"], notification=note)


@pytest.mark.django_db
def test_mark_all_read_touches_only_ones_own(client_for, users):
    # given notifications for the manager and the specialist
    notifications.notify(
        recipients=[users["manager"], users["specialist"]], title="x", send_email=False
    )
    # when the manager marks all read
    client_for(users["manager"]).post(reverse("notifications_mark_all_read"))
    # then theirs are read, the specialist's are not
    assert notifications.unread_count(users["manager"]) == 0
    assert notifications.unread_count(users["specialist"]) == 1


@pytest.mark.django_db
def test_the_list_shows_only_ones_own_notifications(client_for, users):
    notifications.notify(recipients=[users["manager"]], title="给经理", send_email=False)
    notifications.notify(recipients=[users["specialist"]], title="给专员", send_email=False)
    html = client_for(users["manager"]).get(reverse("notifications")).content.decode()
    assert "给经理" in html
    assert "给专员" not in html
