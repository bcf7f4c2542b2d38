"""The content policy, built on apps.org.permissions: who may see, write and review
which items. Pages, the API and tasks all ask this module.

A review step is acted on by (see the models docstring): the author for a self-check,
the item's designer (else its author) for the designer's self-check; otherwise a holder
of the step's authority in the item's department who — when the step names positions or
is managerial-only — also holds such a post in the item's department or an ancestor of
it. The author never reviews their own item.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from apps.content.models import ContentItem, ReviewStep
from apps.org import permissions as org_policy
from apps.org.authorities import Authority
from apps.org.models import Assignment, Department

_POSTS_ATTR = "_content_posts"
_STEPS_ATTR = "_content_review_steps"


@dataclass(frozen=True)
class HeldPost:
    position_id: int
    is_managerial: bool
    path: str


def posts_of(user) -> tuple[HeldPost, ...]:
    """The posts `user` holds today (one query, cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, _POSTS_ATTR, None)
    if cached is not None:
        return cached
    rows = (
        Assignment.objects.active_on(timezone.localdate())
        .filter(employee__user=user, employee__is_active=True)
        .values_list("post__position_id", "post__position__is_managerial", "post__department__path")
    )
    result = tuple(HeldPost(*row) for row in rows)
    setattr(user, _POSTS_ATTR, result)
    return result


# --- Seeing -------------------------------------------------------------------------


def item_visibility_q(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return (
        Q(author=user)
        | Q(designer=user)
        | org_policy.department_q(user, Authority.VIEW_DEPARTMENT, Authority.REVIEW_CONTENT)
    )


def can_view_item(user, item: ContentItem) -> bool:
    if item.author_id == user.pk or item.designer_id == user.pk:
        return True
    return org_policy.has_authority(
        user, Authority.VIEW_DEPARTMENT, item.department
    ) or org_policy.has_authority(user, Authority.REVIEW_CONTENT, item.department)


# --- Writing ------------------------------------------------------------------------


def can_create_in(user, department: Department) -> bool:
    return org_policy.has_authority(user, Authority.CREATE_CONTENT, department)


def author_departments(user):
    return org_policy.departments_where(user, Authority.CREATE_CONTENT).filter(is_active=True)


def can_edit(user, item: ContentItem) -> bool:
    return item.author_id == user.pk and item.state in ContentItem.EDITABLE_STATES


def can_schedule(user, item: ContentItem) -> bool:
    return item.author_id == user.pk or org_policy.has_authority(
        user, Authority.REVIEW_CONTENT, item.department
    )


def can_enter_metrics(user, item: ContentItem) -> bool:
    return (
        item.author_id == user.pk
        or org_policy.has_authority(user, Authority.IMPORT_METRICS, item.department)
        or org_policy.has_authority(user, Authority.REVIEW_CONTENT, item.department)
    )


# --- Reviewing ----------------------------------------------------------------------


def step_position_ids(step: ReviewStep) -> set[int]:
    """The step's positions (cached on the step object)."""
    ids = getattr(step, "_position_ids", None)
    if ids is None:
        ids = {p.pk for p in step.positions.all()}
        step._position_ids = ids
    return ids


def _position_ok(user, step: ReviewStep, department: Department) -> bool:
    position_ids = step_position_ids(step)
    if not position_ids and not step.managerial_only:
        return True
    for post in posts_of(user):
        if not department.path.startswith(post.path):
            continue
        if position_ids and post.position_id not in position_ids:
            continue
        if step.managerial_only and not post.is_managerial:
            continue
        return True
    return False


def can_act_on_step(user, item: ContentItem, step: ReviewStep | None = None) -> bool:
    """May `user` approve or return `item` at `step` (its current step by default)?"""
    step = step or item.current_step
    if step is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if step.is_self_check:
        return step.checker_id(item) == user.pk
    if item.author_id == user.pk:
        return False
    if not org_policy.has_authority(user, step.authority, item.department):
        return False
    if user.is_superuser:
        return True
    return _position_ok(user, step, item.department)


def actionable_step_ids(user) -> set[int]:
    """The review steps `user` may act on (never counting authorship). Each chain belongs
    to one department (services.chain_for), so this is decided per step, in Python,
    over the few dozen steps there are; lists then filter by step id in SQL."""
    cached = getattr(user, _STEPS_ATTR, None)
    if cached is not None:
        return cached
    result = set()
    if getattr(user, "is_authenticated", False) and user.is_active:
        steps = (
            ReviewStep.objects.filter(kind=ReviewStep.Kind.REVIEW)
            .select_related("chain__department")
            .prefetch_related("positions")
        )
        for step in steps:
            step._position_ids = {p.pk for p in step.positions.all()}
            department = step.chain.department
            if not org_policy.has_authority(user, step.authority, department):
                continue
            if user.is_superuser or _position_ok(user, step, department):
                result.add(step.pk)
    setattr(user, _STEPS_ATTR, result)
    return result


def self_check_steps_by_kind() -> dict[str, set[int]]:
    """{kind: step ids} of the self-check kinds, in one query (every page counts the
    queue for the navigation badge)."""
    result = {kind: set() for kind in ReviewStep.SELF_CHECK_KINDS}
    rows = ReviewStep.objects.filter(kind__in=ReviewStep.SELF_CHECK_KINDS).values_list("kind", "pk")
    for kind, pk in rows:
        result[kind].add(pk)
    return result


def review_queue_q(user) -> Q:
    """Items whose current step `user` may act on now, as one SQL condition (never the
    user's own items, except for their self-check)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    checks = self_check_steps_by_kind()
    self_check = Q(current_step_id__in=sorted(checks[ReviewStep.Kind.SELF_CHECK]), author=user)
    designer_check = Q(current_step_id__in=sorted(checks[ReviewStep.Kind.DESIGNER_CHECK])) & (
        Q(designer=user) | Q(designer__isnull=True, author=user)
    )
    review = Q(current_step_id__in=sorted(actionable_step_ids(user))) & ~Q(author=user)
    return Q(state__in=ContentItem.PENDING_STATES) & (self_check | designer_check | review)


def reviewers_for(item: ContentItem, step: ReviewStep):
    """The people who may act on `step` of `item` (to notify or remind them)."""
    if step.is_self_check:
        checker = item.designer if step.kind == ReviewStep.Kind.DESIGNER_CHECK else None
        return [checker or item.author]
    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True,
            employee__is_active=True,
            employee__assignments__in=Assignment.objects.active_on(timezone.localdate()),
            employee__assignments__post__authorities__authority=step.authority,
        )
        .exclude(pk=item.author_id)
        .distinct()
    )
    return [user for user in candidates if can_act_on_step(user, item, step)]
