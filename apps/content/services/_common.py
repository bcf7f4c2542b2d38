"""Helpers shared by several content services: state aliases, the bulk-approval batch,
the item lock, links to an item, and the timeline/audit row every transition writes."""

from contextvars import ContextVar

from django.db import connection
from django.urls import reverse

from apps.content.models import ContentItem, ReviewAction
from apps.core import audit

State = ContentItem.State
Decision = ReviewAction.Decision

# While a bulk approval runs, notifications are collected and sent once per group of
# recipients at the end ("12 items wait for your review"); steps, their positions and
# reviewers, and the calendar are read once for the batch instead of once per item.
_batch: ContextVar[dict | None] = ContextVar("content_batch", default=None)


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
