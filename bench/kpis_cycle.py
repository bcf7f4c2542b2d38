"""Appraisal cycles at scale: 2,000 and 10,000 employees × 12 indicators on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ops_kpis_bench \
        .venv/bin/python bench/kpis_cycle.py

Uses its own database (created and migrated on the first run). Employees, users and
assignments are made with bulk_create once (10,000; the smaller size deactivates the
rest). For each size it measures, with query counts:

- opening a monthly cycle (cycle_open + the populate job: forms, 12 items each, automatic
  actuals, notifications) — target ≤ 15 s at 10,000;
- a raw bulk insert of the same rows (forms and items with bulk_create) and the ratio of
  the cycle-open time to it;
- computing scores and grades (HR aggregation, after every item has been rated with
  set-based SQL) — target ≤ 5 s;
- the XLSX export of the whole sheet in a subprocess, its peak RSS from
  getrusage(RUSAGE_CHILDREN) — target ≤ 10 s and ≤ 300 MB.
"""

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_kpis_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops_portal.settings.test")

SIZES = (2_000, 10_000)
PREFIX = "kb"


def ensure_database():
    import psycopg2

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("select 1 from pg_database where datname=%s", [name])
        if not cursor.fetchone():
            cursor.execute(f'create database "{name}"')
    conn.close()


def setup_django():
    import django

    django.setup()


def timed(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries)


def prepare():
    """HR, a manager, 10,000 specialists in 微信部 and a 12-indicator template."""
    from django.contrib.auth import get_user_model

    from apps.kpis import presets, services
    from apps.kpis.models import AppraisalTemplate, Indicator
    from apps.org.models import Assignment, Employee, Position, Post
    from apps.org.services import org_presets_install

    departments = org_presets_install()
    presets.install()
    User = get_user_model()
    people = {}
    for login, dept, position in (("hr", "hr", "hr"), ("manager", "wechat", "ops_manager")):
        user = User.objects.filter(username=login).first()
        if user is None:
            user = User.objects.create_user(login, f"{login}@example.com", "x")
            employee = Employee.objects.create(
                user=user, name=login, employee_no=login, hire_date=dt.date(2020, 1, 1)
            )
            Assignment.objects.create(
                employee=employee,
                post=Post.objects.get(
                    department=departments[dept], position=Position.objects.get(code=position)
                ),
                start_date=dt.date(2020, 1, 1),
                is_primary=True,
            )
        people[login] = user
    position = Position.objects.get(code="ops_specialist")
    post = Post.objects.get(department=departments["wechat"], position=position)
    n = max(SIZES)
    have = Employee.objects.filter(employee_no__startswith=PREFIX).count()
    if have < n:
        users = User.objects.bulk_create(
            [
                User(username=f"{PREFIX}{i:05d}", password="!", email=f"{PREFIX}{i}@example.com")  # noqa: S106
                for i in range(have, n)
            ],
            batch_size=5000,
        )
        employees = Employee.objects.bulk_create(
            [
                Employee(
                    user=user,
                    name=f"员工{user.username[len(PREFIX) :]}",
                    employee_no=user.username,
                    hire_date=dt.date(2021, 1, 1),
                    supervisor=people["manager"].employee,
                )
                for user in users
            ],
            batch_size=5000,
        )
        Assignment.objects.bulk_create(
            [
                Assignment(employee=e, post=post, start_date=dt.date(2021, 1, 1), is_primary=True)
                for e in employees
            ],
            batch_size=5000,
        )
    template = AppraisalTemplate.objects.filter(
        department=departments["wechat"], position=position, is_active=True
    ).first()
    count = sum(s.items.count() for s in template.sections.all()) if template else 0
    if count != 12:
        indicators = list(Indicator.objects.filter(is_active=True).order_by("kind", "code"))
        quantitative = [i for i in indicators if i.kind == "quantitative"][:6]
        qualitative = [i for i in indicators if i.kind == "qualitative"][:6]
        assert len(quantitative) == 6 and len(qualitative) == 6
        services.template_save(
            actor=None,
            department=departments["wechat"],
            position=position,
            name="基准考核表",
            name_en="Benchmark sheet",
            sections=[
                {
                    "name": "工作业绩",
                    "weight": 60,
                    "items": [{"indicator": i, "weight": 10, "target": 100} for i in quantitative],
                },
                {
                    "name": "工作能力",
                    "weight": 40,
                    "items": [
                        {"indicator": i, "weight": w}
                        for i, w in zip(qualitative, [10, 10, 5, 5, 5, 5], strict=True)
                    ],
                },
            ],
        )
    return people, departments


def reset(n):
    """No cycles; n employees to appraise."""
    from django.db import connection

    from apps.core.models import Notification
    from apps.kpis.models import AppraisalCycle
    from apps.org.models import Employee

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE kpis_rating, kpis_peerreview, kpis_formitem, kpis_appeal, kpis_exportjob,"
            " kpis_annualresult, kpis_appraisalform, kpis_appraisalcycle RESTART IDENTITY CASCADE"
        )
    assert not AppraisalCycle.objects.exists()
    Notification.objects.all().delete()
    bench = Employee.objects.filter(employee_no__startswith=PREFIX)
    # n forms in all: n - 1 bench employees and their manager.
    bench.filter(employee_no__lt=f"{PREFIX}{n - 1:05d}").update(is_active=True)
    bench.filter(employee_no__gte=f"{PREFIX}{n - 1:05d}").update(is_active=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def raw_insert(cycle):
    """The same rows with plain bulk_create, rolled back: the floor for opening."""
    from django.db import transaction

    from apps.kpis.models import AppraisalForm, AppraisalTemplate, FormItem, TemplateItem
    from apps.org.models import Assignment

    template = AppraisalTemplate.objects.get(pk=cycle.forms.values("template_id")[:1])
    items = list(TemplateItem.objects.filter(section__template=template))
    rows = list(
        Assignment.objects.active_on(cycle.period_end)
        .filter(is_primary=True, employee__is_active=True, employee__employee_no__startswith=PREFIX)
        .values_list(
            "employee_id", "post__department_id", "post__position_id", "employee__supervisor_id"
        )
    )

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            scratch = type(cycle).objects.create(
                kind="quarterly", period_start=dt.date(2001, 1, 1), period_end=dt.date(2001, 3, 31)
            )
            forms = AppraisalForm.objects.bulk_create(
                [
                    AppraisalForm(
                        cycle=scratch,
                        employee_id=e,
                        department_id=d,
                        position_id=p,
                        supervisor_id=s,
                        template=template,
                    )
                    for e, d, p, s in rows
                ],
                batch_size=2000,
            )
            FormItem.objects.bulk_create(
                [
                    FormItem(
                        form=form,
                        indicator_id=item.indicator_id,
                        section_id=item.section_id,
                        order=item.order,
                        weight=item.weight,
                        target=item.target,
                    )
                    for form in forms
                    for item in items
                ],
                batch_size=5000,
            )
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed, len(rows) * (1 + len(items))


def rate_everything(cycle):
    """Self, one peer and supervisor ratings for every item, in SQL; forms to HR."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO kpis_rating (item_id, role, peer_review_id, score, comment)
               SELECT i.id, r.role, NULL, 60 + (i.id * 7 + length(r.role)) %% 40, ''
               FROM kpis_formitem i JOIN kpis_appraisalform f ON f.id = i.form_id
               CROSS JOIN (VALUES ('self'), ('supervisor')) AS r(role)
               WHERE f.cycle_id = %s""",
            [cycle.pk],
        )
        cursor.execute(
            "UPDATE kpis_appraisalform SET state = 'aggregation' WHERE cycle_id = %s", [cycle.pk]
        )
        cursor.execute("ANALYZE kpis_rating")
        cursor.execute("ANALYZE kpis_formitem")
        cursor.execute("ANALYZE kpis_appraisalform")


def export_child(job_id):
    """Run in a subprocess: build the XLSX of an export job, print seconds and queries."""
    setup_django()
    from apps.kpis.export import run_export

    count, elapsed, queries = timed(lambda: run_export(job_id))
    print(json.dumps({"rows": count, "seconds": elapsed, "queries": queries}))


def main():
    ensure_database()
    setup_django()
    from django.core.management import call_command

    from apps.kpis import services
    from apps.kpis.jobs import populate_cycle
    from apps.kpis.models import AppraisalForm, ExportJob, FormItem
    from apps.kpis.policies import previous_period

    call_command("migrate", verbosity=0)
    people, _departments = prepare()
    hr = people["hr"]
    print(
        f"{'employees':>9} {'forms':>6} {'items':>7} | {'open s':>6} {'open q':>6} "
        f"{'raw s':>6} {'ratio':>5} | {'score s':>7} {'score q':>7} | "
        f"{'xlsx s':>6} {'xlsx q':>6} {'peak MB':>7}"
    )
    results = {}
    for n in SIZES:
        reset(n)
        start, _end = previous_period("monthly", dt.date.today())

        def open_cycle(start=start):
            cycle = services.cycle_open(actor=hr, kind="monthly", period_start=start, enqueue=False)
            populate_cycle(cycle.pk)
            return cycle

        cycle, open_s, open_q = timed(open_cycle)
        forms = AppraisalForm.objects.filter(cycle=cycle).count()
        items = FormItem.objects.filter(form__cycle=cycle).count()
        raw_s, _rows = raw_insert(cycle)
        rate_everything(cycle)
        scored, score_s, score_q = timed(
            lambda cycle=cycle: services.cycle_aggregate(actor=hr, cycle=cycle)
        )
        assert scored == forms, (scored, forms)
        job = ExportJob.objects.create(cycle=cycle, requested_by=hr)
        out = subprocess.run(  # noqa: S603 - this very script
            [sys.executable, __file__, "--export", str(job.pk)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        child = json.loads(out.stdout.strip().splitlines()[-1])
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        assert child["rows"] == forms
        results[n] = (open_q, score_q, child["queries"])
        figures = (open_s, score_s, child["seconds"], peak_mb)
        print(
            f"{n:>9,} {forms:>6,} {items:>7,} | {open_s:>6.2f} {open_q:>6} {raw_s:>6.2f} "
            f"{open_s / raw_s:>5.1f} | {score_s:>7.2f} {score_q:>7} | {child['seconds']:>6.2f} "
            f"{child['queries']:>6} {peak_mb:>7.0f}",
            flush=True,
        )
    small, large = (results[n] for n in SIZES)
    print(
        f"queries {SIZES[0]:,} → {SIZES[1]:,}: open {small[0]} → {large[0]}, "
        f"score {small[1]} → {large[1]}, export {small[2]} → {large[2]}"
    )
    open_s, score_s, xlsx_s, peak_mb = figures
    checks = {
        "open ≤ 15 s": open_s <= 15,
        "score ≤ 5 s": score_s <= 5,
        "xlsx ≤ 10 s": xlsx_s <= 10,
        "xlsx peak ≤ 300 MB": peak_mb <= 300,
        "score queries constant": small[1] == large[1],
        "export queries constant": small[2] == large[2],
    }
    print(
        f"targets at {SIZES[-1]:,}: "
        + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in checks.items())
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        export_child(int(sys.argv[2]))
    else:
        main()
