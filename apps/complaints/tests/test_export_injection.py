"""Complaint CSVs keep what the public typed as text: contact fields and category labels
that start with = + - @ TAB or CR come out quoted with a leading apostrophe, for those who
see them in full and for those who see them masked."""

from django.urls import reverse

from apps.complaints.models import Complaint, ComplaintCategory
from apps.complaints.tests.factories import accepted
from apps.core.tests.injection import PAYLOADS, assert_csv_inert, csv_rows


def _complaints_with_payloads(users):
    """One complaint per payload, the payload in every contact field (set after intake,
    as an old row or an admin edit could hold it)."""
    for payload in PAYLOADS:
        complaint, _token = accepted(users)
        Complaint.objects.filter(pk=complaint.pk).update(
            contact_name=payload, contact_phone=payload, contact_email=payload
        )


def _csv(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.streaming_content if response.streaming else [response.content]
    return b"".join(body).decode("utf-8")


def test_complaint_list_csv_escapes_every_contact_field(users, client_for):
    _complaints_with_payloads(users)
    text = _csv(client_for(users["cs"]), reverse("complaints:list") + "?export=csv")
    assert_csv_inert(text)
    rows = csv_rows(text)
    assert len(rows[0]) == 14
    escaped = sorted(tuple(row[8:11]) for row in rows[1:])  # name, phone, e-mail
    assert escaped == sorted(("'" + p,) * 3 for p in PAYLOADS)


def test_masked_contacts_are_escaped_too(users, client_for):
    _complaints_with_payloads(users)
    text = _csv(client_for(users["copywriter"]), reverse("complaints:list") + "?export=csv")
    assert_csv_inert(text, payloads=())  # no field a spreadsheet would evaluate
    assert "'=***" in {cell for row in csv_rows(text) for cell in row}


def test_report_csv_escapes_category_labels(users, client_for):
    category = ComplaintCategory.objects.get(code="technical")
    category.name = category.name_en = "=1+1"
    category.save(update_fields=["name", "name_en"])
    accepted(users)
    text = _csv(client_for(users["manager"]), reverse("complaints:reports") + "?export=csv")
    assert_csv_inert(text, payloads=("=1+1",))
