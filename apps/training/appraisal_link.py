"""The link from appraisals to training: what the kpis app flags (read through its
documented selectors, never recomputed here) becomes ResultSignals for
services.training_from_appraisal_results.

Annual results (apps.kpis.selectors.flags_for):
- below_standard → a required training with a due date, and a task for the supervisor;
- repeated_excellence → a development flag, and a task for the supervisor.
Each AnnualResult is one source (kpis upserts it on (year, employee), so its id is
stable across rebuilds).

Repeated monthly results (apps.kpis.selectors.repeated_monthly_below_standard): an
employee's last REPEATED_MONTHS released monthly results below standard in consecutive
cycles → a required training and a task for the supervisor. The source is the monthly
form that completed the run: it stays the same while the run goes on (one training per
run, not one a month), and a new run after a result at standard is a new source.

The unique constraints per (source_type, source_id) make a rerun a no-op.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from apps.training.services import ResultSignal

SOURCE_TYPE = "kpis.annualresult"
MONTHLY_SOURCE_TYPE = "kpis.appraisalform"
# "Repeated" monthly below-standard results: this many in a row.
REPEATED_MONTHS = 2


def _label(result) -> str:
    with override("zh-hans"):
        return _("%(year)s annual appraisal: grade %(grade)s, score %(score)s") % {
            "year": result.year,
            "grade": result.grade or "—",
            "score": result.score if result.score is not None else "—",
        }


def _monthly_label(form, months: int) -> str:
    with override("zh-hans"):
        return _(
            "Monthly appraisals up to %(month)s: below standard %(months)s months in a row "
            "(grade %(grade)s, score %(score)s)"
        ) % {
            "month": f"{form.cycle.period_start:%Y-%m}",
            "months": months,
            "grade": form.grade or "—",
            "score": form.total_score if form.total_score is not None else "—",
        }


def signals_from_kpis(*, years=None, as_of=None) -> list[ResultSignal]:
    """Every signal the kpis app gives now: the annual ones and the repeated monthly
    ones (see below)."""
    return annual_signals(years=years) + monthly_signals(as_of=as_of)


def monthly_signals(*, months: int = REPEATED_MONTHS, as_of=None) -> list[ResultSignal]:
    """A below-standard signal per employee whose last `months` monthly results (as of
    `as_of`, default today) are below standard in consecutive cycles. One statement."""
    from apps.kpis.selectors import repeated_monthly_below_standard

    return [
        ResultSignal(
            kind="below_standard",
            employee_id=form.employee_id,
            source_type=MONTHLY_SOURCE_TYPE,
            source_id=str(form.pk),
            label=_monthly_label(form, months),
        )
        for form in repeated_monthly_below_standard(months=months, as_of=as_of)
    ]


def annual_signals(*, years=None) -> list[ResultSignal]:
    """Signals for every flagged annual result of `years` (default: this year and last,
    as the annual job runs in January for the year before)."""
    from apps.kpis.selectors import flags_for

    today = timezone.localdate()
    years = years or (today.year - 1, today.year)
    signals = []
    for year in years:
        for flag, kind in (
            ("below_standard", "below_standard"),
            ("repeated_excellence", "excellent"),
        ):
            for result in flags_for(year=year, flag=flag):
                signals.append(
                    ResultSignal(
                        kind=kind,
                        employee_id=result.employee_id,
                        source_type=SOURCE_TYPE,
                        source_id=str(result.pk),
                        label=_label(result),
                    )
                )
    return signals
