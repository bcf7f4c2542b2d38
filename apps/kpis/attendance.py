"""HR enters a form's attendance (absences, late arrivals, early departures); the
indicators scored from attendance (automatic source "kpis.attendance") take their
actual and score from it at once. No attendance system feeds the portal, so this
record is the attendance data (seed 003: 根据日常考勤和纪律表现进行评分)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.errors import ApplicationError

from . import permissions as policy
from . import sources
from .models import AppraisalForm, AttendanceRecord, FormItem, FormState

SOURCE = "kpis.attendance"
OPEN_STATES = (FormState.SELF, FormState.PEER, FormState.SUPERVISOR)


def _count(value, field: str, *, whole: bool) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Enter a number."), field=field) from None
    if not number.is_finite() or number < 0 or number > 31:
        raise ApplicationError(_("Enter a number from 0 to 31."), field=field)
    if whole and number != number.to_integral_value():
        raise ApplicationError(_("Enter a whole number."), field=field)
    if number * 2 != (number * 2).to_integral_value():
        raise ApplicationError(_("Enter whole or half days."), field=field)
    return number


@transaction.atomic
def attendance_record_set(
    *, actor, form: AppraisalForm, absences=0, late_arrivals=0, early_departures=0, note=""
) -> AttendanceRecord:
    """Create or correct the attendance of a form still being scored, and rescore its
    attendance indicators. HR of the form's department only; audited."""
    from .services import _expect, _locked_form, _set_actual

    form = _locked_form(form)
    policy.require(policy.is_hr(actor, form.department), _("Only HR enters attendance records."))
    _expect(form, *OPEN_STATES)
    values = {
        "absences": _count(absences, "absences", whole=False),
        "late_arrivals": int(_count(late_arrivals, "late_arrivals", whole=True)),
        "early_departures": int(_count(early_departures, "early_departures", whole=True)),
    }
    record = AttendanceRecord.objects.select_for_update().filter(form=form).first()
    before = {k: str(getattr(record, k)) for k in values} if record else dict.fromkeys(values, "")
    if record is None:
        record = AttendanceRecord(form=form, entered_by=actor)
    for key, value in values.items():
        setattr(record, key, value)
    record.note = note or ""
    record.entered_by = actor
    record.save()
    points = sources.value(SOURCE, form.employee, form.cycle.period_start, form.cycle.period_end)
    items = FormItem.objects.select_for_update(of=("self",)).select_related("indicator")
    for item in items.filter(form=form, indicator__auto_source=SOURCE):
        _set_actual(item, points, FormItem.ActualSource.AUTO)
    audit.record(
        actor=actor,
        obj=form,
        action="form.attendance_set",
        changes={k: [before[k], str(v)] for k, v in values.items()},
    )
    return record
