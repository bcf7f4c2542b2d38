"""Every write to content: items and their way through review, publishing, metrics,
topics and plans, one module per section. Each service locks the row, checks state and
the actor's right via apps.content.permissions, writes, records an audit row and a
ReviewAction (the item's timeline) in the same transaction, and queues notifications on
commit.

Callers keep using ``from apps.content import services`` / ``services.content_item_submit``;
this module re-exports every public name of the package."""

from ._common import Decision, State
from .chain import chain_for, step_due_at, submit_self_checks
from .items import EDITABLE_FIELDS, content_image_add, content_item_create, content_item_update
from .metrics import METRIC_FIELDS, METRICS_COLUMNS, metrics_import_csv, metrics_record
from .publishing import (
    MAX_PUBLISH_ATTEMPTS,
    PUBLISH_RETRY_DELAYS,
    content_item_archive,
    content_item_publish,
    content_item_schedule,
    content_publish_due,
    publish_retry_delay,
)
from .reminders import content_remind_overdue
from .review import (
    BulkResult,
    content_item_approve,
    content_item_return,
    content_item_submit,
    content_item_withdraw,
    content_items_bulk_approve,
)
from .sanitising import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_body
from .topics import plan_create, topic_decide, topic_propose

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "EDITABLE_FIELDS",
    "MAX_PUBLISH_ATTEMPTS",
    "METRICS_COLUMNS",
    "METRIC_FIELDS",
    "PUBLISH_RETRY_DELAYS",
    "BulkResult",
    "Decision",
    "State",
    "chain_for",
    "content_image_add",
    "content_item_approve",
    "content_item_archive",
    "content_item_create",
    "content_item_publish",
    "content_item_return",
    "content_item_schedule",
    "content_item_submit",
    "content_item_update",
    "content_item_withdraw",
    "content_items_bulk_approve",
    "content_publish_due",
    "content_remind_overdue",
    "metrics_import_csv",
    "metrics_record",
    "plan_create",
    "publish_retry_delay",
    "sanitize_body",
    "step_due_at",
    "submit_self_checks",
    "topic_decide",
    "topic_propose",
]
