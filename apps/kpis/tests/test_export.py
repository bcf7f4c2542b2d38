"""The XLSX export on PostgreSQL: one query streams every row (scores and peer comments
as arrays), so its query count does not grow with employees, and the sheet is cell for
cell the one the per-chunk prefetch path (other databases) writes."""

import random
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.kpis import export, jobs, services
from apps.kpis.models import AppraisalForm, ExportJob, FormItem, PeerReview
from apps.kpis.policies import previous_period

pytestmark = pytest.mark.postgres


@pytest.fixture
def big_cycle(kpi_presets, people, users, make_employee):
    """A monthly cycle over the demo people plus twelve more specialists in 微信部."""
    from django.utils import timezone

    for n in range(12):
        make_employee(f"extra{n}", "wechat", "ops_specialist", people["manager"], name=f"员工{n}")
    start, _end = previous_period("monthly", timezone.localdate())
    cycle = services.cycle_open(
        actor=users["hr"], kind="monthly", period_start=start, enqueue=False
    )
    jobs.populate_cycle(cycle.pk)
    return cycle


def _scores_and_comments(cycle, people, users):
    rng = random.Random(7)
    items = list(FormItem.objects.filter(form__cycle=cycle))
    for item in items:
        item.score = D(rng.randint(0, 10_000)) / 100 if rng.random() < 0.7 else None
    FormItem.objects.bulk_update(items, ["score"])
    employees = list(people.values())
    for i, form in enumerate(AppraisalForm.objects.filter(cycle=cycle)):
        reviewers = [e for e in employees if e.pk != form.employee_id][: i % 4]
        for j, reviewer in enumerate(reviewers):
            PeerReview.objects.create(
                form=form,
                reviewer=reviewer,
                assigned_by=users["hr"],
                state="pending" if j == 2 else "submitted",
                comment="" if j == 1 else f"评语{form.pk}-{j}",
            )
    AppraisalForm.objects.filter(cycle=cycle).update(
        total_score=D("81.25"), grade="A", bonus_coefficient=D("1.20"), supervisor_comment="好"
    )


def _cells(path):
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def test_both_paths_write_the_same_sheet(big_cycle, people, users, tmp_path, monkeypatch):
    _scores_and_comments(big_cycle, people, users)
    one = tmp_path / "one.xlsx"
    rows = export.write_sheet(str(one), cycle=big_cycle, user=users["hr"])
    monkeypatch.setattr(export, "_one_query", lambda: False)
    chunked = tmp_path / "chunked.xlsx"
    assert export.write_sheet(str(chunked), cycle=big_cycle, user=users["hr"]) == rows == 20
    assert _cells(one) == _cells(chunked)
    cells = {c for row in _cells(one) for c in row if c}
    assert any(isinstance(c, str) and c.startswith("评语") for c in cells)


def _export_queries(cycle, user, department=None):
    job = ExportJob.objects.create(cycle=cycle, requested_by=user, department=department)
    with CaptureQueriesContext(connection) as queries:
        rows = export.run_export(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total == rows
    return rows, len(queries)


def test_export_query_count_does_not_grow_with_rows(big_cycle, people, users, org, monkeypatch):
    _scores_and_comments(big_cycle, people, users)
    monkeypatch.setattr(export, "CHUNK_ROWS", 2)  # many chunks even for a small company
    # Progress is saved min(rows, PROGRESS_STEPS) times: bounded, and one for both here.
    monkeypatch.setattr(export, "PROGRESS_STEPS", 1)
    small_rows, small = _export_queries(big_cycle, users["hr"], org["community-ops"])
    large_rows, large = _export_queries(big_cycle, users["hr"])
    assert (small_rows, large_rows) == (1, 20)
    assert small == large
