"""Reads of the work app: lists filtered in SQL by the policy (apps.work.permissions,
built on apps.org.permissions.department_q), with their joins, so a page costs the
same few queries however many rows it shows."""

from apps.work import permissions as policy
from apps.work.models import ChannelBooking, CoordinationRequest, Suggestion

SUGGESTION_BOXES = ("received", "sent", "department")


def suggestion_list_for(user, *, box: str = "", state: str = ""):
    """Suggestions `user` may see; `box` narrows to those received, sent, or the rest of
    the departments they supervise."""
    rows = Suggestion.objects.filter(policy.suggestion_visible_q(user)).select_related(
        "department", "author__employee", "recipient__employee"
    )
    if box == "received":
        rows = rows.filter(recipient=user)
    elif box == "sent":
        rows = rows.filter(author=user)
    if state in Suggestion.State.values:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-pk")


def suggestion_for_page(pk: int) -> Suggestion:
    return Suggestion.objects.select_related(
        "department", "author__employee", "recipient__employee"
    ).get(pk=pk)


def coordination_list_for(user, *, state: str = "", incoming: bool = False):
    rows = CoordinationRequest.objects.filter(policy.coordination_visible_q(user))
    if incoming:
        rows = rows.filter(
            policy.org_policy.department_q(
                user, *policy.ANSWERING_AUTHORITIES, field="to_department"
            )
        )
    if state in CoordinationRequest.State.values:
        rows = rows.filter(state=state)
    return rows.select_related(
        "from_department", "to_department", "campaign", "created_by__employee"
    ).order_by("-created_at", "-pk")


def coordination_for_page(pk: int) -> CoordinationRequest:
    return CoordinationRequest.objects.select_related(
        "from_department", "to_department", "campaign", "created_by__employee", "answered_by"
    ).get(pk=pk)


def booking_list_for(user, *, channel=None, upcoming_from=None, state: str = ""):
    rows = ChannelBooking.objects.filter(policy.booking_visible_q(user))
    if channel is not None:
        rows = rows.filter(channel=channel)
    if upcoming_from is not None:
        rows = rows.filter(ends_at__gte=upcoming_from)
    if state in ChannelBooking.State.values:
        rows = rows.filter(state=state)
    return rows.select_related("department", "channel", "booked_by__employee").order_by(
        "starts_at", "pk"
    )
