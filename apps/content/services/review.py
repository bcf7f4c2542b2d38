"""An item's way through review: submit, approve or return at each step, bulk approval,
withdraw."""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.content import permissions as policy
from apps.content.models import ContentItem, ContentVersion, ReviewAction, ReviewStep
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify
from apps.org import permissions as org_policy
from apps.org.authorities import Authority

from ._common import Decision, State, _batch, _item_url, _lock, _log, _review_url
from .chain import _check_checklist, _notify_reviewers, _set_step, _steps_for, chain_for
from .publishing import _schedule


def _check_repost(item: ContentItem):
    if item.origin == ContentItem.Origin.REPOST:
        if not item.source.strip():
            raise ApplicationError(_("A repost needs its source."), field="source")
        if not item.authorisation:
            raise ApplicationError(
                _("A repost needs the proof of authorisation before it is submitted."),
                field="authorisation",
            )


def _enter_review(item: ContentItem, *, actor, from_state, self_check=None):
    """Snapshot a version and start the chain at step 1."""
    _check_repost(item)
    chain = chain_for(item.department, item.channel)
    steps = _steps_for(item, chain.steps.prefetch_related("positions").order_by("order"))
    if not steps:
        raise ApplicationError(_("This department's review chain has no steps."))
    item.version_number += 1
    ContentVersion.objects.create(
        item=item,
        number=item.version_number,
        title=item.title,
        body=item.body,
        created_by=actor,
    )
    now = timezone.now()
    item.chain = chain
    item.step_total = len(steps)
    item.state = State.SUBMITTED
    item.submitted_at = now
    item.publish_error = ""
    item.publish_attempts = 0
    item.publish_retry_at = None
    _set_step(item, steps[0], 1, now)
    item.save()
    _log(item, actor=actor, decision=Decision.SUBMITTED, from_state=from_state)
    # Leading self-checks the submitter does (the author's; the designer's too when the
    # author is the designer) are done on the submit form, when their checklist comes.
    while (
        self_check is not None
        and item.current_step.is_self_check
        and item.current_step.checker_id(item) == actor.pk
    ):
        step, number = item.current_step, item.step_number
        checked = _check_checklist(step, self_check, "self_check")
        following = steps[number] if number < len(steps) else None
        if following is None:
            item.state = State.APPROVED
        _set_step(item, following, number + 1, now)
        item.save()
        _log(item, actor=actor, decision=Decision.SELF_CHECKED, step=step, number=number,
             checklist=checked, from_state=State.SUBMITTED)  # fmt: skip
        if following is None:
            return
    _notify_reviewers(item)


@transaction.atomic
def content_item_submit(*, actor, item: ContentItem, self_check=None) -> ContentItem:
    """The author sends a draft, returned or withdrawn item into review: a new version and
    the chain from step 1 (self-checks ticked on the submit form are done at once). Refused
    to anyone but the author or without the authority to create content, when already in
    review or in another state (conflicts), for a repost without its source or
    authorisation, and when the chain has no steps."""
    item = _lock(item)
    if item.author_id != actor.pk:
        raise PermissionDenied(_("Only the author submits an item."))
    org_policy.require_authority(actor, Authority.CREATE_CONTENT, item.department)
    if item.state in ContentItem.PENDING_STATES:
        raise ConflictError(_("This item is already in review."))
    if item.state not in (State.DRAFT, State.RETURNED, State.WITHDRAWN):
        raise ConflictError(_("Only a draft, returned or withdrawn item can be submitted."))
    _enter_review(item, actor=actor, from_state=item.state, self_check=self_check)
    return item


def _check_turn(item: ContentItem, actor, *, version, step):
    if item.state not in ContentItem.PENDING_STATES:
        raise ConflictError(_("This item is no longer waiting for review."))
    if int(version) != item.version_number:
        raise ConflictError(
            _(
                "The item changed since you opened it (now version %(v)s). "
                "Reload and review it again."
            )
            % {"v": item.version_number}
        )
    if int(step) != item.step_number:
        raise ConflictError(_("Someone else has already acted on this step. Reload the item."))
    current = item.current_step
    if not current.is_self_check and item.author_id == actor.pk:
        raise PermissionDenied(_("Nobody approves their own item."))
    if not policy.can_act_on_step(actor, item, current):
        raise PermissionDenied(
            _("Step %(k)s (%(step)s) is not yours to act on in %(dept)s.")
            % {"k": item.step_number, "step": current.label, "dept": item.department.label}
        )


def _following_step(item: ContentItem, current: ReviewStep) -> ReviewStep | None:
    """The next step of the chain this item goes through (skipping what does not apply)."""
    batch = _batch.get()
    key = (current.pk, item.is_design_work)
    if batch is not None and key in batch["next"]:
        return batch["next"][key]
    later = ReviewStep.objects.filter(chain_id=current.chain_id, order__gt=current.order)
    following = next(iter(_steps_for(item, later.order_by("order"))), None)
    if batch is not None:
        batch["next"][key] = following
    return following


@transaction.atomic
def content_item_approve(
    *, actor, item: ContentItem, version, step, comment="", checklist=None, publish_at=None
) -> ContentItem:
    """Approve the current step: on to the next step, or approved (scheduled, when the
    final approval carries a publish time or the item already has one). Refused when the
    item no longer waits, its version or step moved on (conflicts), to the author on a step
    that is not a self-check, to someone the step is not for, for an unticked checklist,
    and for a publish time without a time zone."""
    item = _lock(item)
    _check_turn(item, actor, version=version, step=step)
    current, number = item.current_step, item.step_number
    checked = _check_checklist(current, checklist)
    if publish_at is not None and timezone.is_naive(publish_at):
        raise ApplicationError(_("Give the publish time with its time zone."), field="publish_at")
    following = _following_step(item, current)
    from_state = item.state
    # A self-check confirmed from the review page is recorded as a self-check.
    decision = Decision.SELF_CHECKED if current.is_self_check else Decision.APPROVED
    if following is not None:
        item.state = State.IN_REVIEW
        _set_step(item, following, number + 1)
        item.save()
        _log(item, actor=actor, decision=decision, step=current, number=number,
             comment=comment, checklist=checked, from_state=from_state)  # fmt: skip
        _notify_reviewers(item)
        return item
    item.state = State.APPROVED
    _set_step(item, None)
    if publish_at is not None:
        item.publish_at = publish_at
    item.save()
    _log(item, actor=actor, decision=decision, step=current, number=number, comment=comment,
         checklist=checked, from_state=from_state)  # fmt: skip
    batch = _batch.get()
    if batch is not None:
        batch["approved"].setdefault(item.author_id, []).append(item)
        batch["users"][item.author_id] = item.author
    else:
        notify(
            recipients=[item.author],
            title=format_lazy(gettext_lazy("Approved: {title}"), title=item.title),
            body=comment,
            url=_item_url(item),
        )
    if item.publish_at is not None:
        _schedule(item, actor=actor)
    return item


@transaction.atomic
def content_item_return(*, actor, item: ContentItem, version, step, comment) -> ContentItem:
    """Return for revision (退回修改): the comment is required; the author and everyone who
    approved an earlier step of this round are told. Refused without a comment, and as
    content_item_approve is refused."""
    if not (comment or "").strip():
        raise ApplicationError(_("Say what needs to change."), field="comment")
    item = _lock(item)
    _check_turn(item, actor, version=version, step=step)
    current, number = item.current_step, item.step_number
    earlier = ReviewAction.objects.filter(
        item=item,
        version_number=item.version_number,
        decision__in=[Decision.APPROVED, Decision.SELF_CHECKED],
    ).select_related("actor")
    # Everyone who confirmed an earlier step of this round (the designer's check too).
    earlier_approvers = list(
        {
            a.actor_id: a.actor
            for a in earlier
            if a.actor_id not in (None, actor.pk, item.author_id)
        }.values()
    )
    from_state = item.state
    item.state = State.RETURNED
    _set_step(item, None)
    item.save()
    _log(item, actor=actor, decision=Decision.RETURNED, step=current, number=number,
         comment=comment, from_state=from_state)  # fmt: skip
    notify(
        recipients=[item.author, *earlier_approvers],
        title=format_lazy(gettext_lazy("Returned for revision: {title}"), title=item.title),
        body=comment,
        url=_item_url(item),
    )
    return item


@dataclass
class BulkResult:
    """What a bulk approval did: the items approved, and (id, title, message) for each
    refused one."""

    approved: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (item id, title, message)


def content_items_bulk_approve(*, actor, item_ids, comment="") -> BulkResult:
    """Approve several items at their current step with one comment. Each item is checked
    and audited on its own (its own savepoint); failures are reported, the rest go through.
    The reviewer confirms the checklist for all of them at once. Each item is refused as
    content_item_approve refuses it."""
    result = BulkResult()
    batch = {
        "reviewers": {}, "review": {}, "approved": {}, "users": {}, "steps": {}, "next": {},
        "calendar": {},
    }  # fmt: skip
    token = _batch.set(batch)
    try:
        # One transaction, a savepoint per item: an item that fails rolls back alone and
        # is reported; the others commit together (one commit instead of 200).
        with transaction.atomic():
            _bulk_approve(actor, item_ids, comment, result)
    finally:
        _batch.reset(token)
    with transaction.atomic():
        _send_batch(batch, comment)
    return result


def _send_batch(batch, comment):
    users = batch["users"]
    for recipient_ids, items in batch["review"].items():
        if len(items) == 1:
            item = items[0]
            title = format_lazy(gettext_lazy("Waiting for your review: {title}"), title=item.title)
            url = _review_url(item)
        else:
            title = format_lazy(gettext_lazy("{n} items wait for your review"), n=len(items))
            url = reverse("content:queue")
        notify(
            recipients=[users[pk] for pk in recipient_ids],
            title=title,
            body="\n".join(i.title for i in items[:50]),
            url=url,
        )
    for author_id, items in batch["approved"].items():
        if len(items) == 1:
            title = format_lazy(gettext_lazy("Approved: {title}"), title=items[0].title)
        else:
            title = format_lazy(gettext_lazy("{n} of your items were approved"), n=len(items))
        notify(
            recipients=[users[author_id]],
            title=title,
            body=comment or "\n".join(i.title for i in items[:50]),
            url=_item_url(items[0]) if len(items) == 1 else reverse("content:my_items"),
        )


def _bulk_approve(actor, item_ids, comment, result):
    rows = ContentItem.objects.filter(pk__in=item_ids).select_related("current_step", "department")
    items = {i.pk: i for i in rows}
    for item_id in item_ids:
        item = items.get(int(item_id))
        if item is None:
            result.failed.append((item_id, "", _("Not found.")))
            continue
        if not policy.can_view_item(actor, item):
            result.failed.append((item.pk, "", _("Not found.")))
            continue
        try:
            content_item_approve(
                actor=actor,
                item=item,
                version=item.version_number,
                step=item.step_number,
                comment=comment,
                checklist=list(item.current_step.checklist) if item.current_step else [],
            )
        except ApplicationError as error:
            result.failed.append((item.pk, item.title, str(error.message)))
        else:
            result.approved.append(item.pk)


@transaction.atomic
def content_item_withdraw(*, actor, item: ContentItem, comment="") -> ContentItem:
    """The author takes an item out of review or publication plans; the chain stops.
    Refused to anyone but the author, and (conflicts) when already withdrawn or a draft,
    published or archived."""
    item = _lock(item)
    if item.author_id != actor.pk:
        raise PermissionDenied(_("Only the author withdraws an item."))
    if item.state == State.WITHDRAWN:
        raise ConflictError(_("This item is already withdrawn."))
    if item.state not in (
        State.SUBMITTED, State.IN_REVIEW, State.RETURNED, State.APPROVED, State.SCHEDULED
    ):  # fmt: skip
        raise ConflictError(_("A draft, published or archived item cannot be withdrawn."))
    from_state = item.state
    item.state = State.WITHDRAWN
    _set_step(item, None)
    item.save()
    _log(item, actor=actor, decision=Decision.WITHDRAWN, comment=comment, from_state=from_state)
    return item
