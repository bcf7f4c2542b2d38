"""Helpers for tests (imported by test modules; fixtures live in the root conftest.py)."""

import time

import pytest

# For tests that need committed transactions (a live server, another process, row locks).
# Their teardown flushes every table, which would also wipe the rows data migrations
# installed (holidays, positions, channels, categories…) for every later test: the
# serialized rollback restores them.
TRANSACTIONAL_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEMO_PASSWORD = "OpsDemo-2026"  # noqa: S105 - printed for the demo on purpose

# Chromium as root, with no network: the flags this machine needs.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def wait_for(predicate, timeout=30.0, interval=0.2):
    """Poll until predicate() is truthy (for work done by another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def log_in(page, login, password=DEMO_PASSWORD):
    """Log in through the real form."""
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", password)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()


def run_at_once(*calls, expected=(Exception,)):
    """Run the calls in threads released together (each on its own connection, as
    two requests would be). Returns each call's result or its `expected` exception."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except expected as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
