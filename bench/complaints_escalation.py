"""Complaints at scale: the SLA escalation scan over 10,000 and 100,000 open complaints
(set-based: one INSERT … SELECT … ON CONFLICT on PostgreSQL), plus the query counts of
the complaint list and the reports page at both sizes (they must not change).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ops_complaints_bench \
        .venv/bin/python bench/complaints_escalation.py

Uses its own database (created and migrated on the first run; complaints are rebuilt on
every run). One complaint in ten is past its due time (half not accepted in time, half
not resolved in time); the scan must escalate each once, and a second run must find none.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_complaints_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops_portal.settings.test")

SIZES = (10_000, 100_000)


def ensure_database():
    import psycopg2

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("select 1 from pg_database where datname=%s", [name])
        if not cursor.fetchone():
            cursor.execute(f'create database "{name}"')
    conn.close()


def people():
    import datetime as dt

    from django.contrib.auth import get_user_model

    from apps.org.models import Assignment, Employee, Position, Post
    from apps.org.services import org_presets_install

    departments = org_presets_install()
    users = {}
    for login, dept, position in [
        ("cs", "wechat", "customer_service"),
        ("manager", "wechat", "ops_manager"),
    ]:
        user = get_user_model().objects.filter(username=login).first()
        if user is None:
            user = get_user_model().objects.create_user(login, f"{login}@example.com", "x")
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
        users[login] = user
    return departments, users


def fill(n, departments, users):
    from django.db import connection
    from django.utils import timezone

    from apps.complaints.models import Complaint, ComplaintCategory

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_escalation, complaints_coordinationtask, "
            "complaints_complaintmessage, complaints_complaintattachment, "
            "complaints_complaint CASCADE"
        )
    now = timezone.now()
    categories = list(ComplaintCategory.objects.all())
    wechat = departments["wechat"]
    rows = []
    for i in range(n):
        received = now - dt.timedelta(hours=1 + i % 200)
        breach = i % 10 == 0
        accepted = i % 2 == 0
        accept_due = received + dt.timedelta(hours=8)
        resolve_due = received + dt.timedelta(hours=40)
        if breach and not accepted:
            accept_due = now - dt.timedelta(minutes=5)
        if breach and accepted:
            resolve_due = now - dt.timedelta(minutes=5)
        if not breach:
            accept_due = max(accept_due, now + dt.timedelta(hours=1))
            resolve_due = max(resolve_due, now + dt.timedelta(hours=2))
        rows.append(
            Complaint(
                code=f"TS-BENCH-{i:07d}",
                tracking_token_hash=f"{i:064x}",
                channel=("web", "phone", "wechat", "app")[i % 4],
                category=categories[i % len(categories)],
                department=wechat,
                severity=("low", "normal", "high", "urgent")[i % 4],
                description="Bench complaint description text.",
                contact_name="Bench",
                contact_phone="13800000000",
                state="accepted" if accepted else "new",
                owner=users["cs"] if accepted else None,
                received_at=received,
                accepted_at=received + dt.timedelta(minutes=30) if accepted else None,
                accept_due_at=accept_due,
                resolve_due_at=resolve_due,
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    return sum(1 for i in range(n) if i % 10 == 0)


def timed(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    return result, elapsed, len(queries)


def page_queries(client, url, runs=3):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(times)


def main():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from apps.complaints.escalation import escalate_breaches
    from apps.core.models import Notification

    call_command("migrate", verbosity=0)
    departments, users = people()
    if "--prepare-only" in sys.argv:
        return
    client = Client()
    client.force_login(users["manager"])
    print(
        f"{'open complaints':>16} {'breaches':>9} {'scan s':>8} {'queries':>8} "
        f"{'rerun s':>8} {'rerun q':>8} {'list q':>7} {'list ms':>8} "
        f"{'reports q':>9} {'reports ms':>10}"
    )
    for n in SIZES:
        expected = fill(n, departments, users)
        Notification.objects.all().delete()
        result, elapsed, queries = timed(escalate_breaches)
        assert result["escalated"] == expected, (result, expected)
        again, elapsed2, queries2 = timed(escalate_breaches)
        assert again["escalated"] == 0
        assert Notification.objects.count() == 1  # one summary to the WeChat manager
        print(
            f"{n:>16,} {expected:>9,} {elapsed:>8.2f} {queries:>8} {elapsed2:>8.2f} {queries2:>8}",
            end=" ",
            flush=True,
        )
        try:
            list_q, list_ms = page_queries(client, "/complaints/?overdue=1")
            rep_q, rep_ms = page_queries(client, "/complaints/reports/")
        except Exception as error:  # noqa: BLE001 - a page of another app may be mid-change
            print(f"(pages not measured: {type(error).__name__}: {error})")
            continue
        print(f"{list_q:>7} {list_ms:>8.0f} {rep_q:>9} {rep_ms:>10.0f}")


if __name__ == "__main__":
    main()
