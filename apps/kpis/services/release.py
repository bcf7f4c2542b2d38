"""Release of results to employees, and the feedback interview."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.calendar import WorkingCalendar
from apps.core.errors import ApplicationError, ConflictError
from apps.core.notifications import notify

from .. import permissions as policy
from ..models import (
    AppraisalCycle,
    AppraisalForm,
)
from ..policies import Resolver
from .common import S, _expect, _locked_form


def forms_release(*, actor, cycle: AppraisalCycle, department=None, forms=None) -> int:
    """HR releases approved results to the employees; the appeal window (the
    department's working days) starts today.
    Refuses: anyone but HR (PermissionDenied), no approved result to
    release (ConflictError)."""
    policy.require(policy.is_hr(actor, department), _("Only HR releases results."))
    today = timezone.localdate()
    calendar = WorkingCalendar.load(today, today + dt.timedelta(days=60))
    resolver = Resolver()
    with transaction.atomic():
        rows = AppraisalForm.objects.select_for_update(of=("self",)).filter(
            cycle=cycle, state=S.APPROVED
        )
        if department is not None:
            rows = rows.filter(department__path__startswith=department.path)
        if forms is not None:
            rows = rows.filter(pk__in=[f.pk for f in forms])
        rows = list(rows.select_related("employee__user"))
        if not rows:
            raise ConflictError(_("There are no approved results to release."))
        now = timezone.now()
        for form in rows:
            days = resolver.policy(form.department_id).appeal_working_days
            form.state = S.RELEASED
            form.released_at = now
            form.appeal_deadline = calendar.add_working_days(today, days)
        AppraisalForm.objects.bulk_update(
            rows, ["state", "released_at", "appeal_deadline"], batch_size=1000
        )
        audit.record_many(
            actor=actor,
            objs=rows,
            action="form.released",
            from_state=S.APPROVED,
            to_state=S.RELEASED,
        )
        users = [f.employee.user for f in rows]
        transaction.on_commit(
            lambda: notify(
                recipients=users,
                title=format_lazy(
                    gettext_lazy("Your appraisal result for {cycle} is out"), cycle=cycle.label
                ),
                url="/kpis/mine/",
            )
        )
    return len(rows)


@transaction.atomic
def form_record_interview(
    *, actor, form: AppraisalForm, notes: str, improvement_plan: str
) -> AppraisalForm:
    """The feedback interview (绩效面谈) and the improvement plan agreed in it.
    Refuses: anyone but the supervisor or manager (PermissionDenied), a
    result not yet released (ConflictError), no notes or no plan (ApplicationError)."""
    form = _locked_form(form)
    policy.require(
        policy.can_interview(actor, form),
        _("Only the supervisor or manager records the interview."),
    )
    _expect(form, S.RELEASED, S.APPEALED, S.LOCKED)
    if not notes.strip():
        raise ApplicationError(_("Write what was discussed."), field="notes")
    if not improvement_plan.strip():
        raise ApplicationError(_("Write the improvement plan."), field="improvement_plan")
    form.interview_at = timezone.now()
    form.interview_notes = notes.strip()
    form.improvement_plan = improvement_plan.strip()
    form.save(update_fields=["interview_at", "interview_notes", "improvement_plan", "updated_at"])
    audit.record(actor=actor, obj=form, action="form.interview_recorded")
    return form
