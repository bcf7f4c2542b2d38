"""Delegations: object grants held by django-guardian."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError
from apps.org import escalation
from apps.org import permissions as policy
from apps.org.authorities import Authority, Scope
from apps.org.escalation import Wanted
from apps.org.models import (
    Department,
    PowerRequest,
)
from apps.org.services.power_requests import _power_request_create


@transaction.atomic
def delegation_grant(*, actor, user, authority: str, department: Department) -> PowerRequest | None:
    """Delegate `authority` in `department` (and its groups) to `user`. Nobody
    delegates to themselves; handing someone a power the actor does not hold that
    far (and they lack) becomes a PowerRequest (returned).
    Takes manage_org there; refuses an unknown authority and a user who cannot sign in."""
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    if authority not in Authority.values:
        raise ApplicationError(_("Unknown authority."), field="authority")
    if user.pk == getattr(actor, "pk", None) and not actor.is_superuser:
        # A rule about what was typed (the delegate), not a missing right: 400, beside it.
        raise ApplicationError(_("You cannot delegate an authority to yourself."), field="user")
    if not user.is_active:
        raise ApplicationError(_("%(u)s cannot sign in any more.") % {"u": user}, field="user")
    wanted = [Wanted(authority, Scope.SUBTREE, department)]
    # Only what raises the delegate counts: a power they already hold there is no raise.
    beyond = [w for w in escalation.excess(actor, wanted) if escalation.excess(user, [w])]
    if beyond:
        return _power_request_create(
            actor=actor,
            kind=PowerRequest.Kind.DELEGATION,
            excess=beyond,
            user=user,
            department=department,
            authority=authority,
            scope=Scope.SUBTREE,
        )
    _delegation_write(actor=actor, user=user, authority=authority, department=department)
    return None


def _delegation_write(*, actor, user, authority, department, comment="") -> None:
    policy.delegation_grant_row(user, authority, department)
    audit.record(
        actor=actor,
        obj=department,
        action="delegation.grant",
        to_state=f"{user.username}:{authority}",
        comment=comment,
    )


@transaction.atomic
def delegation_revoke(*, actor, user, authority: str, department: Department) -> None:
    """Take back a delegated authority in `department`; takes manage_org there."""
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    policy.delegation_revoke_row(user, authority, department)
    audit.record(
        actor=actor,
        obj=department,
        action="delegation.revoke",
        from_state=f"{user.username}:{authority}",
    )
