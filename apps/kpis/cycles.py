"""Which departments run which cycle, and what is due to open on a day: each policy's
switches and timing (apps.kpis.schedule) over the people it covers. Reads only; the
writes are services.cycle_schedules_open and the jobs."""

import datetime as dt
from collections import defaultdict

from apps.org.models import Assignment

from . import schedule
from .models import CycleKind
from .policies import Resolver


def appraisees(on: dt.date) -> list[tuple[int, int]]:
    """(department, position) of every active employee's primary post on `on`, each
    pair once. One query."""
    return list(
        Assignment.objects.active_on(on)
        .filter(is_primary=True, employee__is_active=True)
        .values_list("post__department_id", "post__position_id")
        .distinct()
    )


def owners_running(resolver: Resolver, kind: str, rows) -> dict:
    """{policy department (None: the defaults): policy} of the policies that run `kind`
    and cover someone with a template among `rows` (see appraisees)."""
    owners = {}
    for department_id, position_id in rows:
        policy = resolver.policy(department_id)
        if policy.applies(kind) and resolver.template_for(department_id, position_id):
            owners[policy.department_id] = policy
    return owners


def due_on(today: dt.date, resolver: Resolver | None = None) -> dict:
    """{(kind, period start): {owner: Plan}}: the departments whose cycle of a period
    is due on `today` — its opening day has come and its last stage is not over
    (so a job that missed a day catches up, and a finished period never reopens)."""
    resolver = resolver or Resolver()
    rows = appraisees(today)
    cal = schedule.load_calendar(today - dt.timedelta(days=400), today + dt.timedelta(days=60))
    due = defaultdict(dict)
    for kind in CycleKind.values:
        for owner, policy in owners_running(resolver, kind, rows).items():
            timing = resolver.timing(policy, kind)
            for start in schedule.candidate_periods(kind, today):
                plan = schedule.plan(kind, start, timing, cal)
                if plan.opens_on <= today <= plan.calibration_due:
                    due[(kind, plan.period_start)][owner] = plan
    return dict(due)


def plans_for_hr(
    kind: str, period_start: dt.date, today: dt.date, *, owner=..., resolver=None
) -> tuple[dict, list[dt.date]]:
    """HR opening a period by hand: ({owner: Plan} of the departments that may open it
    now, [opening days of those that may not yet]). A period whose stages are all past
    is planned from today (a late appraisal); an annual one may open any time."""
    resolver = resolver or Resolver()
    start, end = schedule.period_of(kind, period_start)
    owners = owners_running(resolver, kind, appraisees(min(end, today)))
    if owner is not ...:
        owners = {k: v for k, v in owners.items() if k == owner}
    cal = schedule.load_calendar(start, max(end, today))
    plans, later = {}, []
    for key, policy in owners.items():
        timing = resolver.timing(policy, kind)
        plan = schedule.plan(kind, start, timing, cal)
        if today < plan.opens_on and kind != CycleKind.ANNUAL:
            later.append(plan.opens_on)
            continue
        if today > plan.calibration_due or today < plan.opens_on:
            plan = schedule.plan(kind, start, timing, cal, anchor=today)
        plans[key] = plan
    return plans, sorted(later)
