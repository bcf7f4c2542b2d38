"""Review chain steps: which chain an item follows, which of its steps apply, when a step
is due, who reviews it, and the checklist a reviewer must tick."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.content import permissions as policy
from apps.content.models import ContentItem, ReviewChain, ReviewStep
from apps.content.presets import build_chain
from apps.core.calendar import WorkingCalendar
from apps.core.errors import ApplicationError
from apps.core.notifications import notify

from ._common import _batch, _review_url


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
