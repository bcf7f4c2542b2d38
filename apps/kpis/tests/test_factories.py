"""The kpis factories: an indicator saved through indicator_save (valid, in the library,
refused for anyone but HR with nothing written) and cycles of distinct whole months."""

import datetime as dt

import pytest

from apps.core.errors import PermissionDenied
from apps.core.models import AuditEntry
from apps.kpis.models import AppraisalCycle, Indicator
from apps.kpis.tests.factories import AppraisalCycleFactory, IndicatorFactory
from apps.org.tests.factories import employee_in

pytestmark = pytest.mark.django_db


def test_the_factory_saves_a_valid_indicator_through_the_service(org):
    indicator = IndicatorFactory(code="test-reads")
    indicator.full_clean()
    assert Indicator.objects.get(code="test-reads") == indicator
    assert indicator.rule == Indicator.Rule.LINEAR and indicator.floor < indicator.cap
    audit = AuditEntry.objects.filter(object_id=str(indicator.pk), object_type="kpis.indicator")
    assert list(audit.values_list("action", flat=True)) == ["indicator.created"]


def test_only_hr_saves_indicators_and_a_refusal_writes_nothing(org):
    specialist = employee_in("wechat", "ops_specialist").user
    before = (Indicator.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        IndicatorFactory(actor=specialist)
    assert (Indicator.objects.count(), AuditEntry.objects.count()) == before


def test_cycles_cover_distinct_whole_months(db):
    first, second = AppraisalCycleFactory(), AppraisalCycleFactory()
    for cycle in (first, second):
        cycle.full_clean()
        assert cycle.period_start.day == 1
        assert (cycle.period_end + dt.timedelta(days=1)).day == 1
    assert first.period_start != second.period_start
    assert AppraisalCycle.objects.count() == 2
