"""Cycles: HR opens a period's cycle (its forms are populated by a task) and closes it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError, ConflictError

from .. import permissions as policy
from ..jobs import cycle_schedules_open
from ..models import (
    AppraisalCycle,
    CycleKind,
)
from ..policies import Resolver, period_of
from .common import S


def stage_deadlines(kind: str, period_end: dt.date) -> dict:
    """The stage deadlines of a period under the default timing (a department without
    a timing of its own): the 3rd, 5th, 7th and 9th working day after the period."""
    from ..schedule import DEFAULT_TIMINGS, load_calendar, plan

    cal = load_calendar(period_end, period_end)
    return plan(kind, period_end, DEFAULT_TIMINGS[kind], cal).dues()


def cycle_open(
    *, actor, kind: str, period_start: dt.date, department=None, enqueue=True
) -> AppraisalCycle:
    """HR opens the cycle of `kind` whose period contains `period_start` by hand, for
    every department whose policy runs it (or for `department`'s policy only), on each
    department's own timing. A department may open once its policy's opening day has
    come (a period long over is planned from today). Forms are created by the populate
    job, queued on commit. Opening again with nothing new is a conflict; an interrupted
    opening resumes.
    Refuses: anyone but HR (PermissionDenied); an unknown kind, a period
    not yet open under any policy, no policy running the kind (ApplicationError); the same
    opening again (ConflictError)."""
    from ..cycles import plans_for_hr

    if actor is not None:
        policy.require(policy.can_run_cycles(actor), _("Only HR opens appraisal cycles."))
    if kind not in CycleKind.values:
        raise ApplicationError(_("Choose monthly, quarterly or annual."), field="kind")
    start, _end = period_of(kind, period_start)
    resolver = Resolver()
    owner = ...
    if department is not None:
        owner = resolver.owner(department.pk)
        if not resolver.policy(department.pk).applies(kind):
            raise ApplicationError(
                _("The policy of %(d)s does not run this kind of appraisal.")
                % {"d": department.label},
                field="kind",
            )
    plans, later = plans_for_hr(kind, start, timezone.localdate(), owner=owner, resolver=resolver)
    if not plans:
        if later:
            raise ApplicationError(
                _("Under the departments' policies this period opens on %(d)s at the earliest.")
                % {"d": later[0]},
                field="period_start",
            )
        raise ApplicationError(
            _("No department's policy runs this kind of appraisal for anyone."), field="kind"
        )
    with transaction.atomic():
        cycle, new = cycle_schedules_open(actor=actor, kind=kind, period_start=start, plans=plans)
        opening = cycle.schedules.filter(state=AppraisalCycle.State.OPENING).exists()
        if not new and not opening:
            raise ConflictError(_("%(c)s is already open.") % {"c": cycle.label})
    if enqueue:
        from .. import tasks

        transaction.on_commit(lambda: tasks.populate_cycle.delay(cycle.pk))
    return cycle


@transaction.atomic
def cycle_close(*, actor, cycle: AppraisalCycle) -> AppraisalCycle:
    """HR closes a cycle once every form is released or locked; released forms
    lock. Refuses: anyone but HR (PermissionDenied), a cycle already closed or with forms
    not released or under appeal (ConflictError)."""
    policy.require(policy.can_run_cycles(actor), _("Only HR closes appraisal cycles."))
    cycle = AppraisalCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state == AppraisalCycle.State.CLOSED:
        raise ConflictError(_("%(c)s is already closed.") % {"c": cycle.label})
    waiting = cycle.forms.exclude(state__in=[S.RELEASED, S.LOCKED]).count()
    if waiting:
        raise ConflictError(
            _("%(n)s forms are not released or are under appeal; finish them first.")
            % {"n": waiting}
        )
    cycle.forms.filter(state=S.RELEASED).update(state=S.LOCKED, locked_at=timezone.now())
    before = cycle.state
    cycle.state = AppraisalCycle.State.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    audit.record(
        actor=actor, obj=cycle, action="cycle.closed", from_state=before, to_state="closed"
    )
    return cycle
