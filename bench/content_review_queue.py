"""The review queue at scale: 5,000 pending items across five departments.

Prints the query counts of the queue page and the API list for two reviewers (one
with a short queue, one with the whole company: they must match), the median render
time of the queue page, and the time to bulk approve 200 items.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ops_content_bench \
        .venv/bin/python bench/content_review_queue.py

It uses its own database (created, migrated and filled on the first run; topped up to
5,000 pending items on later runs, since bulk approve moves 200 on).
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_content_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ops_portal.settings.test")

PENDING = 5_000
BULK = 200
RUNS = 20


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


def person(login, dept, position, supervisor=None):
    from django.contrib.auth import get_user_model

    from apps.org.models import Assignment, Employee, Position, Post

    User = get_user_model()
    user = User.objects.filter(username=login).first()
    if user:
        return user
    user = User.objects.create_user(login, f"{login}@example.com", "x")
    employee = Employee.objects.create(
        user=user, name=login, employee_no=login, hire_date=dt.date(2020, 1, 1),
        supervisor=supervisor,
    )  # fmt: skip
    post = Post.objects.get(department__code=dept, position=Position.objects.get(code=position))
    Assignment.objects.create(
        employee=employee, post=post, start_date=dt.date(2020, 1, 1), is_primary=True
    )
    return user


def fill():
    from django.utils import timezone

    from apps.content.models import Channel, ContentItem, ContentVersion
    from apps.content.presets import install_channels
    from apps.content.services import chain_for
    from apps.org.models import Department
    from apps.org.services import org_presets_install

    org_presets_install()
    install_channels()
    people = {
        "director": person("director", "company", "ops_director"),
        "manager": person("manager", "wechat", "ops_manager"),
        "specialist": person("specialist", "wechat", "ops_specialist"),
        "specialist2": person("specialist2", "wechat", "ops_specialist"),
        "copywriter": person("copywriter", "wechat", "copywriter"),
        "mp": person("mp", "miniprogram-ops", "ops_specialist"),
        "mp.manager": person("mp.manager", "miniprogram-ops", "ops_manager"),
        "ops": person("ops", "general-ops", "ops_specialist"),
        "app": person("app", "app-ops", "new_media_manager"),
        "community": person("community", "community-ops", "community_specialist"),
    }
    pending = ContentItem.objects.filter(state__in=ContentItem.PENDING_STATES).count()
    if pending >= PENDING:
        return
    channel = Channel.objects.get(code="wechat-oa")
    departments = {d.code: d for d in Department.objects.all()}
    # (department, author, step number, count)
    # WeChat (rulebook 003): self-check, designer check, then the specialist's second
    # review (step 3), which is the last; other departments: the manager's review.
    mix = [
        ("wechat", "copywriter", 3, 2000),
        ("miniprogram-ops", "mp", 1, 750),
        ("general-ops", "ops", 1, 750),
        ("app-ops", "app", 1, 750),
        ("community-ops", "community", 1, 750),
    ]
    if pending:
        # Later runs: the specialist's bulk approve finished WeChat items; replace them.
        mix = [("wechat", "copywriter", 3, PENDING)]
    now = timezone.now()
    missing = PENDING - pending
    rows = []
    for dept, author, step_number, count in mix:
        chain = chain_for(departments[dept], channel)
        steps = {s.order: s for s in chain.steps.all()}
        share = max(1, round(missing * count / PENDING))
        for i in range(share):
            rows.append(
                ContentItem(
                    title=f"{dept} 待审内容 {pending + len(rows)}",
                    body="<p>第一段</p><p>第二段</p>",
                    channel=channel,
                    department=departments[dept],
                    author=people[author],
                    state="in_review" if step_number > 1 else "submitted",
                    chain=chain,
                    current_step=steps[step_number],
                    step_number=step_number,
                    step_total=len(steps),
                    step_due_at=now + dt.timedelta(hours=(i % 96) - 24),
                    version_number=1,
                    submitted_at=now - dt.timedelta(minutes=i),
                )
            )
    created = ContentItem.objects.bulk_create(rows[:missing], batch_size=1000)
    ContentVersion.objects.bulk_create(
        [
            ContentVersion(
                item=item, number=1, title=item.title, body=item.body, created_by=item.author
            )
            for item in created
        ],
        batch_size=1000,
    )


def measure():
    from contextlib import contextmanager

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    class Counter(list):
        pass

    @contextmanager
    def CaptureQueriesContext(conn):
        seen = Counter()

        def wrapper(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        with conn.execute_wrapper(wrapper):
            yield seen

    from apps.content import selectors, services
    from apps.content.models import ContentItem

    User = get_user_model()
    print(
        f"pending items: {ContentItem.objects.filter(state__in=['submitted', 'in_review']).count()}"
    )
    for login in ("mp.manager", "specialist", "director"):
        user = User.objects.get(username=login)
        client = Client()
        client.force_login(user)
        client.get("/content/review/")  # warm up
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get("/content/review/")
        assert response.status_code == 200
        with CaptureQueriesContext(connection) as api_queries:
            api = client.get("/api/v1/content/review-queue/")
        with CaptureQueriesContext(connection) as list_queries:
            client.get("/api/v1/content/items/")
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get("/content/review/")
            timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{login:>11}: queue {api.json()['count']:>5} items · "
            f"page {len(page_queries)} queries, "
            f"API queue {len(api_queries)} queries, API items {len(list_queries)} queries · "
            f"page median {statistics.median(timings):.1f} ms "
            f"(min {min(timings):.1f}, max {max(timings):.1f})"
        )

    specialist = User.objects.get(username="specialist")
    ids = list(selectors.review_queue_for(specialist).values_list("pk", flat=True)[:BULK])
    started = time.perf_counter()
    result = services.content_items_bulk_approve(actor=specialist, item_ids=ids, comment="批量通过")
    elapsed = time.perf_counter() - started
    print(
        f"bulk approve {len(ids)} items: {elapsed:.2f} s "
        f"({len(result.approved)} approved, {len(result.failed)} failed)"
    )


def main():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill()
    measure()


if __name__ == "__main__":
    main()
