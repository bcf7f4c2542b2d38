"""factory_boy factories for the kpis app.

An indicator is written through `indicator_save` (its rule checked, audited), by a new
HR person unless `actor` is given; a cycle is a bare period row, as HR's dashboard sees
one before the populate job has made its forms (run `jobs.populate_cycle(cycle.pk)` or
open it with `services.cycle_open` for forms). Both need the `org` fixture (presets).
"""

import calendar
import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.kpis import services
from apps.kpis.models import AppraisalCycle, CycleKind, Indicator
from apps.org.tests.factories import employee_in


class IndicatorFactory(DjangoModelFactory):
    """A quantitative library indicator scored linearly from 60 % to 100 % of target."""

    class Meta:
        model = Indicator

    actor = factory.LazyFunction(lambda: employee_in("hr", "hr").user)
    code = factory.Sequence(lambda n: f"test-indicator-{n}")
    name = factory.Sequence(lambda n: f"测试指标{n}")
    name_en = factory.Sequence(lambda n: f"Test indicator {n}")
    kind = Indicator.Kind.QUANTITATIVE
    unit = "%"
    formula = Indicator.Formula.RATIO
    rule = Indicator.Rule.LINEAR
    floor = Decimal("0.6")
    cap = Decimal("1.0")
    source = Indicator.Source.MANUAL

    @classmethod
    def _create(cls, model_class, *args, actor, **data):
        return services.indicator_save(actor=actor, data=data)


def _month(n: int) -> dt.date:
    """The first day of the n-th month from January 2024: one period per factory call."""
    return dt.date(2024 + n // 12, n % 12 + 1, 1)


class AppraisalCycleFactory(DjangoModelFactory):
    """A company-wide monthly cycle for a month of its own, not yet populated."""

    class Meta:
        model = AppraisalCycle

    kind = CycleKind.MONTHLY
    period_start = factory.Sequence(_month)
    period_end = factory.LazyAttribute(
        lambda cycle: cycle.period_start.replace(
            day=calendar.monthrange(cycle.period_start.year, cycle.period_start.month)[1]
        )
    )
