"""渠道资源使用权 (用户运营经理, seed 002): who may book the company's channels for their
department. Slots of a channel never overlap; refusals change nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.content.tests.factories import channel
from apps.core.errors import ConflictError, PermissionDenied
from apps.work import services
from apps.work.models import ChannelBooking

pytestmark = pytest.mark.django_db


def _slot(hours_from_now=24, length=2):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours_from_now)
    return start, start + dt.timedelta(hours=length)


def _book(actor, department, start, end, code="wechat-oa"):
    return services.channel_booking_create(
        actor=actor,
        department=department,
        channel=channel(code),
        starts_at=start,
        ends_at=end,
        purpose="拉新推送",
    )


def test_the_holder_books_a_channel_for_the_department(app_users, org):
    start, end = _slot()
    booking = _book(app_users["user_ops"], org["app-ops"], start, end)
    assert booking.state == ChannelBooking.State.BOOKED
    assert booking.department == org["app-ops"]


@pytest.mark.parametrize("who", ["new_media", "channel", "head"])
def test_without_channel_resources_a_booking_is_refused(app_users, org, counts, who):
    start, end = _slot()
    channel()  # installed before counting
    before = counts()
    with pytest.raises(PermissionDenied):
        _book(app_users[who], org["app-ops"], start, end)
    assert counts() == before


def test_the_right_reaches_only_the_holders_department(app_users, org, counts):
    start, end = _slot()
    channel()
    before = counts()
    with pytest.raises(PermissionDenied):
        _book(app_users["user_ops"], org["wechat"], start, end)
    assert counts() == before


def test_an_overlapping_slot_is_refused_and_an_adjacent_one_is_fine(app_users, org, counts):
    start, end = _slot()
    _book(app_users["user_ops"], org["app-ops"], start, end)
    before = counts()
    with pytest.raises(ConflictError):
        _book(app_users["user_ops"], org["app-ops"], start + dt.timedelta(hours=1), end)
    assert counts() == before
    _book(app_users["user_ops"], org["app-ops"], end, end + dt.timedelta(hours=1))
    _book(app_users["user_ops"], org["app-ops"], start, end, code="weibo")


def test_cancelling_takes_the_right_too(app_users, org, counts):
    start, end = _slot()
    booking = _book(app_users["user_ops"], org["app-ops"], start, end)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.channel_booking_cancel(actor=app_users["new_media"], booking=booking)
    assert counts() == before
    services.channel_booking_cancel(actor=app_users["user_ops"], booking=booking)
    booking.refresh_from_db()
    assert booking.state == ChannelBooking.State.CANCELLED


def test_page_and_api_refuse_without_the_right(app_users, org, client_for, api_for, counts):
    start, end = _slot()
    channel()
    before = counts()
    page = client_for(app_users["new_media"]).post(
        reverse("work:bookings"),
        {"department": org["app-ops"].pk, "channel": 1, "purpose": "x"},
    )
    assert page.status_code == 403
    api = api_for(app_users["new_media"]).post(
        "/api/v1/work/channel-bookings/",
        {
            "department": org["app-ops"].pk,
            "channel": "wechat-oa",
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "purpose": "拉新推送",
        },
        format="json",
    )
    assert api.status_code == 403
    assert counts() == before
    api = api_for(app_users["user_ops"]).post(
        "/api/v1/work/channel-bookings/",
        {
            "department": org["app-ops"].pk,
            "channel": "wechat-oa",
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "purpose": "拉新推送",
        },
        format="json",
    )
    assert api.status_code == 201, api.json()
