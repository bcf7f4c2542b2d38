"""Campaigns at scale: 2,000 campaigns, 100,000 log entries, 20,000 metric snapshots.

Prints the query counts of the list and the campaign page (a quiet campaign and the
busiest one: they must match) and the median time of the department dashboard.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ops_campaigns_bench \
        .venv/bin/python bench/campaigns_dashboard.py

It uses its own database (created, migrated and filled on the first run).
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_campaigns_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops_portal.settings.test")

CAMPAIGNS, LOG_ENTRIES, SNAPSHOTS = 2_000, 100_000, 20_000


def ensure_database():
    import psycopg2

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    if not url.startswith("postgres"):
        return
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("select 1 from pg_database where datname=%s", [name])
        if not cursor.fetchone():
            cursor.execute(f'create database "{name}"')
    conn.close()


def fill():
    from django.contrib.auth import get_user_model

    from apps.campaigns.models import (
        BudgetLine,
        Campaign,
        CampaignType,
        LogEntry,
        MetricSnapshot,
        Target,
    )
    from apps.org.models import Assignment, Department, Employee, Position, Post
    from apps.org.services import org_presets_install

    if Campaign.objects.count() >= CAMPAIGNS:
        return
    org_presets_install()
    User = get_user_model()

    def person(login, dept, position, supervisor=None):
        user = User.objects.filter(username=login).first()
        if user:
            return user
        user = User.objects.create_user(login, f"{login}@example.com", "x")
        employee = Employee.objects.create(
            user=user,
            name=login,
            employee_no=login,
            hire_date=dt.date(2020, 1, 1),
            supervisor=supervisor,
        )
        post = Post.objects.get(department__code=dept, position=Position.objects.get(code=position))
        Assignment.objects.create(
            employee=employee, post=post, start_date=dt.date(2020, 1, 1), is_primary=True
        )
        return user

    person("bench-manager", "wechat", "ops_manager")
    owners = [person(f"bench-spec{i}", "wechat", "ops_specialist") for i in range(5)]
    owners += [person(f"bench-mp{i}", "miniprogram-ops", "ops_specialist") for i in range(3)]
    person("bench-director", "company", "ops_director")
    departments = {d.code: d for d in Department.objects.all()}
    types = list(CampaignType.objects.all())
    rng = random.Random(7)
    states = list(Campaign.State.values)
    start = dt.date(2024, 1, 1)
    rows = []
    for i in range(CAMPAIGNS):
        owner = owners[i % len(owners)]
        dept = departments[
            "wechat" if owner.username.startswith("bench-spec") else "miniprogram-ops"
        ]
        begins = start + dt.timedelta(days=rng.randrange(0, 900))
        budget = Decimal(rng.randrange(2_000, 80_000))
        state = states[i % len(states)]
        approved = budget if state not in ("draft", "submitted", "returned") else Decimal("0")
        rows.append(
            Campaign(
                theme=f"活动 {i}",
                purpose="bench",
                campaign_type=types[i % len(types)],
                mode="online",
                starts_on=begins,
                ends_on=begins + dt.timedelta(days=7),
                department=dept,
                owner=owner,
                state=state,
                approved_budget=approved,
                spent_total=(approved * Decimal("0.6")).quantize(Decimal("0.01")),
                expected_benefit=budget * 2,
            )
        )
    campaigns = Campaign.objects.bulk_create(rows, batch_size=1000)
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(campaign=c, category="ads", amount=c.approved_budget or Decimal("1000"))
            for c in campaigns
        ],
        batch_size=2000,
    )
    Target.objects.bulk_create(
        [
            Target(
                campaign=c,
                metric="新增关注",
                target_value=1000,
                actual_value=rng.randrange(500, 1500) if c.state == "evaluated" else None,
            )
            for c in campaigns
        ],
        batch_size=2000,
    )
    busiest = campaigns[0]
    entries = []
    for i in range(LOG_ENTRIES):
        campaign = busiest if i < 5_000 else campaigns[i % len(campaigns)]
        entries.append(
            LogEntry(
                campaign=campaign,
                kind="progress",
                author=campaign.owner,
                happened_on=campaign.starts_on,
                text=f"进展 {i}",
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=5000)
    channels = [
        "wechat",
        "miniprogram",
        "app",
        "weibo",
        "douyin",
        "website",
        "community",
        "offline",
    ]
    snapshots = []
    for i in range(SNAPSHOTS):
        campaign = campaigns[i // 10] if i >= 400 else busiest
        day = i % 10 if i >= 400 else i // 8
        snapshots.append(
            MetricSnapshot(
                campaign=campaign,
                channel=channels[i % 8],
                taken_on=campaign.starts_on + dt.timedelta(days=day),
                impressions=1000,
                clicks=50,
                conversions=5,
                new_followers=3,
                cost=Decimal("10"),
                recorded_by=campaign.owner,
            )
        )
    MetricSnapshot.objects.bulk_create(snapshots, batch_size=5000, ignore_conflicts=True)


def measure():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.campaigns.models import Campaign

    User = get_user_model()

    def timed(client, url, runs=15):
        client.get(url)  # warm
        times = []
        for _ in range(runs):
            begin = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return statistics.median(times), len(queries)

    manager = Client()
    manager.force_login(User.objects.get(username="bench-manager"))
    director = Client()
    director.force_login(User.objects.get(username="bench-director"))
    counts = Campaign.objects.annotate(n=Count("log_entries")).order_by("-n")
    busiest, quiet = counts.first(), counts.filter(n__gt=0).last()
    print(
        f"data: {Campaign.objects.count()} campaigns, "
        f"{sum(c.n for c in Campaign.objects.annotate(n=Count('log_entries')))} log entries"
    )
    for label, client, url in [
        ("list (manager), page 1", manager, "/campaigns/"),
        ("list (manager), page 40", manager, "/campaigns/?page=40"),
        (
            "list filtered state+dates",
            manager,
            "/campaigns/?state=running&from=2024-06-01&to=2025-06-01",
        ),
        (f"campaign page, quiet ({quiet.n} log entries)", manager, f"/campaigns/{quiet.pk}/"),
        (f"campaign page, busiest ({busiest.n} log entries)", manager, f"/campaigns/{busiest.pk}/"),
        ("dashboard (manager, one department)", manager, "/campaigns/dashboard/"),
        ("dashboard (director, every department)", director, "/campaigns/dashboard/"),
        ("calendar", manager, "/campaigns/calendar/?year=2024&month=6"),
    ]:
        median, queries = timed(client, url)
        print(f"{label:48s} median {median:7.1f} ms   {queries:3d} queries")


if __name__ == "__main__":
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    begin = time.perf_counter()
    fill()
    print(f"fill: {time.perf_counter() - begin:.1f} s")
    measure()
