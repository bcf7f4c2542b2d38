"""Every write on complaints. Each service: one transaction, the row locked, state and
authority checked, the change and its audit row written together, notifications queued.

Complainant actions (add information, confirm, not satisfied) carry the private tracking
token instead of an actor; the token is checked against the stored hash.

Reopen window: a closed complaint can be reopened (by the complainant, or by staff on
the complainant's behalf) for REOPEN_WINDOW_DAYS (default 7) calendar days after it was
closed; after that a new complaint must be filed.

One module per part of the flow (common helpers, submission, handling, messages, the
complainant, coordination tasks); this package re-exports their public names so callers
keep writing `services.complaint_accept(...)`.
"""

from apps.complaints import sla  # callers read services.sla

from .common import (
    S,
    complaint_by_token,
    confirm_window,
    default_department,
    hash_token,
    new_code,
    reopen_window,
)
from .complainant import (
    close_unconfirmed,
    complaint_add_information,
    complaint_close_unconfirmed,
    complaint_confirm,
    complaint_not_satisfied,
)
from .coordination import task_cancel, task_close, task_open
from .handling import (
    complaint_accept,
    complaint_assign,
    complaint_merge,
    complaint_reopen,
    complaint_resolve,
    complaint_resume,
    complaint_start,
    complaint_transfer,
    complaint_wait,
)
from .messages import complaint_add_note, complaint_reply
from .submission import complaint_notify_handlers, complaint_submit

__all__ = [
    "S",
    "close_unconfirmed",
    "complaint_accept",
    "complaint_add_information",
    "complaint_add_note",
    "complaint_assign",
    "complaint_by_token",
    "complaint_close_unconfirmed",
    "complaint_confirm",
    "complaint_merge",
    "complaint_not_satisfied",
    "complaint_notify_handlers",
    "complaint_reopen",
    "complaint_reply",
    "complaint_resolve",
    "complaint_resume",
    "complaint_start",
    "complaint_submit",
    "complaint_transfer",
    "complaint_wait",
    "confirm_window",
    "default_department",
    "hash_token",
    "new_code",
    "reopen_window",
    "sla",
    "task_cancel",
    "task_close",
    "task_open",
]
