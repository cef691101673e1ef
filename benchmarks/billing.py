"""Benchmark: one month's bills for a whole province, 1,000,000 roster entries over 3,000 units.

Self-contained: creates a throwaway PostgreSQL database, migrates it, loads the
reference data (regions, rates), generates units, workers and verified rosters
with COPY, then times

1. `bills_generate(period=...)` for the province (the service the command uses),
2. the same call again (idempotent: nothing to do),
3. a single hand-written INSERT … SELECT doing the same sums (one total per
   unit, per-worker rounding), which any implementation has to do at least,
4. a single hand-written INSERT … SELECT writing the same itemised lines
   into an unindexed table (what a bill needs, without bookkeeping),

prints the figures and the ratios, checks that the totals agree, and drops the
database.

    python benchmarks/billing.py [--entries 1000000] [--units 3000] [--keep]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server to use)
    BENCH_DB_PREFIX=bpjs_bench_billing_ (database name = prefix + pid)
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERIOD = date(2025, 1, 1)


def server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def admin_connection():
    import psycopg2

    connection = psycopg2.connect(server_url())
    connection.autocommit = True
    return connection


def create_database(name: str) -> None:
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def drop_database(name: str) -> None:
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def timed(label: str, fn, results: dict):
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    print(f"  {label}: {results[label]:.2f} s", flush=True)
    return value


def copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def generate(n_units: int, n_entries: int) -> None:
    """Units (all desa of the province as village units, the rest OPDs), workers, rosters."""
    from django.db import connection
    from django.utils import timezone

    from enrollment.models import Roster, RosterEntry, Worker
    from regencies.models import Regency, RiskClass, Village, WorkUnit

    rng = random.Random(74)
    now = timezone.now()
    regencies = list(Regency.objects.order_by("code"))
    units = []
    for village in Village.objects.filter(kind="desa").select_related("district")[: n_units // 2]:
        units.append(
            WorkUnit(
                code=village.code,
                name=f"Pemerintah Desa {village.name}",
                kind="village",
                regency_id=village.district.regency_id,
                village=village,
            )
        )
    risk = [RiskClass.VERY_LOW] * 8 + [RiskClass.LOW, RiskClass.HIGH]
    index = 0
    while len(units) < n_units:
        regency = regencies[index % len(regencies)]
        units.append(
            WorkUnit(
                code=f"{regency.code}-BENCH{index}",
                name=f"OPD uji {index}",
                kind="opd",
                regency=regency,
                jkk_risk_class=rng.choice(risk),
            )
        )
        index += 1
    WorkUnit.objects.bulk_create(units, batch_size=1000)
    units = list(WorkUnit.objects.order_by("pk"))
    rosters = [
        Roster(
            unit=u,
            period=PERIOD,
            file=f"rosters/{u.code}/2025-01/bench.csv",
            status="verified",
            verified_at=now,
        )
        for u in units
    ]
    Roster.objects.bulk_create(rosters, batch_size=1000)
    rosters = list(Roster.objects.order_by("pk").values_list("pk", "unit__kind"))

    stamp = now.isoformat()
    with connection.cursor() as cursor:
        copy(
            cursor,
            Worker._meta.db_table,
            ["id", "created_at", "updated_at", "nik", "name", "birth_date", "sex"],
            (
                (i, stamp, stamp, f"7471{i:012d}", f"Pekerja {i}", "1990-01-01", "L")
                for i in range(1, n_entries + 1)
            ),
        )

        def entries():
            for i in range(1, n_entries + 1):
                roster_id, kind = rosters[(i - 1) * len(rosters) // n_entries]
                if kind == "village":
                    segment = "village_official"
                else:
                    segment = "vulnerable" if rng.random() < 0.1 else "non_asn"
                wage = rng.randrange(1_000_000, 6_000_000, 500)
                yield (i, roster_id, i, i, "", segment, wage, "2020-01-01", "")

        copy(
            cursor,
            RosterEntry._meta.db_table,
            [
                "id",
                "roster_id",
                "worker_id",
                "row_number",
                "position",
                "segment",
                "wage",
                "start_date",
                "kpj",
            ],
            entries(),
        )
        for model in (Worker, RosterEntry):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")


HAND_SUMS = """
CREATE TABLE bench_sums (unit_id bigint, total bigint);
WITH rates (segment, risk_class, ppm, fixed_amount, minimum, maximum) AS (VALUES {values})
INSERT INTO bench_sums
SELECT ro.unit_id,
       SUM(CASE WHEN r.fixed_amount > 0 THEN r.fixed_amount
                ELSE GREATEST(r.minimum, CASE WHEN r.maximum > 0
                    THEN LEAST(r.maximum, (e.wage * r.ppm + 500000) / 1000000)
                    ELSE (e.wage * r.ppm + 500000) / 1000000 END) END)
FROM enrollment_roster ro
JOIN enrollment_rosterentry e ON e.roster_id = ro.id
JOIN regencies_workunit u ON u.id = ro.unit_id
JOIN rates r ON r.segment = e.segment AND r.risk_class = u.jkk_risk_class
WHERE ro.period = %s AND ro.status = 'verified'
GROUP BY ro.unit_id
"""

HAND_LINES = """
CREATE UNLOGGED TABLE bench_lines (unit_id bigint, worker_id bigint, nik varchar(16),
    programme varchar(3), segment varchar(20), wage bigint, amount bigint);
WITH rates (segment, risk_class, programme, ppm, fixed_amount, minimum, maximum) AS (VALUES {values})
INSERT INTO bench_lines
SELECT ro.unit_id, e.worker_id, w.nik, r.programme, e.segment, e.wage,
       CASE WHEN r.fixed_amount > 0 THEN r.fixed_amount
            ELSE GREATEST(r.minimum, CASE WHEN r.maximum > 0
                THEN LEAST(r.maximum, (e.wage * r.ppm + 500000) / 1000000)
                ELSE (e.wage * r.ppm + 500000) / 1000000 END) END
FROM enrollment_roster ro
JOIN enrollment_rosterentry e ON e.roster_id = ro.id
JOIN enrollment_worker w ON w.id = e.worker_id
JOIN regencies_workunit u ON u.id = ro.unit_id
JOIN rates r ON r.segment = e.segment AND r.risk_class = u.jkk_risk_class
WHERE ro.period = %s AND ro.status = 'verified'
"""


def hand_written(sql: str, with_programme: bool) -> None:
    """The rates of PERIOD, typed in as literals the way a hand-written query would have them."""
    from django.db import connection

    from enrollment.billing.services import period_rules

    rows = []
    for row in period_rules(PERIOD).matrix:
        if row.funding_source != "apbd":
            continue  # rates do not depend on the funding source (only reliefs do; none in 2025-01)
        for part in row.parts:
            if part.rate is None:
                continue
            # rate_id, is_fixed, ppm, fixed_amount, minimum, maximum, keep, new, share
            v = part.sql_values()
            literal = [f"'{row.segment}'", f"'{row.risk_class}'"]
            if with_programme:
                literal.append(f"'{part.programme}'")
            literal += [str(v[2]), str(v[3] if v[1] else 0), str(v[4]), str(v[5])]
            rows.append("(" + ", ".join(literal) + ")")
    statements = sql.format(values=", ".join(rows)).strip().split(";\n")
    with connection.cursor() as cursor:
        for statement in statements[:-1]:
            cursor.execute(statement)
        cursor.execute(statements[-1], [PERIOD])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    name = os.environ.get("BENCH_DB_PREFIX", "bpjs_bench_billing_") + str(os.getpid())
    os.environ["DATABASE_URL"] = with_db(server_url(), name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpjs_tracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # the settings default to production
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    create_database(name)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from enrollment.billing.services import bills_generate
        from enrollment.models import Bill, BillLine
        from regencies.services import reference_load

        print(f"database {name}: {args.units} units, {args.entries} roster entries, {PERIOD:%Y-%m}")
        results: dict[str, float] = {}
        timed("migrate", lambda: call_command("migrate", verbosity=0), results)
        timed("reference data", reference_load, results)
        timed(
            "generate units, workers, rosters (COPY)",
            lambda: generate(args.units, args.entries),
            results,
        )

        first = timed("bills_generate (create)", lambda: bills_generate(period=PERIOD), results)
        again = timed(
            "bills_generate again (idempotent)", lambda: bills_generate(period=PERIOD), results
        )
        timed(
            "hand-written INSERT … SELECT, sums per unit",
            lambda: hand_written(HAND_SUMS, False),
            results,
        )
        timed(
            "hand-written INSERT … SELECT, itemised lines",
            lambda: hand_written(HAND_LINES, True),
            results,
        )

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM bench_sums s JOIN enrollment_bill b "
                "ON b.unit_id = s.unit_id AND b.period = %s WHERE b.total <> s.total",
                [PERIOD],
            )
            mismatches = cursor.fetchone()[0]
        bills, lines = Bill.objects.count(), BillLine.objects.count()
        service = results["bills_generate (create)"]
        sums = results["hand-written INSERT … SELECT, sums per unit"]
        itemised = results["hand-written INSERT … SELECT, itemised lines"]
        print()
        print(f"bills created: {first.created}, lines: {lines}, bills: {bills}")
        print(f"second run: created {again.created}, unchanged {again.unchanged}")
        print(f"totals differing from the hand-written sums: {mismatches}")
        print(f"bills_generate:            {service:6.2f} s  (target ≤ 15 s)")
        print(f"hand-written sums:         {sums:6.2f} s  ratio {service / sums:5.1f}×")
        print(f"hand-written itemised:     {itemised:6.2f} s  ratio {service / itemised:5.1f}×")
        connection.close()
        if mismatches:
            sys.exit("totals differ")
    finally:
        if not args.keep:
            drop_database(name)


if __name__ == "__main__":
    main()
