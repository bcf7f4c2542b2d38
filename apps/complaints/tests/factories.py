"""Complaints for tests, filed through the real service (so due times are real)."""

import factory
from factory.django import DjangoModelFactory

from apps.complaints import services
from apps.complaints.models import Channel, Complaint, ComplaintCategory


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


# --- factory_boy ----------------------------------------------------------------------


class ComplaintFactory(DjangoModelFactory):
    """A complaint filed through `complaint_submit`, so routing, severity and SLA due
    times are the service's. By default a customer files it on the web (actor None);
    pass a handler as `actor` and another `channel` for staff intake. The private
    tracking token is kept on the instance as `tracking_token`."""

    class Meta:
        model = Complaint

    actor = None
    channel = factory.LazyAttribute(lambda c: Channel.PHONE if c.actor else Channel.WEB)
    category = factory.LazyFunction(lambda: ComplaintCategory.objects.get(code="technical"))
    description = "The app crashes when I open my orders page."
    contact_name = "张三"
    contact_phone = "13812341234"
    contact_email = "zhang@example.com"

    @classmethod
    def _create(cls, model_class, *args, actor, **fields):
        complaint, token = services.complaint_submit(actor=actor, **fields)
        complaint.tracking_token = token
        return complaint
