"""Posts (a position offered in a department) and the authorities that posts and
positions carry."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, PermissionDenied
from apps.org import escalation
from apps.org import permissions as policy
from apps.org.authorities import Authority, Scope
from apps.org.escalation import Wanted
from apps.org.models import (
    Department,
    Position,
    PositionAuthority,
    Post,
    PostAuthority,
    PowerRequest,
)
from apps.org.services.power_requests import _power_request_create


def _ensure_post(department: Department, position: Position) -> tuple[Post, bool]:
    post, created = Post.objects.get_or_create(department=department, position=position)
    if created:
        PostAuthority.objects.bulk_create(
            PostAuthority(post=post, authority=d.authority, scope=d.scope)
            for d in PositionAuthority.objects.filter(position=position)
        )
    return post, created


@transaction.atomic
def post_add(*, actor, department: Department, position: Position) -> Post:
    """Offer a position in a department; it starts with the position's default authorities.
    Takes manage_org there; refuses a position the department already has."""
    policy.require_authority(actor, Authority.MANAGE_ORG, department)
    post, created = _ensure_post(department, position)
    if not created:
        raise ApplicationError(
            _("%(d)s already has the position %(p)s.")
            % {"d": department.label, "p": position.label}
        )
    audit.record(actor=actor, obj=post, action="post.create")
    return post


def _check_authority_and_scope(authority: str, scope: str | None) -> None:
    if authority not in Authority.values:
        raise ApplicationError(_("Unknown authority."), field="authority")
    if scope is not None and scope not in Scope.values:
        raise ApplicationError(_("Unknown scope."), field="scope")


@transaction.atomic
def post_authority_set(
    *, actor, post: Post, authority: str, scope: str | None
) -> PowerRequest | None:
    """Grant `authority` to a post with `scope`, or revoke it when scope is None.
    A grant the actor does not hold that far becomes a PowerRequest (returned).
    Takes manage_org there; refuses an unknown authority or scope."""
    policy.require_authority(actor, Authority.MANAGE_ORG, post.department)
    _check_authority_and_scope(authority, scope)
    if scope is not None:
        beyond = escalation.excess(actor, [Wanted(authority, scope, post.department)])
        if beyond:
            return _power_request_create(
                actor=actor,
                kind=PowerRequest.Kind.POST_AUTHORITY,
                excess=beyond,
                post=post,
                department=post.department,
                authority=authority,
                scope=scope,
            )
    _post_authority_write(actor=actor, post=post, authority=authority, scope=scope)
    return None


def _post_authority_write(*, actor, post, authority, scope, comment="") -> None:
    existing = (
        PostAuthority.objects.select_for_update().filter(post=post, authority=authority).first()
    )
    before = existing.scope if existing else ""
    if scope is None:
        if existing:
            existing.delete()
    elif existing:
        existing.scope = scope
        existing.save(update_fields=["scope"])
    else:
        PostAuthority.objects.create(post=post, authority=authority, scope=scope)
    audit.record(
        actor=actor,
        obj=post,
        action=f"authority.{authority}",
        from_state=before,
        to_state=scope or "",
        comment=comment,
    )


@transaction.atomic
def position_authority_set(
    *, actor, position: Position, authority: str, scope: str | None
) -> PowerRequest | None:
    """Change a position's default authorities (copied onto the posts offered from now
    on). They reach every department, so it takes manage_org and, to grant, the
    authority itself company-wide; short of that it becomes a PowerRequest.
    Refuses an unknown authority or scope."""
    policy.require_authority(actor, Authority.MANAGE_ORG)
    if escalation.excess(actor, [Wanted(Authority.MANAGE_ORG, Scope.COMPANY, None)]):
        raise PermissionDenied(
            _(
                "A position's defaults reach every department: it takes "
                "manage_org for the whole company."
            )
        )
    _check_authority_and_scope(authority, scope)
    if scope is not None:
        beyond = escalation.excess(actor, [Wanted(authority, scope, None)])
        if beyond:
            return _power_request_create(
                actor=actor,
                kind=PowerRequest.Kind.POSITION_AUTHORITY,
                excess=beyond,
                position=position,
                authority=authority,
                scope=scope,
            )
    _position_authority_write(actor=actor, position=position, authority=authority, scope=scope)
    return None


def _position_authority_write(*, actor, position, authority, scope, comment="") -> None:
    existing = (
        PositionAuthority.objects.select_for_update()
        .filter(position=position, authority=authority)
        .first()
    )
    before = existing.scope if existing else ""
    if scope is None:
        if existing:
            existing.delete()
    elif existing:
        existing.scope = scope
        existing.save(update_fields=["scope"])
    else:
        PositionAuthority.objects.create(position=position, authority=authority, scope=scope)
    audit.record(
        actor=actor,
        obj=position,
        action=f"authority.{authority}",
        from_state=before,
        to_state=scope or "",
        comment=comment,
    )
