"""Deciding a power request: a second person who holds the powers approves (the
change is made through the same writes as a direct one) or refuses."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core import audit
from apps.core.errors import ConflictError, PermissionDenied
from apps.org import escalation
from apps.org import permissions as policy
from apps.org.authorities import Authority
from apps.org.models import PowerRequest
from apps.org.services.assignments import _assignment_check, _assignment_write
from apps.org.services.delegations import _delegation_write
from apps.org.services.posts import _position_authority_write, _post_authority_write


def _power_request_decidable(actor, request: PowerRequest) -> None:
    if request.state != PowerRequest.State.PENDING:
        raise ConflictError(_("This request has already been decided."))
    if request.requested_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("A second person must decide on your own request."))
    where = request.post.department if request.post_id else request.department
    if not policy.has_authority(request.requested_by, Authority.MANAGE_ORG, where):
        raise ConflictError(_("The author of this request no longer manages the organisation."))
    wanted = escalation.wanted_from_dicts(request.excess)
    if escalation.excess(actor, wanted):
        raise PermissionDenied(
            _("Only someone who holds these powers (the director or the superuser) may decide.")
        )


def _locked_request(request: PowerRequest) -> PowerRequest:
    return (
        PowerRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by", "employee", "department", "position", "post", "user")
        .get(pk=request.pk)
    )


@transaction.atomic
def power_request_approve(*, actor, request: PowerRequest, comment: str = "") -> PowerRequest:
    """A second person who holds the requested powers approves: the change is made
    now, through the same writes (and rules) as a direct one, audited under both.
    Refuses: a decided request, the requester deciding their own, a requester who no
    longer manages the organisation, a decider short of the powers; and whatever the
    direct write would refuse now."""
    from apps.core.notifications import notify

    request = _locked_request(request)
    _power_request_decidable(actor, request)
    note = _("approved request #%(n)s by %(u)s") % {
        "n": request.pk,
        "u": request.requested_by.username,
    }
    Kind = PowerRequest.Kind
    if request.kind == Kind.ASSIGNMENT:
        post = _assignment_check(
            employee=request.employee,
            department=request.department,
            position=request.position,
            start_date=request.start_date,
            end_date=request.end_date,
        )
        _assignment_write(
            actor=actor,
            employee=request.employee,
            post=post,
            start_date=request.start_date,
            end_date=request.end_date,
            is_primary=request.is_primary,
            comment=note,
        )
    elif request.kind == Kind.POST_AUTHORITY:
        _post_authority_write(
            actor=actor,
            post=request.post,
            authority=request.authority,
            scope=request.scope,
            comment=note,
        )
    elif request.kind == Kind.POSITION_AUTHORITY:
        _position_authority_write(
            actor=actor,
            position=request.position,
            authority=request.authority,
            scope=request.scope,
            comment=note,
        )
    else:
        _delegation_write(
            actor=actor,
            user=request.user,
            authority=request.authority,
            department=request.department,
            comment=note,
        )
    _power_request_close(actor, request, PowerRequest.State.APPROVED, comment)
    notify(
        recipients=[request.requested_by],
        title=_lazy("Your change of powers was approved"),
        body=str(request),
        url=reverse("org:power_requests"),
    )
    return request


@transaction.atomic
def power_request_refuse(*, actor, request: PowerRequest, comment: str = "") -> PowerRequest:
    """A second person who holds the requested powers turns the request down; the
    requester is told. Refuses as power_request_approve does."""
    from apps.core.notifications import notify

    request = _locked_request(request)
    _power_request_decidable(actor, request)
    _power_request_close(actor, request, PowerRequest.State.REFUSED, comment)
    notify(
        recipients=[request.requested_by],
        title=_lazy("Your change of powers was refused"),
        body=f"{request}\n{comment}".strip(),
        url=reverse("org:power_requests"),
    )
    return request


def _power_request_close(actor, request: PowerRequest, state: str, comment: str) -> None:
    request.state = state
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.comment = comment or ""
    request.save(update_fields=["state", "decided_by", "decided_at", "comment"])
    audit.record(
        actor=actor,
        obj=request,
        action=f"power_request.{'approve' if state == PowerRequest.State.APPROVED else 'refuse'}",
        from_state=PowerRequest.State.PENDING,
        to_state=state,
        comment=comment,
    )
