"""Actuals: the measured figures of quantitative indicators, typed in or imported."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit, imports
from apps.core.errors import ApplicationError

from .. import permissions as policy
from .. import scoring
from ..models import (
    AppraisalCycle,
    FormItem,
    Indicator,
)
from .common import S, _expect, _locked_form


def _set_actual(item: FormItem, actual, source: str, parts: dict | None = None) -> None:
    item.actual = actual
    if parts is not None:
        item.part_actuals = parts
    item.actual_source = source
    item.completion_rate, item.formula_score = scoring.quantitative_result(
        item.indicator,
        actual,
        item.target,
        part_actuals=item.part_actuals,
        part_targets=item.part_targets,
    )
    item.save(
        update_fields=[
            "actual",
            "part_actuals",
            "actual_source",
            "completion_rate",
            "formula_score",
        ]
    )


def _check_actual(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except Exception:  # noqa: BLE001 - any unparsable input is the same mistake
        raise ApplicationError(_("Enter a number."), field=field) from None
    if not number.is_finite() or number < 0:
        raise ApplicationError(_("An actual cannot be negative."), field=field)
    return number


def _check_parts(indicator, parts) -> dict:
    """Every sub-measure of a composite indicator, each a number ≥ 0."""
    if not isinstance(parts, dict):
        raise ApplicationError(_("Give a figure for every sub-measure."), field="parts")
    checked = {}
    for part in indicator.components:
        if parts.get(part["key"]) in (None, ""):
            raise ApplicationError(
                _("Give a figure for “%(p)s”.") % {"p": part.get("name_en") or part["name"]},
                field=f"parts.{part['key']}",
            )
        checked[part["key"]] = str(_check_actual(parts[part["key"]], f"parts.{part['key']}"))
    unknown = set(parts) - set(checked)
    if unknown:
        raise ApplicationError(
            _("“%(p)s” is not a sub-measure of this indicator.") % {"p": sorted(unknown)[0]},
            field="parts",
        )
    return checked


@transaction.atomic
def item_set_actual(*, actor, item: FormItem, actual=None, parts: dict | None = None) -> FormItem:
    """Type in the actual of a quantitative indicator; for a composite one, the figure
    of each sub-measure (`parts`: {key: figure}).
    Refuses: anyone but the supervisor or HR (PermissionDenied), a form
    past supervisor scoring (ConflictError), a qualitative indicator, a negative or
    non-numeric figure, missing or unknown sub-measures (ApplicationError)."""
    item = (
        FormItem.objects.select_for_update(of=("self",)).select_related("indicator").get(pk=item.pk)
    )
    form = _locked_form(item.form)
    policy.require(
        policy.is_hr(actor, form.department) or policy.can_score(actor, form),
        _("Only the supervisor or HR enters actuals."),
    )
    _expect(form, S.SELF, S.PEER, S.SUPERVISOR)
    if not item.indicator.is_quantitative:
        raise ApplicationError(_("Only quantitative indicators have actuals."), field="actual")
    if item.indicator.is_composite:
        before, checked = item.part_actuals, _check_parts(item.indicator, parts)
        _set_actual(item, None, FormItem.ActualSource.MANUAL, parts=checked)
        change = [before or "", checked]
    else:
        before, value = item.actual, _check_actual(actual, "actual")
        _set_actual(item, value, FormItem.ActualSource.MANUAL)
        change = [str(before or ""), str(value)]
    audit.record(
        actor=actor, obj=form, action="form.actual_set", changes={item.indicator.code: change}
    )
    return item


ACTUALS_COLUMNS = (
    imports.Column("employee_no", ("employee number", "员工编号", "工号")),
    imports.Column("indicator", ("indicator code", "指标", "指标编码", "指标代码")),
    imports.Column("actual", ("实际值", "实际完成", "完成值")),
)


@transaction.atomic
def actuals_import_csv(*, actor, cycle: AppraisalCycle, file) -> dict:
    """A CSV or XLSX of actuals (employee_no, indicator, actual; or their Chinese names).
    All rows or none: any bad row raises imports.ImportRejected listing every problem by
    row and column. Forms must be open for scoring, as when actuals are typed in.
    Refuses: anyone but HR (PermissionDenied); a file with any bad row (an unknown
    employee or indicator, a row twice, a composite indicator, a form no longer open),
    as one ImportRejected, writing nothing."""
    policy.require(policy.can_run_cycles(actor), _("Only HR imports actuals."))
    table = imports.read_table(file, ACTUALS_COLUMNS)
    items = {
        (item.form.employee.employee_no, item.indicator.code): item
        for item in FormItem.objects.filter(
            form__cycle=cycle,
            form__employee__employee_no__in=table.values("employee_no"),
            indicator__kind=Indicator.Kind.QUANTITATIVE,
        )
        .select_related("form__employee", "indicator")
        .select_for_update(of=("self", "form"))
    }
    seen = set()

    def parse(row):
        key = (row.text("employee_no"), row.text("indicator"))
        item = items.get(key)
        if item is None:
            raise ApplicationError(
                _("No such employee and quantitative indicator in this cycle."),
                field="employee_no",
            )
        if key in seen:
            raise ApplicationError(
                _("This employee and indicator appear twice in the file."), field="indicator"
            )
        if item.indicator.is_composite:
            raise ApplicationError(
                _("This indicator is made of sub-measures: enter them on the form."),
                field="indicator",
            )
        seen.add(key)
        if item.form.state not in (S.SELF, S.PEER, S.SUPERVISOR):
            raise ApplicationError(
                _("This appraisal is at “%(s)s”; its actuals can no longer change.")
                % {"s": item.form.get_state_display()},
                field="employee_no",
            )
        return item, row.decimal("actual")

    def save(updates):
        for item, value in updates:
            _set_actual(item, value, FormItem.ActualSource.CSV)
        audit.record(
            actor=actor, obj=cycle, action="cycle.actuals_imported", comment=str(len(updates))
        )
        return len(updates)

    return {"imported": imports.import_table(table, parse=parse, save=save)}
