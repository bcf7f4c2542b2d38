"""SLA arithmetic in working hours (apps.core.calendar): due times at intake, pausing the
resolve clock while waiting for the complainant, and restarting it on reopen; and the one
definition of "in time" and "overdue" that services, selectors, the breach scan, the home
panels and the KPI sources share."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from apps.complaints.models import Complaint
from apps.complaints.presets import SLA
from apps.core.calendar import WorkingCalendar

# Working hours to accept / to resolve when the SLA table has no row for a severity: the
# shipped table (apps.complaints.presets.SLA), so the hours are written down once.
DEFAULT_POLICIES = {severity: (accept, resolve) for severity, accept, resolve in SLA}


@dataclass(frozen=True)
class Policy:
    severity: str
    hours_to_accept: Decimal
    hours_to_resolve: Decimal
    notify_only: bool


def policy_for(severity: str) -> Policy:
    from apps.complaints.models import SlaPolicy

    row = SlaPolicy.objects.filter(severity=severity).first()
    if row is not None:
        return Policy(severity, row.hours_to_accept, row.hours_to_resolve, row.notify_only)
    accept, resolve = DEFAULT_POLICIES.get(severity, DEFAULT_POLICIES["normal"])
    return Policy(severity, accept, resolve, global_notify_only())


def global_notify_only() -> bool:
    return bool(getattr(settings, "COMPLAINTS_ESCALATION_NOTIFY_ONLY", False))


def _calendar(start: dt.datetime) -> WorkingCalendar:
    return WorkingCalendar.load(start.date())


def add_hours(start: dt.datetime, hours, calendar: WorkingCalendar | None = None) -> dt.datetime:
    return (calendar or _calendar(start)).add_working_hours(start, float(hours))


def due_times(received_at: dt.datetime, severity: str) -> tuple[dt.datetime, dt.datetime]:
    """(accept by, resolve by) for a complaint received at `received_at`."""
    policy = policy_for(severity)
    calendar = _calendar(received_at)
    return (
        calendar.add_working_hours(received_at, float(policy.hours_to_accept)),
        calendar.add_working_hours(received_at, float(policy.hours_to_resolve)),
    )


def restart_resolve_clock(now: dt.datetime, severity: str) -> dt.datetime:
    """Reopened: a full resolve allowance counted from now."""
    return add_hours(now, policy_for(severity).hours_to_resolve)


def paused_hours(paused_at: dt.datetime, now: dt.datetime) -> Decimal:
    hours = WorkingCalendar.load(paused_at.date(), now.date()).working_hours_between(paused_at, now)
    return Decimal(str(hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def shift_due(due: dt.datetime, paused: Decimal) -> dt.datetime:
    """Move a due time later by the working hours the clock stood still."""
    if paused <= 0:
        return due
    return add_hours(due, paused)


def time_left(due: dt.datetime | None, now: dt.datetime | None = None) -> dt.timedelta | None:
    """Wall-clock time until `due` (negative once overdue)."""
    if due is None:
        return None
    return due - (now or timezone.now())


# --- In time and overdue: one definition --------------------------------------------------


def met(done_at: dt.datetime, due: dt.datetime) -> bool:
    """A clock is met when its step is done at or before its due time."""
    return done_at <= due


def accepted_in_time_q() -> Q:
    """Complaints accepted by their accept-by time (SQL twin of `met`)."""
    return Q(accepted_at__lte=F("accept_due_at"))


def overdue_q(now: dt.datetime) -> Q:
    """Complaints whose running clock is past due at `now`: new ones past accept-by, those
    being handled past resolve-by (SQL twin of Complaint.is_overdue)."""
    return Q(state=Complaint.State.NEW, accept_due_at__lt=now) | Q(
        state__in=Complaint.RESOLVE_CLOCK_STATES, resolve_due_at__lt=now
    )
