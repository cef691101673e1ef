"""Load test: the five roles at once against a local gunicorn, headless, bounded in time.

    .venv/bin/pip install -r benchmarks/requirements.txt          # locust (not a runtime need)
    .venv/bin/python benchmarks/load.py --host http://127.0.0.1:8014 \\
        [--users 50] [--spawn-rate 10] [--run-time 60] [--password demo-sandi-2026]
        [--accounts a,b,c,d,e] [--big-unit CODE] [--province]

The server is whatever listens at --host (127.0.0.1 or localhost only; anything else is
refused): start gunicorn with several workers on a PostgreSQL database holding the data set
first (benchmarks/README.md has the commands). Each simulated user logs in as one of the
accounts, the five roles in turn: by default the demo accounts of `seed_demo`; `--accounts`
names others (comma-separated, with `--password`), and `--province` stands for the accounts
that `benchmarks/admin_pages.py` builds with the province data set (`bench_*`, password
`bench-sandi-2026`, the largest OPD `74.71-BENCHBIG` as `--big-unit`). Each user waits 1–3 s
between requests and mixes the dashboard, changelists, a bill page (the bills of
`--big-unit` for the roles that see them, so its largest bill; otherwise the first page's),
a 1,000-row roster upload + preview (roles that may upload; to `--big-unit` when the form
searches among many units and the role sees it) and a claim page. The run stops
after --run-time seconds (at most 600) and prints p50 / p95 / p99 latency, throughput and
errors per page.

Production-like server settings (DEBUG off) send secure cookies and check the Origin of a
POST over HTTPS: the users send `X-Forwarded-Proto: https` and an `Origin`, and keep their
cookies on plain HTTP, as the load balancer in front of gunicorn would.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_mix import (  # noqa: E402
    BILL_LINK,
    CLAIM_LINK,
    CSRF,
    PREVIEW_URL,
    ROSTER,
    UNIT_OPTION,
    UPLOAD_PERIOD,
)

ACCOUNTS = [
    "demo_opd_treasurer",
    "demo_village_treasurer",
    "demo_branch_staff",
    "demo_sekda",
    "demo_province_admin",
]
PROVINCE_ACCOUNTS = [name.replace("demo_", "bench_") for name in ACCOUNTS]  # admin_pages.py
PROVINCE_PASSWORD = "bench-sandi-2026"  # noqa: S105 - benchmarks/admin_pages.py's default
PROVINCE_BIG_UNIT = "74.71-BENCHBIG"
BIG_UNIT = ""  # --big-unit: the bill page shows this unit's bills when the role sees them
ALLOWED_HOSTS = {"127.0.0.1", "localhost"}
MAX_RUN_TIME = 600
PASSWORD = "demo-sandi-2026"  # noqa: S105 - the printed demo password (bpjs_tracker/demo.py)
_next_account = itertools.count()
_ready = 0  # users past on_start (logged in, ids collected)


class RoleUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.origin = "https://" + urlsplit(self.host).netloc
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": self.origin})
        page = self.get("/admin/login/", "login page")
        self.post(
            "/admin/login/?next=/admin/",
            "login",
            data={"username": self.account, "password": PASSWORD, **self.csrf(page)},
        )
        bills = self.get("/admin/enrollment/bill/", "changelist: bills")
        self.bill_ids = BILL_LINK.findall(bills.text)[:20]
        if BIG_UNIT:
            big = self.get(f"/admin/enrollment/bill/?q={BIG_UNIT}", "changelist: bills")
            self.bill_ids = BILL_LINK.findall(big.text)[:20] or self.bill_ids
        with self.client.get(
            "/admin/enrollment/roster/upload/", name="upload form", catch_response=True
        ) as upload:
            if upload.status_code == 403:
                upload.success()  # a role that may not upload (Sekda): no upload task
        self.unit_ids = UNIT_OPTION.findall(upload.text) if upload.status_code == 200 else []
        if upload.status_code == 200 and not self.unit_ids:
            self.unit_ids = self.searched_units()  # many units: the form searches as one types
        with self.client.get(
            "/admin/claims/claim/", name="changelist: claims", catch_response=True
        ) as claims:
            self.claims_present = claims.status_code == 200
            if claims.status_code == 404:
                claims.success()  # no claims admin on this branch yet: the page is skipped
        self.claim_ids = CLAIM_LINK.findall(claims.text)[:20] if self.claims_present else []
        global _ready
        _ready += 1

    def searched_units(self) -> list[str]:
        """The unit box's search (admin autocomplete): --big-unit when the role sees it, else
        the first unit it offers."""
        for term in dict.fromkeys([BIG_UNIT, ""]):
            found = self.client.get(
                "/admin/autocomplete/",
                name="upload form: unit search",
                params={"app_label": "enrollment", "model_name": "roster",
                        "field_name": "unit", "term": term},
            )  # fmt: skip
            results = found.json().get("results", []) if found.status_code == 200 else []
            if results:
                return [str(results[0]["id"])]
        return []

    # -- helpers -------------------------------------------------------------------------------

    def keep_cookies_on_http(self):
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path, name):
        response = self.client.get(path, name=name)
        self.keep_cookies_on_http()
        return response

    def post(self, path, name, **kwargs):
        headers = {"Referer": self.origin + path}
        response = self.client.post(path, name=name, headers=headers, **kwargs)
        self.keep_cookies_on_http()
        return response

    @staticmethod
    def csrf(page) -> dict:
        match = CSRF.search(page.text)
        return {"csrfmiddlewaretoken": match.group(1)} if match else {}

    # -- the mix -------------------------------------------------------------------------------

    @task(3)
    def dashboard(self):
        self.get("/admin/", "dashboard")

    @task(3)
    def changelists(self):
        self.get("/admin/enrollment/roster/", "changelist: rosters")
        self.get("/admin/enrollment/bill/", "changelist: bills")
        self.get("/admin/enrollment/membership/", "changelist: memberships")

    @task(2)
    def bill_page(self):
        if self.bill_ids:
            bill = self.bill_ids[next(_next_account) % len(self.bill_ids)]
            self.get(f"/admin/enrollment/bill/{bill}/change/", "bill page")

    @task(1)
    def roster_preview(self):
        if not self.unit_ids:
            return
        form = self.get("/admin/enrollment/roster/upload/", "upload form")
        with self.client.post(
            "/admin/enrollment/roster/upload/",
            name="roster upload 1,000 rows (POST + preview)",
            headers={"Referer": self.origin + "/admin/enrollment/roster/upload/"},
            data={"unit": self.unit_ids[0], "period": UPLOAD_PERIOD, **self.csrf(form)},
            files={"file": ("roster-1000.csv", ROSTER, "text/csv")},
            catch_response=True,
        ) as response:
            if not PREVIEW_URL.search(response.url):
                response.failure(f"not on the preview page: {response.url}")
        self.keep_cookies_on_http()

    @task(1)
    def claim_page(self):
        if self.claim_ids:
            claim = self.claim_ids[next(_next_account) % len(self.claim_ids)]
            self.get(f"/admin/claims/claim/{claim}/change/", "claim page")
        elif self.claims_present:
            self.get("/admin/claims/claim/", "changelist: claims")


def report(env: Environment, seconds: float) -> str:
    rows = [("page", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s")]
    entries = sorted(
        (e for e in env.stats.entries.values() if e.num_requests), key=lambda e: e.name
    )
    for entry in [*entries, env.stats.total]:
        rows.append(
            (
                entry.name if entry is not env.stats.total else "ALL",
                str(entry.num_requests),
                str(entry.num_failures),
                str(entry.get_response_time_percentile(0.50) or 0),
                str(entry.get_response_time_percentile(0.95) or 0),
                str(entry.get_response_time_percentile(0.99) or 0),
                f"{entry.num_requests / seconds:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    errors = [
        f"  {e.method} {e.name}: {e.error} ×{e.occurrences}" for e in env.stats.errors.values()
    ]
    return "\n".join(lines + (["errors:", *errors] if errors else []))


def main() -> int:
    global PASSWORD, ACCOUNTS, BIG_UNIT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="http://127.0.0.1:8014")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=60, help="seconds (at most 600)")
    parser.add_argument("--password", help=f"the accounts' password (default {PASSWORD})")
    parser.add_argument(
        "--accounts", help="comma-separated user names, one per role (default: seed_demo's)"
    )
    parser.add_argument("--big-unit", help="work unit code whose bills the bill page shows")
    parser.add_argument(
        "--province",
        action="store_true",
        help="the accounts, password and largest OPD of benchmarks/admin_pages.py",
    )
    args = parser.parse_args()
    if urlsplit(args.host).hostname not in ALLOWED_HOSTS:
        parser.error("--host must be 127.0.0.1 or localhost: this load test runs locally only")
    if not 0 < args.run_time <= MAX_RUN_TIME:
        parser.error(f"--run-time must be between 1 and {MAX_RUN_TIME} seconds")
    if args.province:
        ACCOUNTS, PASSWORD, BIG_UNIT = PROVINCE_ACCOUNTS, PROVINCE_PASSWORD, PROVINCE_BIG_UNIT
    if args.accounts:
        ACCOUNTS = [name.strip() for name in args.accounts.split(",") if name.strip()]
    PASSWORD = args.password or PASSWORD
    BIG_UNIT = args.big_unit or BIG_UNIT
    RoleUser.host = args.host
    env = Environment(user_classes=[RoleUser])
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    # Logins (password hashing) and first pages while users arrive are not the steady state:
    # the figures count from the moment every user is in.
    deadline = dt.datetime.now() + dt.timedelta(seconds=120)
    while _ready < args.users and dt.datetime.now() < deadline:
        gevent.sleep(0.5)
    logins = env.stats.get("login", "POST")
    login_p95 = logins.get_response_time_percentile(0.95) if logins.num_requests else 0
    env.stats.reset_all()
    started = dt.datetime.now()
    gevent.spawn_later(args.run_time, runner.quit)
    runner.greenlet.join()
    seconds = (dt.datetime.now() - started).total_seconds()
    print(
        f"{args.users} users as {', '.join(ACCOUNTS)}; spawn rate {args.spawn_rate}/s, "
        f"{seconds:.0f} s measured after all had logged in (login p95 {login_p95} ms), "
        f"against {args.host}; load average {os.getloadavg()[0]:.1f}"
    )
    print(report(env, seconds))
    return 1 if env.stats.total.num_failures else 0


if __name__ == "__main__":
    sys.exit(main())
