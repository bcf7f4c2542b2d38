"""The public complaint form under load: gunicorn on 127.0.0.1:8005 (its own database,
rate limit relaxed through COMPLAINTS_INTAKE_RATE_LIMIT), driven by a bounded pool of
threads, each a visitor who loads the form (CSRF cookie) and submits it.

    .venv/bin/python bench/complaints_public_form.py [submissions=600] [threads=8]

Loopback only, bounded in count and in time (90 s). Prints submissions/s, latency
percentiles, errors, and checks every submission was stored exactly once.
"""

import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_complaints_bench"
)
PORT = int(os.environ.get("BENCH_PORT", "8005"))
BASE = f"http://127.0.0.1:{PORT}"
TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 600
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
DEADLINE_S = 90


def server_env():
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB_URL,
        DJANGO_SETTINGS_MODULE="ops_portal.settings.test",
        COMPLAINTS_INTAKE_RATE_LIMIT="1000000",
    )
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    return env


def prepare():
    subprocess.run(
        [sys.executable, "bench/complaints_escalation.py", "--prepare-only"],
        cwd=ROOT,
        env=server_env(),
        check=True,
    )


def start_server():
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "ops_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(),
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/complaints/new/", timeout=2)  # noqa: S310 - loopback
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


_local = threading.local()


def submit(i, category):
    opener = getattr(_local, "opener", None)
    if opener is None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _local.opener = opener
    start = time.perf_counter()
    page = opener.open(f"{BASE}/complaints/new/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "category": category,
            "description": f"Bench submission number {i}: the page stays blank after paying.",
            "contact_name": "Bench visitor",
            "contact_phone": "13800000000",
            "website": "",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        f"{BASE}/complaints/new/", data=data, headers={"Referer": f"{BASE}/complaints/new/"}
    )
    response = opener.open(request, timeout=10)
    body = response.read().decode()
    ok = response.status == 200 and "TS-" in body
    return ok, time.perf_counter() - start


def main():
    os.environ.update(DATABASE_URL=DB_URL, DJANGO_SETTINGS_MODULE="ops_portal.settings.test")
    prepare()
    import django

    django.setup()
    from apps.complaints.models import Complaint, ComplaintCategory

    category = ComplaintCategory.objects.get(code="technical").pk
    before = Complaint.objects.filter(channel="web").count()
    server = start_server()
    latencies, errors = [], 0
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(submit, i, category) for i in range(TOTAL)]
            for future in futures:
                remaining = DEADLINE_S - (time.perf_counter() - started)
                try:
                    ok, seconds = future.result(timeout=max(remaining, 0.1))
                except Exception:  # noqa: BLE001 - every failure counts as an error
                    errors += 1
                    continue
                latencies.append(seconds)
                errors += 0 if ok else 1
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    stored = Complaint.objects.filter(channel="web").count() - before
    latencies.sort()
    print(f"submissions: {TOTAL}, threads: {THREADS}, gunicorn 3 workers x 4 threads")
    print(f"elapsed: {elapsed:.1f} s -> {TOTAL / elapsed:.1f} submissions/s")
    print(
        "latency (GET form + POST + redirect): "
        f"median {statistics.median(latencies) * 1000:.0f} ms,"
        f" p90 {latencies[int(len(latencies) * 0.9)] * 1000:.0f} ms,"
        f" max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"errors: {errors}; complaints stored: {stored}")


if __name__ == "__main__":
    main()
