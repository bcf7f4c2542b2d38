"""Every write to content: items and their way through review, publishing, metrics,
topics and plans. Each service locks the row, checks state and the actor's right via
apps.content.permissions, writes, records an audit row and a ReviewAction (the item's
timeline) in the same transaction, and queues notifications on commit."""

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.content import permissions as policy
from apps.content.models import (
    ContentImage,
    ContentItem,
    ContentMetrics,
    ContentPlan,
    ContentVersion,
    Publication,
    ReviewAction,
    ReviewChain,
    ReviewStep,
    Topic,
)
from apps.content.presets import build_chain
from apps.core import audit, imports
from apps.core.calendar import WorkingCalendar
from apps.core.errors import ApplicationError, ConflictError, PermissionDenied
from apps.core.notifications import notify
from apps.org import permissions as org_policy
from apps.org.authorities import Authority

State = ContentItem.State
Decision = ReviewAction.Decision

# While a bulk approval runs, notifications are collected and sent once per group of
# recipients at the end ("12 items wait for your review"); steps, their positions and
# reviewers, and the calendar are read once for the batch instead of once per item.
_batch: ContextVar[dict | None] = ContextVar("content_batch", default=None)

# --- Sanitising ---------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "blockquote",
    "ul", "ol", "li", "a", "img", "figure", "figcaption", "hr", "span", "sub", "sup",
    "table", "thead", "tbody", "tr", "th", "td", "pre", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def sanitize_body(html: str) -> str:
    """The body as it may be stored and shown: an allowlist of tags and attributes, no
    scripts, no event handlers, only http(s)/mailto links."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# --- Helpers ------------------------------------------------------------------------


def _lock(item: ContentItem) -> ContentItem:
    """The item's row, locked for this transaction, with what the rules read."""
    related = ("department", "channel", "author", "current_step", "chain")
    if connection.features.has_select_for_update_of:
        locked = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related(*related)
            .get(pk=item.pk)
        )
    else:
        locked = ContentItem.objects.select_for_update().get(pk=item.pk)
        locked = ContentItem.objects.select_related(*related).get(pk=locked.pk)
    batch = _batch.get()
    if batch is not None and locked.current_step_id:
        # Share step objects across a batch so their positions are read once.
        locked.current_step = batch["steps"].setdefault(locked.current_step_id, locked.current_step)
    return locked


def _item_url(item) -> str:
    return reverse("content:detail", args=[item.pk])


def _review_url(item) -> str:
    return reverse("content:review", args=[item.pk])


def _log(item, *, actor, decision, comment="", checklist=None, step=None, number=0, from_state=""):
    """`number`: the step's place in this item's way (skipped steps do not count)."""
    ReviewAction.objects.create(
        item=item,
        version_number=item.version_number,
        step=step,
        step_number=number if step else 0,
        actor=actor if getattr(actor, "pk", None) else None,
        decision=decision,
        comment=comment,
        checklist=checklist or [],
    )
    audit.record(
        actor=actor,
        obj=item,
        action=f"content.{decision}",
        from_state=from_state,
        to_state=item.state,
        comment=comment,
    )


def step_due_at(step: ReviewStep, start: dt.datetime | None = None) -> dt.datetime:
    """The end of the office day `step.due_working_days` working days from `start`."""
    start = start or timezone.now()
    today = timezone.localtime(start).date()
    batch = _batch.get()
    if batch is not None and today in batch["calendar"]:
        calendar = batch["calendar"][today]
    else:
        calendar = WorkingCalendar.load(today, today + dt.timedelta(days=60))
        if batch is not None:
            batch["calendar"][today] = calendar
    day = calendar.add_working_days(today, step.due_working_days)
    return dt.datetime.combine(
        day, dt.time(settings.WORKDAY_END_HOUR), timezone.get_current_timezone()
    )


def chain_for(department, channel) -> ReviewChain:
    """The chain for this department and channel: the channel's own, else the
    department's default, else the preset (author → manager unless the rulebook says
    otherwise), created on first use."""
    chains = {
        c.channel_id: c
        for c in ReviewChain.objects.filter(
            Q(channel=channel) | Q(channel__isnull=True), department=department
        )
    }
    chain = chains.get(channel.pk) or chains.get(None)
    if chain is None:
        try:
            with transaction.atomic():
                chain = build_chain(department)
        except IntegrityError:
            chain = ReviewChain.objects.get(department=department, channel__isnull=True)
    return chain


def _steps_for(item: ContentItem, steps) -> list[ReviewStep]:
    """The chain's steps this item goes through, in order (the designer's check only for
    design work); step k of n counts these."""
    return [step for step in steps if step.applies_to(item)]


def submit_self_checks(item: ContentItem, actor) -> list[ReviewStep]:
    """The leading self-checks `actor` confirms when submitting `item` (what the submit
    form asks them to tick; _enter_review does them in this order)."""
    chain = chain_for(item.department, item.channel)
    result = []
    for step in _steps_for(item, chain.steps.order_by("order")):
        if not step.is_self_check or step.checker_id(item) != actor.pk:
            break
        result.append(step)
    return result


def _set_step(item: ContentItem, step: ReviewStep | None, number=0, now=None):
    item.current_step = step
    item.step_number = number if step else 0
    item.step_due_at = step_due_at(step, now) if step else None
    item.step_reminded_on = None


def _check_repost(item: ContentItem):
    if item.origin == ContentItem.Origin.REPOST:
        if not item.source.strip():
            raise ApplicationError(_("A repost needs its source."), field="source")
        if not item.authorisation:
            raise ApplicationError(
                _("A repost needs the proof of authorisation before it is submitted."),
                field="authorisation",
            )


def _check_checklist(step: ReviewStep, ticked, field_name="checklist") -> list[str]:
    """Every item of the step's checklist must be ticked; returns what is stored with the
    step's action (the step's own items, in its order)."""
    ticked = {str(code) for code in ticked or []}
    missing = [code for code in step.checklist if code not in ticked]
    if missing:
        raise ApplicationError(
            _("Tick every checklist item before you confirm this step."), field=field_name
        )
    return list(step.checklist)


def _reviewers(item: ContentItem, step: ReviewStep):
    batch = _batch.get()
    if batch is None:
        return policy.reviewers_for(item, step)
    key = (step.pk, item.department_id)
    if key not in batch["reviewers"]:
        batch["reviewers"][key] = policy.reviewers_for(item, step)
    return [u for u in batch["reviewers"][key] if u.pk != item.author_id]


def _notify_reviewers(item: ContentItem):
    step = item.current_step
    if step is None:
        return
    reviewers = _reviewers(item, step)
    batch = _batch.get()
    if batch is not None:
        batch["review"].setdefault(tuple(sorted(u.pk for u in reviewers)), []).append(item)
        batch["users"].update({u.pk: u for u in reviewers})
        return
    notify(
        recipients=reviewers,
        title=format_lazy(gettext_lazy("Waiting for your review: {title}"), title=item.title),
        body=format_lazy(
            gettext_lazy("Step {k} of {n}: {step}"),
            k=item.step_number,
            n=item.step_total,
            step=step.label,
        ),
        url=_review_url(item),
    )


def _validate_fields(item: ContentItem):
    try:
        item.full_clean(
            exclude=["state", "chain", "current_step", "author", "department", "channel"]
        )
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(messages[0], field=name if name != "__all__" else None) from error


def _validate_links(item: ContentItem):
    """A topic and a plan are the department's own; a plan is for the item's channel."""
    if item.topic_id and item.topic.department_id != item.department_id:
        raise ApplicationError(_("Choose a topic of this item's department."), field="topic")
    if item.plan_id:
        if item.plan.department_id != item.department_id:
            raise ApplicationError(_("Choose a content plan of this item's department."),
                                   field="plan")  # fmt: skip
        if item.plan.channel_id != item.channel_id:
            raise ApplicationError(_("That content plan is for another channel."), field="plan")


# --- Items --------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "title", "body", "cover", "channel", "format", "designer", "topic", "plan",
    "publish_at", "origin", "source", "authorisation",
)  # fmt: skip


@transaction.atomic
def content_item_create(*, actor, department, channel, title, **fields) -> ContentItem:
    if not policy.can_create_in(actor, department):
        org_policy.require_authority(actor, Authority.CREATE_CONTENT, department)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown field."), field=sorted(unknown)[0])
    item = ContentItem(author=actor, department=department, channel=channel, title=title)
    for name, value in fields.items():
        setattr(item, name, value)
    item.body = sanitize_body(item.body)
    if not item.title.strip():
        raise ApplicationError(_("Give the item a title."), field="title")
    _validate_fields(item)
    _validate_links(item)
    item.save()
    _log(item, actor=actor, decision=Decision.CREATED)
    return item


@transaction.atomic
def content_item_update(*, actor, item: ContentItem, **fields) -> ContentItem:
    """Edit an item. Approved or scheduled content goes back to review (a new version,
    the chain from step 1)."""
    item = _lock(item)
    if item.author_id != actor.pk:
        raise PermissionDenied(_("Only the author edits an item."))
    if item.state not in ContentItem.EDITABLE_STATES:
        raise ConflictError(
            _("An item in review cannot be edited; withdraw it first or wait for the review.")
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown field."), field=sorted(unknown)[0])
    before = {name: str(getattr(item, name)) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    item.body = sanitize_body(item.body)
    if not item.title.strip():
        raise ApplicationError(_("Give the item a title."), field="title")
    _validate_fields(item)
    _validate_links(item)
    after = {name: str(getattr(item, name)) for name in fields}
    from_state = item.state
    item.save()
    ReviewAction.objects.create(
        item=item, version_number=item.version_number, actor=actor, decision=Decision.EDITED
    )
    audit.record(
        actor=actor,
        obj=item,
        action="content.edited",
        from_state=from_state,
        to_state=item.state,
        changes=audit.diff(before, after),
    )
    if from_state in (State.APPROVED, State.SCHEDULED):
        _enter_review(item, actor=actor, from_state=from_state)
    return item


@transaction.atomic
def content_image_add(*, actor, item: ContentItem, file, caption="") -> ContentImage:
    """Attach an image (type and size checked). Adding an image to approved content
    sends it back to review like any other edit."""
    item = _lock(item)
    if item.author_id != actor.pk and item.designer_id != actor.pk:
        raise PermissionDenied(_("Only the author or the designer adds images."))
    if item.state not in ContentItem.EDITABLE_STATES:
        raise ConflictError(
            _("An item in review cannot be edited; withdraw it first or wait for the review.")
        )
    image = ContentImage(item=item, file=file, caption=caption[:200])
    try:
        image.full_clean(exclude=["item"])
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="file") from error
    image.save()
    from_state = item.state
    ReviewAction.objects.create(
        item=item, version_number=item.version_number, actor=actor, decision=Decision.EDITED,
        comment=caption,
    )  # fmt: skip
    audit.record(actor=actor, obj=item, action="content.image_added", from_state=from_state,
                 to_state=item.state, comment=image.file.name)  # fmt: skip
    if from_state in (State.APPROVED, State.SCHEDULED):
        _enter_review(item, actor=actor, from_state=from_state)
    return image


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
    final approval carries a publish time or the item already has one)."""
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
    """Return for revision (退回修改): the comment is required; the author and everyone
    who approved an earlier step of this round are told."""
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
    approved: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (item id, title, message)


def content_items_bulk_approve(*, actor, item_ids, comment="") -> BulkResult:
    """Approve several items at their current step with one comment. Each item is checked
    and audited on its own (its own savepoint); failures are reported, the rest go
    through. The reviewer confirms the checklist for all of them at once."""
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


def _schedule(item: ContentItem, *, actor):
    from_state = item.state
    item.state = State.SCHEDULED
    item.save()
    _log(
        item,
        actor=actor,
        decision=Decision.SCHEDULED,
        comment=timezone.localtime(item.publish_at).strftime("%Y-%m-%d %H:%M"),
        from_state=from_state,
    )


@transaction.atomic
def content_item_schedule(*, actor, item: ContentItem, publish_at) -> ContentItem:
    """Set (or move) the publish time of approved content."""
    item = _lock(item)
    if not policy.can_schedule(actor, item):
        raise PermissionDenied(_("Only the author or a reviewer of this department schedules it."))
    if item.state not in (State.APPROVED, State.SCHEDULED):
        raise ConflictError(_("Only approved content can be scheduled."))
    if publish_at is None or timezone.is_naive(publish_at):
        raise ApplicationError(_("Give the publish time with its time zone."), field="publish_at")
    if publish_at < timezone.now() - dt.timedelta(minutes=1):
        raise ApplicationError(_("The publish time has already passed."), field="publish_at")
    if item.state == State.SCHEDULED and item.publish_at == publish_at:
        return item
    item.publish_at = publish_at
    # a new time is a fresh start for the publisher (after failures, too)
    item.publish_attempts = 0
    item.publish_retry_at = None
    _schedule(item, actor=actor)
    return item


@transaction.atomic
def content_item_archive(*, actor, item: ContentItem) -> ContentItem:
    item = _lock(item)
    if not policy.can_schedule(actor, item):
        raise PermissionDenied(_("Only the author or a reviewer of this department archives it."))
    if item.state == State.ARCHIVED:
        raise ConflictError(_("This item is already archived."))
    if item.state not in (State.PUBLISHED, State.WITHDRAWN, State.DRAFT):
        raise ConflictError(_("Only published, withdrawn or draft items are archived."))
    from_state = item.state
    item.state = State.ARCHIVED
    item.save()
    _log(item, actor=actor, decision=Decision.ARCHIVED, from_state=from_state)
    return item


# --- Publishing ---------------------------------------------------------------------

MAX_PUBLISH_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd and 4th failure: a channel that is down for a while is
# not hammered every minute, and a short blip costs a minute.
PUBLISH_RETRY_DELAYS = [dt.timedelta(minutes=m) for m in (1, 5, 15, 60)]


def publish_retry_delay(attempts: int) -> dt.timedelta:
    return PUBLISH_RETRY_DELAYS[min(attempts, len(PUBLISH_RETRY_DELAYS)) - 1]


def content_item_publish(*, item_id: int, now=None) -> str:
    """Publish one scheduled item whose time has come, through its channel's publisher.
    Returns "published", "failed" or "skipped" (locked by another run, not due, or done).
    Idempotent: the row lock (skip_locked) and the unique publication per item make a
    second run a no-op."""
    from apps.content.publishers import PublishError, publisher_for

    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            ContentItem.objects.select_for_update(skip_locked=True)
            .filter(pk=item_id, state=State.SCHEDULED, publish_at__lte=now)
            .first()
        )
        if locked is None:
            return "skipped"
        item = ContentItem.objects.select_related("channel", "author").get(pk=locked.pk)
        if Publication.objects.filter(item=item, status=Publication.Status.PUBLISHED).exists():
            return "skipped"
        publication = Publication.objects.filter(item=item).first() or Publication(
            item=item, channel=item.channel
        )
        publication.attempts += 1
        try:
            result = publisher_for(item.channel).publish(item)
        except PublishError as error:
            publication.status = Publication.Status.FAILED
            publication.last_error = str(error)[:2000]
            publication.save()
            # the item counts attempts since it was (re)scheduled; the publication, all
            item.publish_attempts += 1
            item.publish_error = str(error)[:2000]
            item.publish_retry_at = now + publish_retry_delay(item.publish_attempts)
            item.save(
                update_fields=[
                    "publish_attempts",
                    "publish_error",
                    "publish_retry_at",
                    "updated_at",
                ]
            )
            _log(item, actor=None, decision=Decision.PUBLISH_FAILED, comment=str(error)[:500],
                 from_state=item.state)  # fmt: skip
            if item.publish_attempts >= MAX_PUBLISH_ATTEMPTS:
                notify(
                    recipients=[item.author],
                    title=format_lazy(gettext_lazy("Publishing failed: {title}"), title=item.title),
                    body=str(error),
                    url=_item_url(item),
                )
            return "failed"
        publication.status = Publication.Status.PUBLISHED
        publication.published_at = now
        publication.url = result.url
        publication.reference = result.reference
        publication.last_error = ""
        publication.save()
        item.state = State.PUBLISHED
        item.publish_attempts += 1
        item.publish_error = ""
        item.publish_retry_at = None
        item.save()
        _log(item, actor=None, decision=Decision.PUBLISHED, comment=result.url,
             from_state=State.SCHEDULED)  # fmt: skip
        notify(
            recipients=[item.author],
            title=format_lazy(gettext_lazy("Published: {title}"), title=item.title),
            url=_item_url(item),
        )
        return "published"


def content_publish_due(now=None) -> dict:
    """The every-minute job: publish what is due. A failed item is retried after its
    back-off (PUBLISH_RETRY_DELAYS) until MAX_PUBLISH_ATTEMPTS."""
    now = now or timezone.now()
    ids = list(
        ContentItem.objects.filter(
            Q(publish_retry_at__isnull=True) | Q(publish_retry_at__lte=now),
            state=State.SCHEDULED,
            publish_at__lte=now,
            publish_attempts__lt=MAX_PUBLISH_ATTEMPTS,
        )
        .order_by("publish_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    outcome = {"published": 0, "failed": 0, "skipped": 0}
    for item_id in ids:
        outcome[content_item_publish(item_id=item_id, now=now)] += 1
    return outcome


# --- Reminders ----------------------------------------------------------------------


def content_remind_overdue(now=None) -> int:
    """Remind the reviewers of overdue steps, at most once per step per day."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    ids = list(
        ContentItem.objects.filter(state__in=ContentItem.PENDING_STATES, step_due_at__lt=now)
        .exclude(step_reminded_on=today)
        .values_list("pk", flat=True)[:1000]
    )
    reminded = 0
    for item_id in ids:
        with transaction.atomic():
            item = (
                ContentItem.objects.select_for_update(skip_locked=True)
                .filter(pk=item_id, state__in=ContentItem.PENDING_STATES, step_due_at__lt=now)
                .exclude(step_reminded_on=today)
                .first()
            )
            if item is None:
                continue
            item = ContentItem.objects.select_related("current_step", "department", "author").get(
                pk=item.pk
            )
            ContentItem.objects.filter(pk=item.pk).update(step_reminded_on=today)
            notify(
                recipients=policy.reviewers_for(item, item.current_step),
                title=format_lazy(gettext_lazy("Overdue review: {title}"), title=item.title),
                body=format_lazy(
                    gettext_lazy("Step {k} of {n} was due {due}."),
                    k=item.step_number,
                    n=item.step_total,
                    due=timezone.localtime(item.step_due_at).strftime("%Y-%m-%d %H:%M"),
                ),
                url=_review_url(item),
            )
            ReviewAction.objects.create(
                item=item, version_number=item.version_number, step=item.current_step,
                step_number=item.step_number, decision=Decision.REMINDED,
            )  # fmt: skip
            reminded += 1
    return reminded


# --- Metrics ------------------------------------------------------------------------

METRIC_FIELDS = ("reads", "shares", "likes", "comments", "followers_gained", "followers_lost")


def _require_metrics_right(actor, item):
    if not policy.can_enter_metrics(actor, item):
        raise PermissionDenied(_("You may not enter figures for this item."))
    if item.state not in (State.PUBLISHED, State.ARCHIVED):
        raise ApplicationError(_("Figures are entered for published items only."), field="item")


@transaction.atomic
def metrics_record(*, actor, item: ContentItem, date, source="manual", **figures):
    _require_metrics_right(actor, item)
    values = {}
    for name in METRIC_FIELDS:
        value = figures.get(name, 0)
        if value is None or int(value) < 0:
            raise ApplicationError(_("Figures cannot be negative."), field=name)
        values[name] = int(value)
    row, _created = ContentMetrics.objects.update_or_create(
        item=item, date=date, defaults={**values, "source": source, "entered_by": actor}
    )
    audit.record(
        actor=actor, obj=item, action="content.metrics",
        comment=f"{date}: " + ", ".join(f"{k}={v}" for k, v in values.items()),
    )  # fmt: skip
    return row


METRICS_COLUMNS = (
    imports.Column("item_id", ("item", "内容编号", "内容ID")),
    imports.Column("date", ("日期",)),
    imports.Column("reads", ("阅读", "阅读量")),
    imports.Column("shares", ("分享", "分享量")),
    imports.Column("likes", ("点赞", "点赞量")),
    imports.Column("comments", ("评论", "评论量")),
    imports.Column("followers_gained", ("新增关注", "涨粉")),
    imports.Column("followers_lost", ("取消关注", "掉粉")),
)


def metrics_import_csv(*, actor, data) -> int:
    """Apply a CSV or XLSX of figures (item_id, date, reads, shares, likes, comments,
    followers_gained, followers_lost; or their Chinese names). All rows or none: any bad
    row raises imports.ImportRejected with a report per row. Returns the rows applied."""
    table = imports.read_table(data, METRICS_COLUMNS)
    ids = [int(v) for v in table.values("item_id") if v.isdecimal() and v.isascii()]
    items = ContentItem.objects.select_related("department").in_bulk(ids)
    seen = set()

    def parse(row):
        raw = row.text("item_id")
        item = items.get(int(raw)) if raw.isascii() and raw.isdecimal() else None
        if item is None:
            raise ApplicationError(_("No content item %(id)s.") % {"id": raw}, field="item_id")
        day = row.date("date")
        figures = {name: row.whole_number(name) for name in METRIC_FIELDS}
        if (item.pk, day) in seen:
            raise ApplicationError(_("This item and date appear twice in the file."), field="date")
        seen.add((item.pk, day))
        _require_metrics_right(actor, item)
        return item, day, figures

    def save(rows):
        for item, day, figures in rows:
            metrics_record(actor=actor, item=item, date=day, source="csv", **figures)
        return len(rows)

    return imports.import_table(table, parse=parse, save=save)


# --- Topics and plans ---------------------------------------------------------------


@transaction.atomic
def topic_propose(*, actor, department, title, proposal="", channel=None) -> Topic:
    org_policy.require_authority(actor, Authority.CREATE_CONTENT, department)
    if not title.strip():
        raise ApplicationError(_("Give the topic a title."), field="title")
    topic = Topic.objects.create(
        department=department, title=title, proposal=proposal, channel=channel, proposer=actor
    )
    audit.record(actor=actor, obj=topic, action="content.topic_proposed", to_state=topic.status)
    return topic


@transaction.atomic
def topic_decide(*, actor, topic: Topic, status, notes="", meeting_date=None) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    org_policy.require_authority(actor, Authority.REVIEW_CONTENT, topic.department)
    if status not in (Topic.Status.ACCEPTED, Topic.Status.REJECTED, Topic.Status.PARKED):
        raise ApplicationError(_("Choose accepted, rejected or parked."), field="status")
    if topic.status == status:
        raise ConflictError(_("The topic already has this decision."))
    from_state = topic.status
    topic.status = status
    topic.decision_notes = notes
    topic.meeting_date = meeting_date or timezone.localdate()
    topic.decided_by = actor
    topic.save()
    audit.record(
        actor=actor, obj=topic, action="content.topic_decided", from_state=from_state,
        to_state=status, comment=notes,
    )  # fmt: skip
    return topic


@transaction.atomic
def plan_create(*, actor, department, channel, theme, format, frequency, planned_dates=()):
    org_policy.require_authority(actor, Authority.CREATE_CONTENT, department)
    dates = sorted({d.isoformat() if hasattr(d, "isoformat") else str(d) for d in planned_dates})
    for value in dates:
        try:
            dt.date.fromisoformat(value)
        except ValueError as error:
            raise ApplicationError(
                _("Planned dates must look like 2026-01-31."), field="planned_dates"
            ) from error
    plan = ContentPlan.objects.create(
        department=department, channel=channel, theme=theme, format=format,
        frequency=frequency, planned_dates=dates, created_by=actor,
    )  # fmt: skip
    audit.record(actor=actor, obj=plan, action="content.plan_created")
    return plan
