"""Every write to campaigns, one module per part of a campaign's life. Each service locks
the campaign row, checks the state and the actor's right through apps.campaigns.permissions,
writes, and records the audit row in the same transaction; notifications go out on commit.

Callers keep using ``from apps.campaigns import services`` / ``services.campaign_submit``;
this module re-exports every public name of the package."""

from ._common import ZERO, S, director_threshold
from .close_out import campaign_close_out
from .execution import (
    ATTACHMENT_EXTENSIONS,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    log_entry_add,
    prize_distribute,
)
from .metrics import (
    MAX_CSV_BYTES,
    METRIC_FIELDS,
    METRICS_COLUMNS,
    metrics_import_csv,
    metrics_record,
)
from .money import (
    budget_increase_approve,
    budget_increase_request,
    budget_increase_return,
    spend_record,
)
from .plans import (
    PlanData,
    campaign_approve,
    campaign_create,
    campaign_return,
    campaign_submit,
    campaign_update,
    plan_total,
)
from .running import (
    campaign_cancel,
    campaign_copy,
    campaign_finish,
    campaign_prepare,
    campaign_start,
    checklist_item_set,
)

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_CSV_BYTES",
    "METRICS_COLUMNS",
    "METRIC_FIELDS",
    "ZERO",
    "PlanData",
    "S",
    "budget_increase_approve",
    "budget_increase_request",
    "budget_increase_return",
    "campaign_approve",
    "campaign_cancel",
    "campaign_close_out",
    "campaign_copy",
    "campaign_create",
    "campaign_finish",
    "campaign_prepare",
    "campaign_return",
    "campaign_start",
    "campaign_submit",
    "campaign_update",
    "checklist_item_set",
    "director_threshold",
    "log_entry_add",
    "metrics_import_csv",
    "metrics_record",
    "plan_total",
    "prize_distribute",
    "spend_record",
]
