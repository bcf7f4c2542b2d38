"""Each role's home page on a year of demo data ×20.

Loads the whole demo (org, content, campaigns, complaints, kpis, training — a year of
training plans, sessions, attendance and feedback), multiplies the rows the home panels
read twenty-fold (apps/training/tests/volume.py), then prints, for every role, the
query count at 1× and 20× (they must match) and the median render time of "/".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ops_training_bench \
        .venv/bin/python bench/home_pages.py

It uses its own database (created, migrated and filled on the first run).
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_training_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops_portal.settings.test")

FACTOR = 20
ROLES = ["manager", "director", "specialist", "copywriter", "designer", "hr", "cs"]


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


def measure(runs=15):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for login in ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=login))
        client.get("/")
        times = []
        for _ in range(runs):
            begin = time.perf_counter()
            response = client.get("/")
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (login, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        results[login] = (statistics.median(times), len(queries))
    return results


if __name__ == "__main__":
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from apps.training.models import Session
    from apps.training.tests.volume import multiply

    call_command("migrate", verbosity=0)
    fresh = not Session.objects.exists()
    if fresh:
        begin = time.perf_counter()
        call_command("load_demo", stdout=io.StringIO())
        print(f"demo loaded in {time.perf_counter() - begin:.1f} s")
        base = measure(runs=3)
        begin = time.perf_counter()
        grown = multiply(FACTOR)
        print(f"multiplied ×{FACTOR} in {time.perf_counter() - begin:.1f} s: {grown}")
    else:
        base = None
        print("data already at ×20 (drop the database to rebuild)")
    results = measure()
    print(f"{'role':12s} {'queries 1×':>10s} {'queries 20×':>11s} {'median ms':>10s}")
    for login, (median, queries) in results.items():
        first = base[login][1] if base else "-"
        print(f"{login:12s} {first!s:>10s} {queries:11d} {median:10.1f}")
