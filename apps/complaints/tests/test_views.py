import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.complaints import services
from apps.complaints.models import Complaint, ComplaintAttachment, ComplaintCategory
from apps.complaints.tests.factories import accepted, file_complaint
from apps.core.tests import samples

pytestmark = pytest.mark.django_db

PNG = samples.png()
PDF = samples.pdf()


def public_client():
    """A visitor from an address of their own (the rate limit counts per IP)."""
    return Client(
        REMOTE_ADDR=f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    )


def form_data(**overrides):
    data = {
        "category": ComplaintCategory.objects.get(code="technical").pk,
        "description": "The mini-program shows a blank page after paying.",
        "contact_name": "张三",
        "contact_phone": "13812341234",
        "contact_email": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_visitor_files_a_complaint_and_gets_a_private_tracking_link(org):
    client = public_client()
    page = client.get(reverse("complaints:public_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("complaints:public_new"),
        form_data(
            attachments=[SimpleUploadedFile("shot.png", PNG), SimpleUploadedFile("r.pdf", PDF)]
        ),
        follow=True,
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.code in response.content.decode()
    assert complaint.attachments.count() == 2
    link = re.search(
        r'href="(http://testserver/complaints/track/[^"]+/)"', response.content.decode()
    )
    assert link
    track = client.get(link.group(1))
    assert track.status_code == 200
    assert complaint.code in track.content.decode()
    # the link is shown once
    assert client.get(reverse("complaints:public_done")).status_code == 302


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))], "5 MB"),
        ([SimpleUploadedFile("virus.exe", b"MZ\x90\x00")], "virus.exe"),
        ([SimpleUploadedFile("fake.jpg", b"<html>not an image</html>")], "fake.jpg"),
        ([SimpleUploadedFile(f"p{i}.png", PNG) for i in range(4)], "3"),
    ],
)
def test_bad_attachments_are_refused_with_a_clear_message_and_nothing_stored(org, files, message):
    response = public_client().post(reverse("complaints:public_new"), form_data(attachments=files))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="field-error-attachments"' in body
    assert message in body
    assert Complaint.objects.count() == 0
    assert ComplaintAttachment.objects.count() == 0


def test_script_markup_is_refused_next_to_the_field(org):
    response = public_client().post(
        reverse("complaints:public_new"),
        form_data(description="Look <script>alert('x')</script> at this"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="field-error-description"' in body
    assert "<script>alert" not in body
    assert Complaint.objects.count() == 0


def test_stored_text_is_escaped_on_every_page(users, client_for):
    complaint, token = file_complaint(description="a < b && c > d, \"quoted\" 'x'")
    page = client_for(users["cs"]).get(reverse("complaints:detail", args=[complaint.pk]))
    assert "a &lt; b &amp;&amp; c &gt; d" in page.content.decode()
    track = Client().get(reverse("complaints:track", args=[token]))
    assert "a &lt; b &amp;&amp; c &gt; d" in track.content.decode()


def test_rate_limit_answers_429_after_five_submissions_from_one_address(org, settings):
    settings.COMPLAINTS_INTAKE_RATE_LIMIT = 5
    client = public_client()
    for _ in range(5):
        assert client.post(reverse("complaints:public_new"), form_data()).status_code == 302
    response = client.post(reverse("complaints:public_new"), form_data())
    assert response.status_code == 429
    assert "Too many" in response.content.decode() or "过多" in response.content.decode()
    assert Complaint.objects.count() == 5
    # another address is not affected
    assert public_client().post(reverse("complaints:public_new"), form_data()).status_code == 302


def test_honeypot_stores_nothing(org):
    response = public_client().post(
        reverse("complaints:public_new"), form_data(website="http://spam")
    )
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_unknown_tracking_token_is_404():
    response = Client().get(reverse("complaints:track", args=["not-a-token"]))
    assert response.status_code == 404


def test_tracking_page_shows_public_replies_never_internal_notes(users):
    complaint, token = accepted(users)
    services.complaint_reply(actor=users["cs"], complaint=complaint, body="We are checking.")
    services.complaint_add_note(actor=users["cs"], complaint=complaint, body="SECRET-NOTE")
    body = Client().get(reverse("complaints:track", args=[token])).content.decode()
    assert "We are checking." in body
    assert "SECRET-NOTE" not in body


def test_contact_is_masked_for_people_not_handling_the_complaint(users, org, client_for):
    complaint, _ = accepted(users)
    full = client_for(users["cs"]).get(reverse("complaints:detail", args=[complaint.pk]))
    assert "13812341234" in full.content.decode()
    masked = client_for(users["copywriter"]).get(reverse("complaints:detail", args=[complaint.pk]))
    assert masked.status_code == 200
    assert "13812341234" not in masked.content.decode()
    assert "138****1234" in masked.content.decode()
    csv_body = b"".join(
        client_for(users["copywriter"])
        .get(reverse("complaints:list") + "?export=csv")
        .streaming_content
    ).decode()
    assert "138****1234" in csv_body
    assert "13812341234" not in csv_body
    csv_full = b"".join(
        client_for(users["cs"]).get(reverse("complaints:list") + "?export=csv").streaming_content
    ).decode()
    assert "13812341234" in csv_full


def test_people_of_other_departments_cannot_see_the_complaint(users, client_for):
    complaint, _ = file_complaint()
    response = client_for(users["other_manager"]).get(
        reverse("complaints:detail", args=[complaint.pk])
    )
    assert response.status_code == 403
    listing = client_for(users["other_manager"]).get(reverse("complaints:list"))
    assert complaint.code not in listing.content.decode()


def test_task_department_sees_and_closes_its_task(users, org, client_for):
    import datetime as dt

    from django.utils import timezone

    complaint, _ = accepted(users)
    task = services.task_open(
        actor=users["cs"],
        complaint=complaint,
        department=org["tech"],
        title="Check crash logs",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    tech = client_for(users["tech"])
    page = tech.get(reverse("complaints:department_tasks"))
    assert "Check crash logs" in page.content.decode()
    detail = tech.get(reverse("complaints:detail", args=[complaint.pk]))
    assert detail.status_code == 200
    assert "13812341234" not in detail.content.decode()
    denied = client_for(users["designer"]).post(
        reverse("complaints:task_action", args=[task.pk, "close"]), {"note": "done"}
    )
    assert denied.status_code == 403
    tech.post(
        reverse("complaints:task_action", args=[task.pk, "close"]),
        {"note": "Fixed", "next": "department"},
    )
    task.refresh_from_db()
    assert task.state == "done"


def test_htmx_action_errors_are_shown_in_place(users, org, client_for):
    import datetime as dt

    from django.utils import timezone

    complaint, _ = accepted(users)
    services.task_open(
        actor=users["cs"],
        complaint=complaint,
        department=org["tech"],
        title="Logs",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    response = client_for(users["cs"]).post(
        reverse("complaints:action", args=[complaint.pk, "resolve"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert 'data-testid="action-error"' in response.content.decode()


def test_staff_entry_form(users, client_for):
    client = client_for(users["cs"])
    response = client.post(
        reverse("complaints:create"),
        form_data(channel="phone", severity="urgent", contact_phone="", contact_email="a@b.cn"),
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.channel == "phone"
    assert complaint.created_by == users["cs"]
    assert client_for(users["copywriter"]).get(reverse("complaints:create")).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_is_constant(users, client_for, django_assert_max_num_queries, rows):
    for i in range(rows):
        complaint, _ = file_complaint()
        if i % 2:
            services.complaint_accept(actor=users["cs"], complaint=complaint)
    client = client_for(users["cs"])
    client.get(reverse("complaints:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:list") + "?overdue=&state=")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_reports_query_count_is_constant(users, client_for, django_assert_max_num_queries, rows):
    for i in range(rows):
        complaint, token = accepted(users, category="billing" if i % 2 else "content")
        services.complaint_resolve(actor=users["cs"], complaint=complaint)
        if i % 3 == 0:
            services.complaint_confirm(complaint=complaint, token=token, rating=1 + i % 5)
    client = client_for(users["manager"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("complaints:reports"))
    assert response.status_code == 200
    assert 'data-testid="sla-compliance"' in response.content.decode()
    csv = client.get(reverse("complaints:reports") + "?export=csv")
    assert csv.status_code == 200
    assert b"SLA" in csv.content


def test_reports_are_refused_to_people_without_complaint_roles(users, client_for):
    assert client_for(users["copywriter"]).get(reverse("complaints:reports")).status_code == 403


def test_public_form_has_one_hidden_honeypot(org):
    body = public_client().get(reverse("complaints:public_new")).content.decode()
    assert body.count('name="website"') == 1
    hidden = body.index('class="visually-hidden"')
    assert hidden < body.index('name="website"')


@pytest.mark.parametrize(
    ("language", "label", "state"),
    [("en", "Accepted the complaint", "Accepted"), ("zh-hans", "受理了投诉", "已受理")],
)
def test_timeline_shows_actions_and_states_in_words(users, client_for, language, label, state):
    complaint, _ = accepted(users)
    client = client_for(users["cs"])
    page = client.get(
        reverse("complaints:detail", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f">{label}</span> → {state}" in page
    assert "<code>complaint.accept</code>" not in page
