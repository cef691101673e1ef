"""Benchmark: the coverage dashboard over a province of 1,000,000 workers, 17 regencies, 3,000 units.

Self-contained: creates a throwaway PostgreSQL database, migrates it, loads the
reference data, then generates with COPY

- about 3,000 work units over the 17 regencies (village units for the desa, OPDs),
- `--workers` workers with JKK and JKM memberships active in the latest month, each on
  one unit's verified roster for that month (10% of OPD workers BPU, the rest PU),
- 12 months of verified rosters' headers, bills and payments for every unit (one unit
  in seven leaves its last three bills unpaid),

and prints

1. the summary's rebuild for the latest month and for the 12 months (targets ≤ 3 s / ≤ 15 s),
2. a one-unit refresh (what a verification or a payment adds to its transaction),
3. the dashboard page (server time, median of 5, and query count) for the province
   administrator and for a Sekda (target ≤ 150 ms, ≤ 15 queries),
4. one hand-written SQL GROUP BY producing the live coverage per regency, and whether its
   figures equal the dashboard's.

    python benchmarks/dashboard.py [--workers 1000000] [--units 3000] [--keep]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server to use)
    BENCH_DB_PREFIX=bpjs_bench_dashboard_ (database name = prefix + pid)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from billing import copy, create_database, drop_database, server_url, timed, with_db  # noqa: E402

LATEST = date(2025, 12, 1)
MONTHS = [date(2025, m, 1) for m in range(1, 13)]

HAND_GROUP_BY = """
SELECT u.regency_id, COUNT(DISTINCT k.worker_id)
FROM enrollment_membership k
JOIN enrollment_membership j ON j.worker_id = k.worker_id AND j.unit_id = k.unit_id
    AND j.programme = 'JKM' AND j.start <= %(day)s AND (j."end" IS NULL OR j."end" >= %(day)s)
JOIN regencies_workunit u ON u.id = k.unit_id
WHERE k.programme = 'JKK' AND k.start <= %(day)s AND (k."end" IS NULL OR k."end" >= %(day)s)
GROUP BY u.regency_id
"""


def generate(n_units: int, n_workers: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from enrollment.models import (
        Bill,
        Membership,
        Payment,
        PaymentAllocation,
        Roster,
        RosterEntry,
        Worker,
    )
    from regencies.models import Regency, Village, WorkUnit

    rng = random.Random(74)
    now = timezone.now()
    stamp = now.isoformat()
    regencies = list(Regency.objects.order_by("code"))
    units = [
        WorkUnit(code=v.code, name=f"Desa {v.name}", kind="village",
                 regency_id=v.district.regency_id, village=v)
        for v in Village.objects.filter(kind="desa").select_related("district")[: n_units * 2 // 3]
    ]  # fmt: skip
    index = 0
    while len(units) < n_units:
        regency = regencies[index % len(regencies)]
        units.append(WorkUnit(code=f"{regency.code}-B{index}", name=f"OPD {index}", kind="opd",
                              regency=regency))  # fmt: skip
        index += 1
    WorkUnit.objects.bulk_create(units, batch_size=1000)
    unit_rows = list(WorkUnit.objects.order_by("pk").values_list("pk", "kind"))
    Roster.objects.bulk_create(
        [
            Roster(unit_id=pk, period=month, file="bench.csv", status="verified", verified_at=now)
            for pk, _kind in unit_rows
            for month in MONTHS
        ],
        batch_size=2000,
    )
    latest = dict(Roster.objects.filter(period=LATEST).values_list("unit_id", "pk"))
    with connection.cursor() as cursor:
        copy(cursor, Worker._meta.db_table,
             ["id", "created_at", "updated_at", "nik", "name", "birth_date", "sex"],
             ((i, stamp, stamp, f"7471{i:012d}", f"Pekerja {i}", "1990-01-01", "L")
              for i in range(1, n_workers + 1)))  # fmt: skip

        def unit_of(i):
            return unit_rows[(i - 1) * len(unit_rows) // n_workers]

        def segment(i):
            pk, kind = unit_of(i)
            if kind == "village":
                return "village_official"
            return "vulnerable" if i % 10 == 0 else "non_asn"

        copy(cursor, RosterEntry._meta.db_table,
             ["id", "roster_id", "worker_id", "row_number", "position", "segment", "wage",
              "start_date", "kpj"],
             ((i, latest[unit_of(i)[0]], i, i, "", segment(i), 2_500_000, "2020-01-01", "")
              for i in range(1, n_workers + 1)))  # fmt: skip
        copy(cursor, Membership._meta.db_table,
             ["id", "created_at", "updated_at", "worker_id", "programme", "unit_id", "kpj",
              "start"],
             ((2 * i - p, stamp, stamp, i, ("JKK", "JKM")[p], unit_of(i)[0], "", "2025-01-01")
              for i in range(1, n_workers + 1) for p in (0, 1)))  # fmt: skip
        bill_id = payment_id = 0
        bills, payments, allocations = [], [], []
        for pk, _kind in unit_rows:
            for month in MONTHS:
                bill_id += 1
                total = rng.randrange(200_000, 5_000_000, 50)
                due = (month + timedelta(days=45)).replace(day=15)
                bills.append((bill_id, stamp, stamp, pk, month, due, total, 0, total, 0, 0, "",
                              "", "bench", stamp))  # fmt: skip
                if pk % 7 == 0 and month.month > 9:
                    continue
                payment_id += 1
                paid_on = due - timedelta(days=rng.randrange(-20, 10))
                payments.append((payment_id, stamp, stamp, pk, total, paid_on, f"B{payment_id}",
                                 "manual", "", ""))  # fmt: skip
                allocations.append((payment_id, payment_id, bill_id, total))
        copy(cursor, Bill._meta.db_table,
             ["id", "created_at", "updated_at", "unit_id", "period", "due_date",
              "contribution_total", "adjustment_total", "total", "relief_total", "worker_count",
              "bases", "rules_digest", "rounding_rule", "computed_at"], bills)  # fmt: skip
        copy(cursor, Payment._meta.db_table,
             ["id", "created_at", "updated_at", "unit_id", "amount", "paid_on", "reference",
              "source", "source_file", "note"], payments)  # fmt: skip
        copy(cursor, PaymentAllocation._meta.db_table,
             ["id", "payment_id", "bill_id", "amount"], allocations)  # fmt: skip
        for model in (Worker, RosterEntry, Membership, Bill, Payment, PaymentAllocation):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")


def page(username: str, url: str, runs: int = 5) -> tuple[float, int, int]:
    """Median server time (s), query count and status of GET url as the user."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bpjs_tracker.models import User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username=username))
    times, count, status = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        count, status = len(queries.captured_queries), response.status_code
    return statistics.median(times), count, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--skip-year", action="store_true", help="rebuild only the latest month")
    args = parser.parse_args()

    name = os.environ.get("BENCH_DB_PREFIX", "bpjs_bench_dashboard_") + str(os.getpid())
    os.environ["DATABASE_URL"] = with_db(server_url(), name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpjs_tracker.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    create_database(name)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from bpjs_tracker.dashboard.selectors import coverage_table
        from bpjs_tracker.models import User
        from bpjs_tracker.roles import Role, sync_roles
        from enrollment.summary import month_end, summary_rebuild, summary_refresh
        from regencies.models import Regency, WorkUnit
        from regencies.services import reference_load

        print(
            f"database {name}: {args.units} units, {args.workers} workers, 12 months to {LATEST:%Y-%m}"
        )
        results: dict[str, float] = {}
        timed("migrate", lambda: call_command("migrate", verbosity=0), results)
        timed("reference data", reference_load, results)
        sync_roles()
        timed("generate (COPY)", lambda: generate(args.units, args.workers), results)
        timed("summary rebuild, latest month", lambda: summary_rebuild(periods=[LATEST]), results)
        if not args.skip_year:
            timed("summary rebuild, 12 months", lambda: summary_rebuild(periods=MONTHS), results)
        one = WorkUnit.objects.order_by("pk").values_list("pk", flat=True).first()
        timed(
            "summary refresh, one unit, one month",
            lambda: summary_refresh(unit_ids=[one], since=LATEST, until=LATEST),
            results,
        )
        kendari = Regency.objects.get(code="74.71")
        User.objects.update_or_create(
            username="bench_admin", defaults={"role": Role.PROVINCE_ADMIN}
        )
        User.objects.update_or_create(
            username="bench_sekda", defaults={"role": Role.SEKDA, "regency": kendari}
        )
        url = f"/admin/?period={LATEST:%Y-%m}"
        figures = {who: page(who, url) for who in ("bench_admin", "bench_sekda")}
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(HAND_GROUP_BY, {"day": month_end(LATEST)})
            live = dict(cursor.fetchall())
            hand = time.perf_counter() - started
        table = coverage_table(user=None, period=LATEST, by_unit=False)
        differing = [r.code for r in table.rows if r.covered != live.get(r.id, 0)]
        print()
        for who, (seconds, queries, status) in figures.items():
            print(f"dashboard {who:12s} {seconds * 1000:7.1f} ms  {queries:3d} queries  "
                  f"(HTTP {status}; target ≤ 150 ms, ≤ 15 queries)")  # fmt: skip
        print(f"hand-written GROUP BY (live)  {hand * 1000:7.1f} ms")
        print(f"regencies whose covered differs from the live GROUP BY: {differing or 'none'}")
        print(f"covered in the province: {table.total.covered}")
        connection.close()
    finally:
        if not args.keep:
            drop_database(name)


if __name__ == "__main__":
    main()
