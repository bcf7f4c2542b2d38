"""Fixtures shared by every app's tests: the org with people in each role, a real
Celery worker, and a Playwright page on the system Chromium."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.core.testing import CHROMIUM_ARGS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's locking and are skipped on SQLite
    (CI always runs them: it sets DATABASE_URL)."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# --- The test database --------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the rows data migrations installed (holidays, positions, channels…) for
    transactional tests (`TRANSACTIONAL_DB`), whose teardown flushes every table.

    Django restores them from the snapshot it keeps on the connection object, but once
    Playwright's greenlets are running `connections["default"]` is a new wrapper
    without it; on the wrapper class every wrapper of this database finds it."""
    from django.db import connections

    for alias in connections:
        wrapper = connections[alias]
        snapshot = getattr(wrapper, "_test_serialized_contents", None)
        if snapshot is not None:
            type(wrapper)._test_serialized_contents = snapshot
    _allow_flushing_the_audit_log(django_db_blocker)


def _allow_flushing_the_audit_log(django_db_blocker):
    """The audit log refuses TRUNCATE (core migration 0004), and Django flushes the tables
    of transactional tests with TRUNCATE. In the test database only, the owner (the test
    runner's role) disables that one trigger; the row trigger refusing UPDATE/DELETE stays
    on. Production cannot do this: its app role owns no table (README). The test of the
    trigger turns it back on inside its own transaction."""
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_truncate")


# --- The organisation -----------------------------------------------------------------


@pytest.fixture
def org(db):
    """The preset departments (dict by code): five ops departments, groups, partners."""
    from apps.org.services import org_presets_install

    return org_presets_install()


@pytest.fixture
def make_employee(org):
    """make_employee(login, department_code, position_code, supervisor=None) → Employee
    holding that post from 2020-01-01, with the demo password."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from apps.org.models import Assignment, Employee, Position, Post

    counter = {"n": 0}

    def make(login, department_code, position_code, supervisor=None, **extra):
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            login,
            f"{login}@example.com",
            DEMO_PASSWORD,
            preferred_language=extra.pop("language", "zh-hans"),
        )
        employee = Employee.objects.create(
            user=user,
            name=extra.pop("name", login),
            employee_no=f"T{counter['n']:05d}",
            hire_date=dt.date(2020, 1, 1),
            supervisor=supervisor,
        )
        post = Post.objects.get(
            department=org[department_code], position=Position.objects.get(code=position_code)
        )
        Assignment.objects.create(
            employee=employee, post=post, start_date=dt.date(2020, 1, 1), is_primary=True
        )
        return employee

    return make


@pytest.fixture
def people(make_employee):
    """One person per demo role (WeChat department unless said), plus managers of other
    departments for "denied" cases. A dict login → Employee."""
    director = make_employee("director", "company", "ops_director", name="赵立新")
    manager = make_employee("manager", "wechat", "ops_manager", director, name="王建国")
    result = {
        "director": director,
        "manager": manager,
        "specialist": make_employee(
            "specialist", "wechat", "ops_specialist", manager, name="李晓明"
        ),
        "specialist2": make_employee(
            "specialist2", "wechat", "ops_specialist", manager, name="张雨婷"
        ),
        "copywriter": make_employee("copywriter", "wechat", "copywriter", manager, name="陈思雨"),
        "designer": make_employee("designer", "wechat", "designer", manager, name="刘畅"),
        "cs": make_employee("cs", "wechat", "customer_service", manager, name="周静"),
        "hr": make_employee("hr", "hr", "hr", director, name="孙丽"),
        "tech": make_employee("tech", "tech", "tech_support", director, name="吴昊"),
        "other_manager": make_employee(
            "other_manager", "community-ops", "community_manager", director, name="杨帆"
        ),
        "other_specialist": make_employee(
            "other_specialist", "miniprogram-ops", "ops_specialist", name="何佳怡"
        ),
    }
    return result


@pytest.fixture
def users(people):
    """The same people as `people`, as User objects (login → User)."""
    return {login: employee.user for login, employee in people.items()}


@pytest.fixture
def client_for(client):
    """client_for(user) → a Django test client logged in as that user."""

    def make(user):
        from django.test import Client

        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def api_for():
    """api_for(user) → a DRF APIClient authenticated as that user."""
    from rest_framework.test import APIClient

    def make(user):
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


# --- A real Celery worker ---------------------------------------------------------------


def _worker_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback):
    """Start `celery worker` as a separate process on the configured broker (Redis when
    REDIS_URL is set), pointed at the test database. Yields the Popen; stops it after."""
    from ops_portal.celery import app

    if os.environ.get("REDIS_URL"):
        app.control.purge()  # tasks left over from an earlier run must not leak in
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ops_portal.settings.test",
        "DATABASE_URL": _worker_database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    log = open(ROOT / "var" / f"test-worker-{os.getpid()}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ops_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited early; see {log.name}")
        if "ready." in (ROOT / "var" / f"test-worker-{os.getpid()}.log").read_text():
            break
        time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError(f"celery worker did not start in 60 s; see {log.name}")
    connection.close()  # let the worker see committed rows through its own connection
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


# --- Playwright on the system Chromium ---------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync loop
    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM_PATH}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser context on the live server; `page.base_url` is the server's URL."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()
