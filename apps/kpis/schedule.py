"""When a department's appraisal cycle opens and when each of its stages closes.

Pure date arithmetic over a `Timing` (a CycleTiming row's values, or the default) on the
real working-day calendar (apps.core.calendar: public holidays and make-up workdays from
the chinesecalendar package, with HR's overrides). Opening counts from the period's last
working day; stage deadlines count working days from the opening day; `close_by_day`
caps every deadline (次月上旬: by the 10th of the next month). The policy editor uses
`problems()` to refuse a plan that would miss that limit in any of the coming periods.
"""

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.core.calendar import WorkingCalendar

from .models import CycleKind, CycleTiming

Opens = CycleTiming.Opens
STAGES = ("self_days", "peer_days", "supervisor_days", "calibration_days")
DUES = ("self_due", "peer_due", "supervisor_due", "calibration_due")
# What a rulebook fixes, which HR's editor may not loosen (problems() refuses it): {kind:
# close-by day}.
RULEBOOK_LIMITS = {
    "000": {"monthly": 10, "annual": 31},
    "001": {"quarterly": 0, "annual": 0},
    "003": {"monthly": 10, "annual": 31},
    "004": {"monthly": 10},
}
# How many periods ahead the editor checks a plan against the calendar.
HORIZON = {CycleKind.MONTHLY: 12, CycleKind.QUARTERLY: 4, CycleKind.ANNUAL: 2}


@dataclass(frozen=True)
class Timing:
    opens: str
    open_days: int
    self_days: int
    peer_days: int
    supervisor_days: int
    calibration_days: int
    close_by_day: int | None = None

    @classmethod
    def of(cls, row) -> "Timing":
        return cls(*(getattr(row, name) for name in cls.__dataclass_fields__))


# Used where a policy has no timing of its own for a kind: the first working day after
# the period, stages on its 3rd, 5th, 7th and 9th working day (the product's old rule).
DEFAULT_TIMINGS = {
    CycleKind.MONTHLY: Timing(Opens.AFTER_END, 1, 2, 4, 6, 8),
    CycleKind.QUARTERLY: Timing(Opens.AFTER_END, 1, 2, 4, 6, 8),
    CycleKind.ANNUAL: Timing(Opens.AFTER_END, 1, 15, 15, 15, 15),
}


@dataclass(frozen=True)
class Plan:
    period_start: dt.date
    period_end: dt.date
    opens_on: dt.date
    self_due: dt.date
    peer_due: dt.date
    supervisor_due: dt.date
    calibration_due: dt.date
    close_by: dt.date | None = None

    def dues(self) -> dict[str, dt.date]:
        return {name: getattr(self, name) for name in DUES}


def load_calendar(start: dt.date, end: dt.date) -> WorkingCalendar:
    return WorkingCalendar.load(start - dt.timedelta(days=40), end + dt.timedelta(days=100))


def last_working_day(cal: WorkingCalendar, day: dt.date) -> dt.date:
    """`day` or the closest working day before it."""
    for _step in range(366):
        if cal.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    raise ValueError("The calendar has no working days in range.")


def working_days_before(cal: WorkingCalendar, day: dt.date, days: int) -> dt.date:
    """The working day `days` working days before the working day `day`."""
    for _step in range(days):
        day = last_working_day(cal, day - dt.timedelta(days=1))
    return day


def close_by_date(period_end: dt.date, close_by_day: int | None) -> dt.date | None:
    """The calendar day every stage must close by: day N of the month after the period
    (the month's last day if it is shorter), or the period's own end for 0."""
    if close_by_day is None:
        return None
    if close_by_day == 0:
        return period_end
    first = period_end + dt.timedelta(days=1)
    last = month_calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(close_by_day, last))


def plan(
    kind: str,
    period_start: dt.date,
    timing: Timing,
    cal: WorkingCalendar,
    *,
    anchor: dt.date | None = None,
    cap: bool = True,
) -> Plan:
    """The opening day and stage deadlines of the period of `kind` containing
    `period_start`. `anchor` replaces the opening day (HR opening a period late);
    `cap` pulls deadlines past `close_by_day` back to its last working day."""
    start, end = period_of(kind, period_start)
    last = last_working_day(cal, end)
    if timing.opens == Opens.AFTER_END:
        opens_on = cal.add_working_days(end, max(timing.open_days, 1))
    else:
        opens_on = working_days_before(cal, last, timing.open_days)
    if anchor is not None:
        opens_on = cal.next_working_day(anchor)
    dues = [cal.add_working_days(opens_on, getattr(timing, name)) for name in STAGES]
    limit = close_by_date(end, timing.close_by_day)
    if cap and limit is not None and anchor is None:
        latest = max(last_working_day(cal, limit), opens_on)
        dues = [min(due, latest) for due in dues]
    return Plan(start, end, opens_on, *dues, close_by=limit)


def periods_ahead(kind: str, today: dt.date, count: int) -> list[dt.date]:
    """Period starts of `kind` from the one containing `today`, `count` of them."""
    starts, day = [], today
    for _step in range(count):
        start, end = period_of(kind, day)
        starts.append(start)
        day = end + dt.timedelta(days=1)
    return starts


def candidate_periods(kind: str, today: dt.date) -> list[dt.date]:
    """The periods whose cycle may be due around `today`: the current one (opening
    before its end) and the one before (opening after its end)."""
    start, _end = period_of(kind, today)
    previous, _end = period_of(kind, start - dt.timedelta(days=1))
    return [previous, start]


def problems(kind: str, timing: Timing, *, today: dt.date, limit_day: int | None = None):
    """Why this plan cannot be saved, as (field, message), or []: a stage closing after
    `close_by_day` (or the rulebook's `limit_day`) in any of the coming periods on the
    real calendar, before any capping."""
    errors = []
    values = [getattr(timing, name) for name in STAGES]
    if values != sorted(values):
        errors.append(("calibration_days", _("Each stage must close on or after the one before.")))
        return errors
    if limit_day is not None and (timing.close_by_day is None or timing.close_by_day > limit_day):
        errors.append(
            (
                "close_by_day",
                _("The rulebook closes every stage by %(limit)s; set this to %(day)s or less.")
                % {"limit": limit_text(limit_day), "day": limit_day},
            )
        )
        return errors
    if timing.close_by_day is None:
        return errors
    starts = periods_ahead(kind, today, HORIZON[kind])
    cal = load_calendar(starts[0], period_of(kind, starts[-1])[1])
    labels = dict(zip(STAGES, stage_labels(), strict=True))
    for start in starts:
        result = plan(kind, start, timing, cal, cap=False)
        for name, due in zip(STAGES, [result.self_due, result.peer_due, result.supervisor_due,
                                      result.calibration_due], strict=True):  # fmt: skip
            if due > result.close_by:
                errors.append(
                    (
                        name,
                        _(
                            "For %(period)s, %(stage)s would close on %(due)s, after "
                            "%(limit)s (%(rule)s). Open earlier or give the stages fewer "
                            "working days."
                        )
                        % {
                            "period": period_text(kind, start),
                            "stage": labels[name],
                            "due": date_format(due),
                            "limit": date_format(result.close_by),
                            "rule": limit_text(timing.close_by_day),
                        },
                    )
                )
                return errors
    return errors


def stage_labels() -> list[str]:
    return [
        _("self-assessment"),
        _("peer review"),
        _("supervisor review"),
        _("manager review"),
    ]


def limit_text(day: int) -> str:
    if day == 0:
        return _("the period's last working day")
    if day == 10:
        return _("the 10th of the next month (次月上旬)")
    return _("day %(day)s of the next month") % {"day": day}


def period_text(kind: str, start: dt.date) -> str:
    if kind == CycleKind.MONTHLY:
        return f"{start:%Y-%m}"
    if kind == CycleKind.QUARTERLY:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `kind` that contains `day`."""
    if kind == CycleKind.MONTHLY:
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    elif kind == CycleKind.QUARTERLY:
        month = (day.month - 1) // 3 * 3 + 1
        start = dt.date(day.year, month, 1)
        end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
    else:
        start, end = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return start, end


def previous_period(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete period of `kind` before `today` (what is appraised now)."""
    current_start, _end = period_of(kind, today)
    return period_of(kind, current_start - dt.timedelta(days=1))
