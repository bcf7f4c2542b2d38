"""Which appraisal forms are past a stage deadline: the one definition the list pages
(selectors), the stage closing and the reminders (jobs) share. A form's deadline is its
department's schedule's, or the cycle's on forms without one."""

import datetime as dt

from django.db.models import Q

from .models import FormState

S = FormState

# The deadline each open stage runs against.
STAGE_DUE = {
    S.SELF: "self_due",
    S.PEER: "peer_due",
    S.SUPERVISOR: "supervisor_due",
    S.CALIBRATION: "calibration_due",
}


def past_q(field: str, today: dt.date, *, lookup: str = "lt") -> Q:
    """Forms whose `field` deadline (their department's schedule's, or the cycle's on
    forms without one) is before `today` (lookup "lte": on or before)."""
    return Q(**{f"schedule__{field}__{lookup}": today}) | Q(
        schedule__isnull=True, **{f"cycle__{field}__{lookup}": today}
    )


def late_q(today: dt.date) -> Q:
    """Forms whose current stage is past its deadline."""
    q = Q(pk__in=[])
    for state, field in STAGE_DUE.items():
        q |= Q(state=state) & past_q(field, today)
    return q
