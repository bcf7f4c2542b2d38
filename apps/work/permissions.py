"""The work policy, on apps.org.permissions: who may suggest, coordinate and book
channels, and which rows a user may see. Pages, the API and services all ask here.

- suggest / propose_improvement: held in the author's department; the reply belongs
  to the supervisor the suggestion was addressed to, nobody else;
- work_coordination: open a request from a department (where it is held) to another;
  campaign_coordination: open one on a campaign's execution (held in the campaign's
  department); a request is answered by whoever receives coordination (coordinate_task)
  or supervises (supervise) in the receiving department;
- channel_resources: book a channel for the department where it is held.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.errors import PermissionDenied
from apps.org import permissions as org_policy
from apps.org.authorities import Authority

A = Authority

SUGGESTION_AUTHORITY = {
    "suggestion": A.SUGGEST,
    "improvement": A.PROPOSE_IMPROVEMENT,
}
ANSWERING_AUTHORITIES = (A.COORDINATE_TASK, A.SUPERVISE)


def require(allowed: bool, message=None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


def _nobody(user) -> bool:
    return not getattr(user, "is_authenticated", False) or not user.is_active


# --- Suggestions ----------------------------------------------------------------------


def suggestion_departments(user, kind: str):
    """Departments where `user` may submit a suggestion of `kind`."""
    return org_policy.departments_where(user, SUGGESTION_AUTHORITY[kind]).filter(is_active=True)


def can_suggest_anywhere(user) -> bool:
    return any(org_policy.has_authority(user, a) for a in SUGGESTION_AUTHORITY.values())


def suggestion_visible_q(user) -> Q:
    """The author's own, those addressed to the user, and those of departments the user
    supervises."""
    if _nobody(user):
        return Q(pk__in=[])
    return (
        Q(author=user)
        | Q(recipient=user)
        | org_policy.department_q(user, A.SUPERVISE, field="department")
    )


def can_view_suggestion(user, suggestion) -> bool:
    if _nobody(user):
        return False
    return user.pk in (suggestion.author_id, suggestion.recipient_id) or org_policy.has_authority(
        user, A.SUPERVISE, suggestion.department
    )


def can_reply(user, suggestion) -> bool:
    return not _nobody(user) and suggestion.recipient_id == user.pk


# --- Coordination requests ------------------------------------------------------------


def coordination_departments(user):
    """Departments `user` may open a work coordination request from."""
    return org_policy.departments_where(user, A.WORK_COORDINATION).filter(is_active=True)


def can_coordinate_from(user, department) -> bool:
    return org_policy.has_authority(user, A.WORK_COORDINATION, department)


def can_coordinate_campaign(user, campaign) -> bool:
    return org_policy.has_authority(user, A.CAMPAIGN_COORDINATION, campaign.department)


def can_open_any_request(user) -> bool:
    return org_policy.has_authority(user, A.WORK_COORDINATION) or org_policy.has_authority(
        user, A.CAMPAIGN_COORDINATION
    )


def can_answer(user, request) -> bool:
    return any(
        org_policy.has_authority(user, a, request.to_department) for a in ANSWERING_AUTHORITIES
    )


def coordination_visible_q(user) -> Q:
    """Requests the user opened, those of departments they may see (either end), and
    those their department receives."""
    if _nobody(user):
        return Q(pk__in=[])
    return (
        Q(created_by=user)
        | org_policy.department_q(user, A.VIEW_DEPARTMENT, field="from_department")
        | org_policy.department_q(
            user, A.VIEW_DEPARTMENT, *ANSWERING_AUTHORITIES, field="to_department"
        )
    )


def can_view_request(user, request) -> bool:
    if _nobody(user):
        return False
    return (
        request.created_by_id == user.pk
        or org_policy.has_authority(user, A.VIEW_DEPARTMENT, request.from_department)
        or org_policy.has_authority(user, A.VIEW_DEPARTMENT, request.to_department)
        or can_answer(user, request)
    )


# --- Channel bookings -----------------------------------------------------------------


def booking_departments(user):
    """Departments `user` may book channels for."""
    return org_policy.departments_where(user, A.CHANNEL_RESOURCES).filter(is_active=True)


def can_book_for(user, department) -> bool:
    return org_policy.has_authority(user, A.CHANNEL_RESOURCES, department)


def can_cancel_booking(user, booking) -> bool:
    return can_book_for(user, booking.department)


def booking_visible_q(user) -> Q:
    """Bookings of departments the user may see or book for, and their own."""
    if _nobody(user):
        return Q(pk__in=[])
    return Q(booked_by=user) | org_policy.department_q(
        user, A.VIEW_DEPARTMENT, A.CHANNEL_RESOURCES, field="department"
    )
