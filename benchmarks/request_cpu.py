"""Benchmark: the Python CPU each page of the load test's mix costs, per role, in process.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/admin_pages.py --db bpjs_bench_1m --accounts
    .venv/bin/python benchmarks/request_cpu.py [--db bpjs_bench_1m] [--repeat 5]
        [--only SUBSTRING] [--profile PAGE] [--password bench-sandi-2026]

On two cores the load test (`load.py`, 50 users) is bound by the web processes' CPU, not by
the database: what one request costs in Python decides how many a second two cores serve.
This script requests the same pages as `load.py --province` (the five `bench_*` accounts that
`admin_pages.py --accounts` creates on its province database), through Django's test client
with production settings (DEBUG off, cached templates), and prints for each page and role the
median process CPU time (the web process's own work: the database's time is in its own
process and not counted), the wall time and the queries; then the mix's mean CPU per request,
each page weighted as often as the load test's users ask for it. That mean, against the two
cores, is the throughput ceiling: 2,000 ms / mean.

`--profile PAGE` prints cProfile's top functions (cumulative) for the pages whose name
contains PAGE, as the first role that requests them.

Every upload it sends stays an unconfirmed upload (as the load test's do); nothing else is
written.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from billing import server_url, with_db  # noqa: E402
from load_mix import (  # noqa: E402
    BILL_LINK,
    CLAIM_LINK,
    ROSTER,
    TASKS,
    UNIT_OPTION,
    UPLOAD_PERIOD,
)

ACCOUNTS = [
    "bench_opd_treasurer",
    "bench_village_treasurer",
    "bench_branch_staff",
    "bench_sekda",
    "bench_province_admin",
]
BIG_UNIT = "74.71-BENCHBIG"


class Role:
    """One account's pages, found as load.py's users find them."""

    def __init__(self, username: str):
        from django.test import Client

        from bpjs_tracker.models import User

        self.username = username
        self.client = Client(HTTP_X_FORWARDED_PROTO="https")
        self.client.force_login(User.objects.get(username=username))
        bills = self.client.get(f"/admin/enrollment/bill/?q={BIG_UNIT}").content.decode()
        bills = (
            bills
            if BILL_LINK.search(bills)
            else self.client.get("/admin/enrollment/bill/").content.decode()
        )
        self.bill = next(iter(BILL_LINK.findall(bills)), None)
        claims = self.client.get("/admin/claims/claim/")
        self.claim = next(iter(CLAIM_LINK.findall(claims.content.decode())), None)
        form = self.client.get("/admin/enrollment/roster/upload/")
        self.unit = None
        if form.status_code == 200:
            options = UNIT_OPTION.findall(form.content.decode())
            self.unit = options[0] if options else self.searched_unit()

    def searched_unit(self) -> str | None:
        for term in (BIG_UNIT, ""):
            found = self.client.get(
                "/admin/autocomplete/",
                {"app_label": "enrollment", "model_name": "roster", "field_name": "unit",
                 "term": term},
            )  # fmt: skip
            results = found.json().get("results", []) if found.status_code == 200 else []
            if results:
                return str(results[0]["id"])
        return None

    def pages(self) -> dict:
        """page name → a function that makes the request (None where the role has no such
        page, as load.py's users skip it)."""
        get = self.client.get
        pages = {
            "dashboard": lambda: get("/admin/"),
            "changelist: rosters": lambda: get("/admin/enrollment/roster/"),
            "changelist: bills": lambda: get("/admin/enrollment/bill/"),
            "changelist: memberships": lambda: get("/admin/enrollment/membership/"),
            "bill page": (lambda: get(f"/admin/enrollment/bill/{self.bill}/change/"))
            if self.bill
            else None,
            "upload form": (lambda: get("/admin/enrollment/roster/upload/")) if self.unit else None,
            "roster upload 1,000 rows (POST + preview)": self.upload if self.unit else None,
            "claim page": (lambda: get(f"/admin/claims/claim/{self.claim}/change/"))
            if self.claim
            else (lambda: get("/admin/claims/claim/")),
        }
        return pages

    def upload(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.client.post(
            "/admin/enrollment/roster/upload/",
            {"unit": self.unit, "period": UPLOAD_PERIOD,
             "file": SimpleUploadedFile("roster-1000.csv", ROSTER, "text/csv")},
        )  # fmt: skip
        assert response.status_code == 302, response.status_code  # noqa: S101
        return self.client.get(response["Location"])


def measure(page, repeat: int) -> tuple[float, float, float, int, int]:
    """Median CPU ms, wall ms and SQL ms (the queries' own time, as the database spends it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, wall, sql, queries, status = [], [], [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started_cpu, started = time.process_time(), time.perf_counter()
            response = page()
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries))
        queries, status = len(captured), response.status_code
    ms = [statistics.median(values) * 1000 for values in (cpu, wall, sql)]
    return *ms, queries, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="bpjs_bench_1m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="only the pages whose name contains this")
    parser.add_argument("--profile", help="cProfile the pages whose name contains this")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = with_db(server_url(), args.db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bpjs_tracker.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "request-cpu-benchmark")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault(
        "DJANGO_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "bpjs_bench_media")
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest, as gunicorn's
    weights = {page: weight for weight, names in TASKS.values() for page in names}
    totals = []  # (weight, cpu ms) of every page a role requests
    profiled = False
    print(
        f"{'cpu ms':>8} {'sql ms':>8} {'wall ms':>8} {'queries':>7}  status  role: page", flush=True
    )
    for username in ACCOUNTS:
        role = Role(username)
        for name, page in role.pages().items():
            if page is None or (args.only and args.only not in name):
                continue
            cpu, wall, sql, queries, status = measure(page, args.repeat)
            totals.append((weights[name], cpu, sql))
            print(
                f"{cpu:8.1f} {sql:8.1f} {wall:8.1f} {queries:7d}  {status}     "
                f"{username.removeprefix('bench_')}: {name}",
                flush=True,
            )
            if args.profile and args.profile in name and not profiled:
                profiled = True
                profiler = cProfile.Profile()
                profiler.runcall(page)
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
                print(out.getvalue())
    if totals:
        weight = sum(w for w, _cpu, _sql in totals)
        mean = sum(w * cpu for w, cpu, _sql in totals) / weight
        mean_sql = sum(w * sql for w, _cpu, sql in totals) / weight
        print(
            f"\nmix, each page weighted as the load test asks for it: {mean:.1f} ms of Python CPU "
            f"and {mean_sql:.1f} ms of SQL per request on average; with both on two cores, at "
            f"most {2000 / (mean + mean_sql):.0f} requests/s"
        )


if __name__ == "__main__":
    main()
