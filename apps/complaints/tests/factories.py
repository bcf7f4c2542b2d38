"""Complaints for tests, filed through the real service (so due times are real)."""

from apps.complaints import services
from apps.complaints.models import Channel, ComplaintCategory


def file_complaint(
    *,
    actor=None,
    category="technical",
    severity="",
    description="The app crashes when I open my orders page.",
    phone="13812341234",
    email="zhang@example.com",
    channel=None,
    received_at=None,
):
    complaint, token = services.complaint_submit(
        actor=actor,
        channel=channel or (Channel.PHONE if actor else Channel.WEB),
        category=ComplaintCategory.objects.get(code=category),
        severity=severity,
        description=description,
        contact_name="张三",
        contact_phone=phone,
        contact_email=email,
        received_at=received_at,
    )
    return complaint, token


def accepted(users, **kwargs):
    complaint, token = file_complaint(**kwargs)
    complaint = services.complaint_accept(actor=users["cs"], complaint=complaint)
    return complaint, token
