"""ComplaintFactory files complaints through complaint_submit: a valid complaint with the
service's due times and a working tracking token, which a handler can accept; a channel
the public may not use is refused with nothing written."""

import pytest

from apps.complaints import services
from apps.complaints.models import Channel, Complaint
from apps.complaints.tests.factories import ComplaintFactory
from apps.core.errors import PermissionDenied
from apps.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_factory_files_a_valid_complaint_through_the_service(users):
    complaint = ComplaintFactory()
    complaint.full_clean()
    assert complaint.state == Complaint.State.NEW and complaint.channel == Channel.WEB
    assert complaint.received_at < complaint.accept_due_at <= complaint.resolve_due_at
    assert services.complaint_by_token(complaint.tracking_token) == complaint
    accepted = services.complaint_accept(actor=users["cs"], complaint=complaint)
    assert accepted.accepted_at is not None


def test_staff_intake_defaults_to_the_phone(users):
    complaint = ComplaintFactory(actor=users["cs"])
    assert complaint.channel == Channel.PHONE


def test_the_public_cannot_file_by_phone_and_nothing_is_written(org):
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        ComplaintFactory(channel=Channel.PHONE)
    assert not Complaint.objects.exists()
    assert AuditEntry.objects.count() == audit_rows
