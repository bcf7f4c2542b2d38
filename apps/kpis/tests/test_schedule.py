"""Appraisal timing per department (issue 12) on the real calendar, with time frozen:
the stage dates of each preset department's monthly, quarterly and annual cycles are
what its rulebook says; the job opens what each policy says, once, also on two workers;
the policy editor refuses a plan that breaks 次月上旬 and changes nothing."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections

from apps.core.calendar import WorkingCalendar
from apps.core.models import AuditEntry
from apps.core.testing import TRANSACTIONAL_DB
from apps.kpis import jobs, presets, schedule
from apps.kpis.models import (
    AppraisalCycle,
    AppraisalForm,
    AppraisalPolicy,
    CycleSchedule,
    CycleTiming,
)
from apps.kpis.policies import Resolver

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour=9):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), TZ), tick=False)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _plan(org, code, kind, period_start):
    resolver = Resolver()
    policy = resolver.policy(org[code].pk)
    cal = schedule.load_calendar(period_start, period_start + dt.timedelta(days=370))
    return schedule.plan(kind, period_start, resolver.timing(policy, kind), cal)


# --- The dates each rulebook gives ----------------------------------------------------


@pytest.mark.parametrize(
    ("code", "period", "expected"),
    [
        # 000/004: summary on the month's last working day, all closed by the 10th — also
        # after the 2025 National Day week, when only 9 and 10 October are working days.
        ("miniprogram-ops", "2025-09-01", ("2025-09-26", "2025-09-30", "2025-09-30",
                                           "2025-10-09", "2025-10-10")),
        ("community-ops", "2025-09-01", ("2025-09-26", "2025-09-30", "2025-09-30",
                                         "2025-10-09", "2025-10-10")),
        # 003 adds a peer-review day before the supervisor's.
        ("wechat", "2025-09-01", ("2025-09-25", "2025-09-29", "2025-09-30", "2025-10-09",
                                  "2025-10-10")),
        # Spring Festival 2025 (28 Jan–4 Feb; 26 Jan a make-up workday).
        ("wechat", "2025-01-01", ("2025-01-22", "2025-01-26", "2025-01-27", "2025-02-05",
                                  "2025-02-06")),
    ],
)  # fmt: skip
def test_monthly_dates_of_the_presets(kpi_presets, org, code, period, expected):
    plan = _plan(org, code, "monthly", d(period))
    got = (plan.opens_on, plan.self_due, plan.peer_due, plan.supervisor_due, plan.calibration_due)
    assert got == tuple(d(x) for x in expected)


@pytest.mark.parametrize("code", ["miniprogram-ops", "wechat", "community-ops"])
def test_every_monthly_stage_closes_by_the_10th_on_working_days(kpi_presets, org, code):
    """次月上旬 for every month the calendar knows (2024 to September 2026): every stage,
    manager review included, closes on a working day by the 10th of the next month, and
    the work summary is due on the month's last working day (每月末)."""
    cal = WorkingCalendar.load(d("2024-01-01"), d("2026-12-31"))
    month = d("2024-01-01")
    while month <= d("2026-09-01"):
        plan = _plan(org, code, "monthly", month)
        tenth = (plan.period_end + dt.timedelta(days=1)).replace(day=10)
        for due in plan.dues().values():
            assert due <= tenth and cal.is_working_day(due), (month, plan)
        assert plan.opens_on <= plan.period_end
        last_working = schedule.last_working_day(cal, plan.period_end)
        assert last_working in (plan.self_due, plan.peer_due), (month, plan)
        month = (month + dt.timedelta(days=32)).replace(day=1)


def test_the_old_rule_missed_the_10th():
    """What the product did before (9 working days after the month): manager review on
    the 11th–19th — the failure this change removes."""
    old = schedule.DEFAULT_TIMINGS["monthly"]
    cal = schedule.load_calendar(d("2025-09-01"), d("2025-10-31"))
    assert schedule.plan("monthly", d("2025-09-01"), old, cal).calibration_due == d("2025-10-20")


@pytest.mark.parametrize(
    ("kind", "period", "expected"),
    [
        # 001: 季度考核于每季度末进行 / 年度考核在每年年末进行 — all by the last working day.
        ("quarterly", "2025-07-01", ("2025-09-24", "2025-09-26", "2025-09-26", "2025-09-29",
                                     "2025-09-30")),
        ("quarterly", "2026-01-01", ("2026-03-24", "2026-03-26", "2026-03-26", "2026-03-30",
                                     "2026-03-31")),
        ("annual", "2025-01-01", ("2025-12-24", "2025-12-26", "2025-12-26", "2025-12-30",
                                  "2025-12-31")),
    ],
)  # fmt: skip
def test_001_quarterly_and_annual_at_the_period_end(kpi_presets, org, kind, period, expected):
    plan = _plan(org, "general-ops", kind, d(period))
    got = (plan.opens_on, plan.self_due, plan.peer_due, plan.supervisor_due, plan.calibration_due)
    assert got == tuple(d(x) for x in expected)
    assert AppraisalPolicy.objects.get(department=org["general-ops"]).monthly is False


@pytest.mark.parametrize("code", ["miniprogram-ops", "wechat"])
def test_000_and_003_annual_in_january(kpi_presets, org, code):
    """年度考核于次年1月进行: opens on the first working day of January (4 January 2026, a
    make-up Sunday) and closes within January."""
    plan = _plan(org, code, "annual", d("2025-01-01"))
    assert plan.opens_on == d("2026-01-04")
    assert all(due.month == 1 and due.year == 2026 for due in plan.dues().values())


# --- The job opens what each policy says, once ------------------------------------------


@pytest.fixture
def general_ops(make_employee, people):
    manager = make_employee("go_manager", "general-ops", "ops_manager", people["director"])
    return {
        "manager": manager,
        "specialist": make_employee("go_specialist", "general-ops", "ops_specialist", manager),
    }


def test_the_job_opens_each_departments_cycle_on_its_day_once(kpi_presets, org, general_ops):
    # 24 September 2025: 001's Q3 appraisal opens (the quarter's end); nobody else's.
    with at(d("2025-09-24")):
        opened = jobs.open_due_cycles()
        assert len(opened) == 1
        quarterly = AppraisalCycle.objects.get(pk=opened[0])
        assert (quarterly.kind, quarterly.period_start) == ("quarterly", d("2025-07-01"))
        [part] = quarterly.schedules.all()
        assert part.department == org["general-ops"] and part.state == "open"
        assert part.calibration_due == d("2025-09-30")
        assert set(quarterly.forms.values_list("employee__user__username", flat=True)) == {
            "go_manager",
            "go_specialist",
        }
        assert jobs.open_due_cycles() == []
    # 25 and 26 September: 003 (wechat), then 000 and 004 open September's monthly cycle.
    with at(d("2025-09-25")):
        [monthly_id] = jobs.open_due_cycles()
    with at(d("2025-09-26")):
        assert jobs.open_due_cycles() == [monthly_id]
        assert jobs.open_due_cycles() == []
    monthly = AppraisalCycle.objects.get(pk=monthly_id)
    parts = {s.department.code: s for s in monthly.schedules.select_related("department")}
    assert set(parts) == {"wechat", "miniprogram-ops", "community-ops"}
    assert parts["wechat"].opens_on == d("2025-09-25")
    assert parts["miniprogram-ops"].opens_on == d("2025-09-26")
    assert monthly.calibration_due == d("2025-10-10")  # every department done by the 10th
    # 001 appraises quarterly only: none of its people has a monthly form.
    assert not monthly.forms.filter(department=org["general-ops"]).exists()
    assert AuditEntry.objects.filter(action="cycle.schedule_opened").count() == 4
    # Each form follows its own department's deadlines when stages close.
    specialist = monthly.forms.get(employee__user__username="specialist")
    other = monthly.forms.get(employee__user__username="other_specialist")
    assert (specialist.schedule.self_due, other.schedule.self_due) == (
        d("2025-09-29"),
        d("2025-09-30"),
    )
    # 30 September: WeChat's six and 001's two quarterly self-assessments close; 000's
    # and 004's are due that day and stay open.
    assert jobs.close_stages(today=d("2025-09-30"))["self"] == 6 + 2
    other.refresh_from_db()
    assert other.state == "self"


def test_a_job_that_missed_the_day_catches_up_but_a_finished_period_never_opens(kpi_presets, org):
    with at(d("2025-10-08")):  # the holiday week: September's 003 cycle is still running
        assert len(jobs.open_due_cycles()) == 1
    with at(d("2025-11-20")):  # October's cycle closed on 10 November: nothing opens
        assert jobs.open_due_cycles() == []
    assert not AppraisalCycle.objects.filter(period_start=d("2025-10-01")).exists()


@pytest.mark.postgres
@TRANSACTIONAL_DB
def test_two_workers_at_once_open_once(people):
    presets.install()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with at(d("2025-09-26")):
                barrier.wait(timeout=30)
                results.append(jobs.open_due_cycles())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert AppraisalCycle.objects.filter(kind="monthly").count() == 1
    cycle = AppraisalCycle.objects.get(kind="monthly")
    assert CycleSchedule.objects.filter(cycle=cycle).count() == 3
    assert AuditEntry.objects.filter(action="cycle.schedule_opened").count() == 3
    assert AuditEntry.objects.filter(action="cycle.schedule_populated").count() == 3
    employees = list(AppraisalForm.objects.filter(cycle=cycle).values_list("employee", flat=True))
    assert len(employees) == len(set(employees)) == 8
    assert sorted(len(r) for r in results) == [0, 1]  # one worker opened it


# --- The editor keeps 次月上旬 --------------------------------------------------------


def _timing_post(monthly):
    rows = [
        ("monthly", *monthly),
        ("quarterly", "after_end", 1, 2, 4, 6, 8, ""),
        ("annual", "after_end", 1, 15, 15, 15, 15, 31),
    ]
    names = ("kind", "opens", "open_days", "self_days", "peer_days", "supervisor_days",
             "calibration_days", "close_by_day")  # fmt: skip
    data = {
        "monthly": "on", "annual": "on", "annual_rule": "all_mean", "appeal_working_days": 5,
        "appeal_route": "manager_final", "excellent_grades": "SA", "excellence_streak": 3,
        "below_standard_grades": "D", "bands-TOTAL_FORMS": 1, "bands-INITIAL_FORMS": 1,
        "bands-0-grade": "D", "bands-0-min_score": 0, "bands-0-bonus_coefficient": "1",
        "timing-TOTAL_FORMS": 3, "timing-INITIAL_FORMS": 3,
    }  # fmt: skip
    for i, row in enumerate(rows):
        data.update({f"timing-{i}-{n}": v for n, v in zip(names, row, strict=True)})
    return data


@pytest.mark.parametrize(
    ("monthly", "message"),
    [
        # 9 working days after the month: manager review lands after the 10th.
        (("after_end", 1, 2, 4, 6, 8, 10), "would close on"),
        # No limit at all for a 次月上旬 rulebook.
        (("before_end", 3, 3, 3, 4, 5, ""), "rulebook closes every stage"),
    ],
)
def test_the_editor_refuses_a_plan_past_the_10th_and_changes_nothing(
    kpi_presets, org, users, client_for, monthly, message
):
    department = org["miniprogram-ops"]
    policy = AppraisalPolicy.objects.get(department=department)
    before = list(CycleTiming.objects.filter(policy=policy).values())
    audits = AuditEntry.objects.count()
    with at(d("2025-08-15")):
        response = client_for(users["hr"]).post(
            f"/kpis/policies/{department.pk}/",
            _timing_post(monthly),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'data-testid="timing-error"' in page
    assert list(CycleTiming.objects.filter(policy=policy).values()) == before
    assert AuditEntry.objects.count() == audits


def test_the_editor_and_the_api_save_a_plan_that_fits(kpi_presets, org, users, client_for):
    from rest_framework.test import APIClient

    department = org["miniprogram-ops"]
    with at(d("2025-08-15")):
        response = client_for(users["hr"]).post(
            f"/kpis/policies/{department.pk}/", _timing_post(("before_end", 4, 4, 4, 5, 6, 10))
        )
        assert response.status_code == 302
        timing = CycleTiming.objects.get(policy__department=department, kind="monthly")
        assert (timing.open_days, timing.calibration_days) == (4, 6)
        api = APIClient()
        api.force_authenticate(users["hr"])
        body = {
            "department": department.pk,
            "timings": [
                {"kind": "monthly", "opens": "after_end", "open_days": 1, "self_days": 2,
                 "peer_days": 4, "supervisor_days": 6, "calibration_days": 8,
                 "close_by_day": 10},
            ],
        }  # fmt: skip
        refused = api.post("/api/v1/kpis/policies/", body, format="json")
        assert refused.status_code == 400 and refused.json()["field"].startswith("timing.monthly")
        timing.refresh_from_db()
        assert timing.calibration_days == 6
        listed = api.get("/api/v1/kpis/policies/").json()["results"]
        mine = next(p for p in listed if p["department"]["id"] == department.pk)
        assert mine["appeal_route"] == "manager_final"
        assert {t["kind"]: t["calibration_days"] for t in mine["timings"]}["monthly"] == 6
