"""Every write of the appraisal flow. Pages, the API, Celery tasks and the admin call
these; none re-implements a rule. Batch jobs (open, compute, close stages, lock,
remind, annual) live in apps.kpis.jobs; the services call them, never the reverse.

One module per step of the flow (configuration, cycles, the employee's self-assessment,
peer reviews, actuals, the supervisor, HR aggregation, calibration, release, appeals,
sheet exports); this package re-exports their public names so callers keep writing
`services.form_calibrate(...)`. The private helpers re-exported here (_expect,
_locked_form, _set_actual) are shared with apps.kpis.attendance.
"""

from ..jobs import cycle_schedules_open
from .actuals import ACTUALS_COLUMNS, _set_actual, actuals_import_csv, item_set_actual
from .aggregation import compute_form, cycle_aggregate
from .appeal_flow import appeal_file, appeal_rule
from .calibration import form_calibrate
from .common import S, _expect, _locked_form
from .configuration import indicator_save, policy_save, template_save
from .cycle_admin import cycle_close, cycle_open, stage_deadlines
from .exports import request_export
from .peer_review import peer_review_submit, peer_reviewers_assign
from .release import form_record_interview, forms_release
from .self_review import form_save_self
from .supervisor import form_supervisor_score

__all__ = [
    "ACTUALS_COLUMNS",
    "S",
    "_expect",
    "_locked_form",
    "_set_actual",
    "actuals_import_csv",
    "appeal_file",
    "appeal_rule",
    "compute_form",
    "cycle_aggregate",
    "cycle_close",
    "cycle_open",
    "cycle_schedules_open",
    "form_calibrate",
    "form_record_interview",
    "form_save_self",
    "form_supervisor_score",
    "forms_release",
    "indicator_save",
    "item_set_actual",
    "peer_review_submit",
    "peer_reviewers_assign",
    "policy_save",
    "request_export",
    "stage_deadlines",
    "template_save",
]
