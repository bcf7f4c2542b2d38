"""repeated_monthly_below_standard: runs of below-standard monthly results in consecutive
cycles, by the same rule as the annual flag, in one statement."""

import datetime as dt

import pytest

from apps.kpis import jobs
from apps.kpis.models import AppraisalCycle, AppraisalForm, AppraisalPolicy
from apps.kpis.selectors import repeated_monthly_below_standard

YEAR = dt.date.today().year - 1


def month(number, grades=None, *, state="locked", default="B"):
    """A monthly cycle of YEAR populated by the real job; every form released with
    `default`, except the employees given in `grades` ({employee: grade or (grade,
    state)})."""
    start = dt.date(YEAR, number, 1)
    cycle = AppraisalCycle.objects.create(
        kind="monthly",
        period_start=start,
        period_end=(start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1),
        state="closed",
    )
    jobs.populate_cycle(cycle.pk)
    forms = AppraisalForm.objects.filter(cycle=cycle)
    forms.update(state=state, total_score=75, grade=default)
    for employee, value in (grades or {}).items():
        grade, form_state = value if isinstance(value, tuple) else (value, state)
        forms.filter(employee=employee).update(
            grade=grade, total_score=50 if grade in "CD" else 85, state=form_state
        )
    return cycle


def form(cycle, employee):
    return AppraisalForm.objects.get(cycle=cycle, employee=employee)


def found(**kwargs):
    return list(repeated_monthly_below_standard(**kwargs).values_list("pk", flat=True))


@pytest.fixture
def cs(kpi_presets, people):
    return people["cs"]


def test_two_consecutive_below_standard_months_return_the_second(cs, people):
    month(3, {cs: "D"})
    april = month(4, {cs: ("D", "released"), people["specialist"]: "D"})

    assert found() == [form(april, cs).pk]
    [result] = repeated_monthly_below_standard()
    assert (result.employee, result.cycle, result.grade) == (cs, april, "D")


def test_one_below_standard_month_is_not_repeated(cs):
    month(3, {cs: "B"})
    april = month(4, {cs: "D"})

    assert found() == []
    assert found(months=1) == [form(april, cs).pk]


def test_a_good_month_in_between_breaks_the_run(cs):
    month(3, {cs: "D"})
    month(4, {cs: "A"})
    month(5, {cs: "D"})

    assert found() == []


def test_the_latest_result_decides(cs):
    month(3, {cs: "D"})
    month(4, {cs: "D"})
    month(5, {cs: "B"})

    assert found() == []


def test_a_cycle_without_a_released_result_breaks_the_run(cs):
    month(3, {cs: "D"})
    month(4, {cs: ("D", "calibration")})  # not released: not a result yet
    month(5, {cs: "D"})

    assert found() == []


def test_an_unreleased_latest_month_is_not_counted_yet(cs):
    month(3, {cs: "D"})
    april = month(4, {cs: ("D", "appealed")})
    month(5, {cs: ("D", "approved")})

    assert found() == [form(april, cs).pk]


def test_the_source_stays_the_same_while_the_run_goes_on(cs):
    month(3, {cs: "D"})
    april = month(4, {cs: "D"})
    may = month(5, {cs: "D"})

    assert found() == [form(april, cs).pk]
    assert found(months=3) == [form(may, cs).pk]
    assert found(months=4) == []


def test_a_new_run_after_a_good_month_has_a_new_source(cs):
    month(3, {cs: "D"})
    month(4, {cs: "D"})
    month(5, {cs: "B"})
    month(6, {cs: "D"})
    july = month(7, {cs: "D"})

    assert found() == [form(july, cs).pk]


def test_below_standard_follows_the_department_policy(cs, org):
    month(3, {cs: "C"})
    april = month(4, {cs: "C"})
    assert found() == []  # the default rule: only D is below standard

    AppraisalPolicy.objects.filter(department=org["wechat"]).update(below_standard_grades="CD")
    assert found() == [form(april, cs).pk]


def test_as_of_and_employee_filters(cs, people):
    month(3, {cs: "D", people["specialist"]: "D"})
    april = month(4, {cs: "D", people["specialist"]: "D"})
    month(5, {cs: "B", people["specialist"]: "B"})

    assert found() == []
    assert found(as_of=dt.date(YEAR, 4, 30)) == sorted(
        [form(april, cs).pk, form(april, people["specialist"]).pk],
        key=lambda pk: AppraisalForm.objects.get(pk=pk).employee.employee_no,
    )
    assert found(as_of=dt.date(YEAR, 4, 1), employee_ids=[cs.pk]) == [form(april, cs).pk]
    assert found(as_of=dt.date(YEAR, 4, 1), employee_ids=[]) == []
    with pytest.raises(ValueError, match="months"):
        repeated_monthly_below_standard(months=0)


def test_queries_do_not_grow_with_employees(cs, people, django_assert_num_queries):
    month(3, {cs: "D"})
    month(4, {cs: "D"})
    with django_assert_num_queries(5):  # four configuration reads, one statement
        assert len(list(repeated_monthly_below_standard())) == 1

    month(5, default="D")
    month(6, default="D")
    everyone = AppraisalForm.objects.filter(cycle__period_start=dt.date(YEAR, 6, 1)).count()
    assert everyone > 5
    with django_assert_num_queries(5):
        assert len(list(repeated_monthly_below_standard())) == everyone
