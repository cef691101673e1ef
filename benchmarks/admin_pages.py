"""Benchmark: every admin page's server time and query count over a province's data.

    .venv/bin/python benchmarks/admin_pages.py [--db bpjs_bench_admin] [--rebuild]
        [--entries 1000000] [--units 3000] [--repeat 3] [--only SUBSTRING] [--skip SUBSTRING]
        [--accounts] [--password PASSWORD]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the server to use)

The province (issue #13): 3,000 work units in all 17 regencies (every desa as a
village unit), 1,000,000 workers on their units' verified rosters of 2025-01
(one OPD with 20,000, the largest bill), the month's bills through the billing
service (1,000,000 lines), the rosters and bills of the 11 months before cloned
in SQL (36,000 bills), 2,000,000 open JKK/JKM memberships (a third with a KPJ)
and a payment for four bills in five (28,800). Built once with COPY and
INSERT … SELECT into the database `--db` (default `bpjs_bench_admin`) and
reused by later runs (`--rebuild` builds it again); never dropped.

The build ends with the load test's five accounts (`benchmarks/load.py`), given their roles
and scopes through the app's services as `seed_demo` does: `bench_opd_treasurer` (the
largest OPD), `bench_village_treasurer` (one village unit), `bench_branch_staff` (the branch office
serving the largest OPD's regency, and several others), `bench_sekda` (that regency) and
`bench_province_admin`, all with `--password` (default `bench-sandi-2026`), and a few death
claims through the claims services. `--accounts` does only that step on an existing
database (idempotent: passwords and scopes are set again, existing claims kept) and times
no page.

Then, as the provincial administrator (the widest scope), every registered
admin's changelist, the bill, roster and worker change pages of the largest
unit, the bill lines page, the custom pages (arrears, forecast, monthly
changes, upload, KPJ import, dashboard) and NIK searches are requested through
Django's test client, in this process, `--repeat` times; the median server
time and the query count are printed, and pages over 500 ms are flagged.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from billing import copy, server_url, with_db  # noqa: E402

PERIOD = date(2025, 1, 1)
MONTHS = 12
BIG_UNIT_WORKERS = 20_000
BUDGET_MS = 500
BENCH_PASSWORD = "bench-sandi-2026"  # noqa: S105 - a throwaway benchmark database's accounts
BIG_UNIT = "74.71-BENCHBIG"


def database_exists(name: str) -> bool:
    from billing import admin_connection

    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def timed(label: str, fn):
    started = time.perf_counter()
    value = fn()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    return value


def build(n_units: int, n_entries: int, password: str = BENCH_PASSWORD) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bpjs_tracker.roles import sync_roles
    from enrollment.billing.services import bills_generate
    from enrollment.models import Roster, RosterEntry, Worker
    from enrollment.summary import summary_rebuild
    from regencies.models import Regency, RiskClass, Village, WorkUnit
    from regencies.services import reference_load

    timed("migrate", lambda: call_command("migrate", verbosity=0))
    timed("reference data", reference_load)
    sync_roles()
    now = timezone.now()
    regencies = list(Regency.objects.order_by("code"))
    units = [WorkUnit(code=BIG_UNIT, name="OPD terbesar", kind="opd", regency=regencies[-1])]
    for village in Village.objects.filter(kind="desa").select_related("district")[: n_units // 2]:
        units.append(
            WorkUnit(
                code=village.code, name=f"Pemerintah Desa {village.name}", kind="village",
                regency_id=village.district.regency_id, village=village,
            )
        )  # fmt: skip
    index = 0
    while len(units) < n_units:
        regency = regencies[index % len(regencies)]
        units.append(
            WorkUnit(
                code=f"{regency.code}-BENCH{index}", name=f"OPD uji {index}", kind="opd",
                regency=regency, jkk_risk_class=RiskClass.VERY_LOW,
            )
        )  # fmt: skip
        index += 1
    WorkUnit.objects.bulk_create(units, batch_size=1000)
    units = list(WorkUnit.objects.order_by("pk").values_list("pk", "kind"))
    Roster.objects.bulk_create(
        [
            Roster(unit_id=pk, period=PERIOD, file=f"rosters/{pk}/bench.xlsx", status="verified",
                   verified_at=now, entry_count=0)
            for pk, _kind in units
        ],
        batch_size=1000,
    )  # fmt: skip
    rosters = list(Roster.objects.order_by("unit_id").values_list("pk", "unit__kind"))
    stamp = now.isoformat()

    def roster_of(i: int):
        if i <= BIG_UNIT_WORKERS:
            return rosters[0]
        return rosters[
            1 + (i - BIG_UNIT_WORKERS - 1) * (len(rosters) - 1) // (n_entries - BIG_UNIT_WORKERS)
        ]

    def entries():
        for i in range(1, n_entries + 1):
            roster_id, kind = roster_of(i)
            segment = "village_official" if kind == "village" else "non_asn"
            yield (i, roster_id, i, i + 1, "Staf", segment, 2_000_000 + (i % 40) * 50_000,
                   "2020-01-01", "")  # fmt: skip

    with connection.cursor() as cursor:
        timed(
            "workers (COPY)",
            lambda: copy(
                cursor, Worker._meta.db_table,
                ["id", "created_at", "updated_at", "nik", "name", "birth_date", "sex"],
                ((i, stamp, stamp, f"74{i:014d}", f"Pekerja {i}", "1990-01-01", "L")
                 for i in range(1, n_entries + 1)),
            ),
        )  # fmt: skip
        timed(
            "roster entries (COPY)",
            lambda: copy(
                cursor, RosterEntry._meta.db_table,
                ["id", "roster_id", "worker_id", "row_number", "position", "segment", "wage",
                 "start_date", "kpj"],
                entries(),
            ),
        )  # fmt: skip
        for model in (Worker, RosterEntry):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        cursor.execute(
            "UPDATE enrollment_roster r SET entry_count = c.n FROM (SELECT roster_id, COUNT(*) n"
            " FROM enrollment_rosterentry GROUP BY roster_id) c WHERE c.roster_id = r.id"
        )
        cursor.execute("ANALYZE")
    timed("bills of 2025-01 (bills_generate)", lambda: bills_generate(period=PERIOD))
    with connection.cursor() as cursor:
        timed(
            "11 earlier months: rosters and bills (INSERT … SELECT)",
            lambda: _earlier_months(cursor),
        )
        timed("memberships (INSERT … SELECT)", lambda: _memberships(cursor))
        timed("payments and allocations (INSERT … SELECT)", lambda: _payments(cursor))
    # kept current by verification in the app; the forecast reads its head counts
    timed("coverage summary of 2025-01", lambda: summary_rebuild(periods=[PERIOD]))
    with connection.cursor() as cursor:
        timed("ANALYZE", lambda: cursor.execute("ANALYZE"))
    timed("load-test accounts and claims", lambda: accounts(password))


def _earlier_months(cursor) -> None:
    for back in range(1, MONTHS):
        cursor.execute(
            "INSERT INTO enrollment_roster (created_at, updated_at, unit_id, period, file,"
            " original_name, uploaded_by_id, status, return_reason, verified_by_id, verified_at,"
            " entry_count, created_count, updated_count, unchanged_count, left_count)"
            " SELECT created_at, updated_at, unit_id, (period - make_interval(months => %s))::date,"
            " file, original_name, NULL, status, '', NULL, verified_at, entry_count, 0, 0, 0, 0"
            " FROM enrollment_roster WHERE period = %s",
            [back, PERIOD],
        )
        cursor.execute(
            "INSERT INTO enrollment_bill (created_at, updated_at, unit_id, period, due_date,"
            " contribution_total, adjustment_total, total, relief_total, worker_count, bases,"
            " roster_id, roster_verified_at, rules_digest, rounding_rule, computed_at,"
            " pu_total, pu_due_date, bpu_total, bpu_due_date, relief_note)"
            " SELECT b.created_at, b.updated_at, b.unit_id, r.period,"
            " (b.due_date - make_interval(months => %s))::date, b.contribution_total,"
            " b.adjustment_total, b.total, b.relief_total, b.worker_count, b.bases, r.id,"
            " r.verified_at, b.rules_digest, b.rounding_rule, b.computed_at,"
            " b.pu_total, (b.pu_due_date - make_interval(months => %s))::date,"
            " b.bpu_total, (b.bpu_due_date - make_interval(months => %s))::date, b.relief_note"
            " FROM enrollment_bill b JOIN enrollment_roster r ON r.unit_id = b.unit_id"
            " AND r.period = (b.period - make_interval(months => %s))::date"
            " WHERE b.period = %s",
            [back, back, back, back, PERIOD],
        )


def _memberships(cursor) -> None:
    cursor.execute(
        "INSERT INTO enrollment_membership (created_at, updated_at, worker_id, programme,"
        ' unit_id, kpj, start, "end")'
        " SELECT now(), now(), e.worker_id, p.programme, r.unit_id,"
        " CASE WHEN e.worker_id %% 3 = 0 THEN '1' || lpad(e.worker_id::text, 10, '0') ELSE '' END,"
        " %s, NULL FROM enrollment_rosterentry e JOIN enrollment_roster r ON r.id = e.roster_id"
        " CROSS JOIN (VALUES ('JKK'), ('JKM')) p(programme) WHERE r.period = %s",
        [date(2024, 2, 1), PERIOD],  # members since the first of the twelve months
    )


def _payments(cursor) -> None:
    cursor.execute(
        "INSERT INTO enrollment_payment (created_at, updated_at, unit_id, amount, paid_on,"
        " reference, source, source_file, note, recorded_by_id)"
        " SELECT now(), now(), unit_id, total, due_date, 'BENCH-' || id, 'manual', '', '', NULL"
        " FROM enrollment_bill WHERE id % 5 <> 0 AND total > 0"
    )
    cursor.execute(
        "INSERT INTO enrollment_paymentallocation (payment_id, bill_id, amount)"
        " SELECT p.id, b.id, b.total FROM enrollment_payment p"
        " JOIN enrollment_bill b ON p.reference = 'BENCH-' || b.id"
    )


# --- the load test's accounts ------------------------------------------------------------------


def accounts(password: str = BENCH_PASSWORD) -> list[str]:
    """The five roles' accounts (scopes as in production) and a few death claims; idempotent."""
    from django.db import transaction

    from bpjs_tracker.models import User
    from bpjs_tracker.roles import Role, sync_roles
    from bpjs_tracker.services import user_set_role
    from regencies.models import BranchOffice, Regency, WorkUnit

    sync_roles()
    big = WorkUnit.objects.get(code=BIG_UNIT)
    village = WorkUnit.objects.filter(kind="village", rosters__period=PERIOD).order_by("pk").first()
    branch = (  # the office serving the largest OPD's regency today, with its other regencies
        BranchOffice.objects.filter(
            assignments__regency=big.regency, assignments__valid_to__isnull=True
        )
        .order_by("pk")
        .first()
    )
    scoped = [
        ("bench_opd_treasurer", Role.OPD_TREASURER, {"work_units": [big]}),
        ("bench_village_treasurer", Role.VILLAGE_TREASURER, {"work_units": [village]}),
        ("bench_branch_staff", Role.BRANCH_STAFF, {"branch_office": branch}),
        ("bench_sekda", Role.SEKDA, {"regency": Regency.objects.get(code=big.regency.code)}),
        ("bench_province_admin", Role.PROVINCE_ADMIN, {}),
    ]
    users = {}
    with transaction.atomic():
        for username, role, scope in scoped:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"first_name": "Uji", "last_name": "Beban"}
            )
            user.set_password(password)
            user_set_role(user=user, role=role, **scope)
            users[role] = user
            where = ", ".join(
                getattr(v, "short_name", "") or getattr(v, "code", "") or v[0].code
                for v in scope.values()
            )
            print(f"    {username}: {role} ({where or 'provinsi'})", flush=True)
        claimed = _claims(big, village, users)
    print(f"    {claimed} benchmark claims", flush=True)
    return [username for username, _role, _scope in scoped]


def _claims(big, village, users) -> int:
    """Death claims on the largest OPD, the village and an OPD of a few regencies.

    Through claim_save / claim_document_add / claim_submit, as the treasurers would; each
    worker is on its unit's verified roster of PERIOD with open JKK/JKM memberships.
    """
    from datetime import timedelta

    from django.core.files.base import ContentFile

    from bpjs_tracker.roles import Role
    from claims.checklist import required_documents
    from claims.models import Claim, Heir
    from claims.services import claim_document_add, claim_save, claim_submit
    from enrollment.models import RosterEntry
    from regencies.models import WorkUnit

    note = "Klaim uji beban (benchmark): data dikarang."
    others = list(
        WorkUnit.objects.filter(kind="opd", code__contains="-BENCH")
        .exclude(pk=big.pk)
        .order_by("pk")[:4]
    )
    plan = [(big, users[Role.OPD_TREASURER], n) for n in range(4)]
    plan += [(village, users[Role.VILLAGE_TREASURER], n) for n in range(2)]
    plan += [(unit, users[Role.PROVINCE_ADMIN], 0) for unit in others]
    for unit, by, n in plan:
        entry = (
            RosterEntry.objects.filter(roster__unit=unit, roster__period=PERIOD)
            .select_related("worker")
            .order_by("row_number")[n : n + 1]
            .first()
        )
        if entry is None or Claim.objects.filter(worker=entry.worker, note=note).exists():
            continue
        programme = "JKK" if n == 1 else "JKM"
        death = PERIOD + timedelta(days=9 + n)
        claim = claim_save(
            claim=Claim(
                unit=unit, worker=entry.worker, programme=programme, date_of_death=death,
                accident_date=death if programme == "JKK" else None, place_of_death="Kendari",
                cause_of_death="Sakit (uji beban)", reported_by="Bendahara (uji beban)",
                reported_on=death + timedelta(days=3), note=note,
            ),
            by=by,
        )  # fmt: skip
        heir = Heir(
            claim=claim, name=f"Ahli waris {entry.worker.name}", relationship="spouse",
            nik=f"7471014{n + 1}0190{9100 + claim.pk % 900:04d}", birth_date=date(1990, 1, n + 1),
            is_recipient=True, bank_name="Bank Sultra", account_number=f"00091{claim.pk:05d}",
        )  # fmt: skip
        heir.full_clean()
        heir.save()
        if n % 2 == 0:  # half with their documents in and handed to the branch office
            for kind in required_documents(programme, ["spouse"]):
                claim_document_add(
                    claim=claim, kind=kind, file=ContentFile(b"%PDF-1.4\n% uji\n", name=f"{kind}.pdf"),
                    received_on=claim.reported_on, by=by,
                )  # fmt: skip
            claim_submit(claim=claim, by=by)
    return Claim.objects.filter(note=note).count()


# --- the pages ------------------------------------------------------------------------------------


def pages() -> list[tuple[str, str]]:
    """(label, url) of every page to time."""
    from django.contrib import admin
    from django.urls import reverse

    from enrollment.models import Bill, Roster, RosterEntry, Worker

    big_roster = Roster.objects.get(unit__code="74.71-BENCHBIG", period=PERIOD)
    big_bill = Bill.objects.get(unit__code="74.71-BENCHBIG", period=PERIOD)
    worker = Worker.objects.order_by("pk").first()
    entry = RosterEntry.objects.filter(roster=big_roster).order_by("pk").first()
    found = []
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        found.append((f"{opts.label} list", url))
    lines = reverse("admin:enrollment_billline_changelist")
    entries = reverse("admin:enrollment_rosterentry_changelist")
    workers = reverse("admin:enrollment_worker_changelist")
    memberships = reverse("admin:enrollment_membership_changelist")
    found += [
        ("dashboard (admin index)", reverse("admin:index")),
        ("bill page, 20,000 lines", reverse("admin:enrollment_bill_change", args=[big_bill.pk])),
        ("bill lines of that bill", f"{lines}?bill__id__exact={big_bill.pk}"),
        ("bill lines, page 100", f"{lines}?bill__id__exact={big_bill.pk}&p=100"),
        ("bill lines, NIK search", f"{lines}?q={worker.nik}"),
        ("arrears, province", reverse("admin:enrollment_bill_arrears")),
        ("arrears, one regency", reverse("admin:enrollment_bill_arrears") + "?regency=74.71"),
        ("forecast, province", reverse("admin:enrollment_bill_forecast")),
        ("roster page, 20,000 entries", reverse("admin:enrollment_roster_change", args=[big_roster.pk])),
        ("monthly changes, 20,000 entries", reverse("admin:enrollment_roster_changes", args=[big_roster.pk])),
        ("roster upload form", reverse("admin:enrollment_roster_upload")),
        ("KPJ import form", reverse("admin:enrollment_membership_kpj")),
        ("worker page", reverse("admin:enrollment_worker_change", args=[worker.pk])),
        ("roster entry page", reverse("admin:enrollment_rosterentry_change", args=[entry.pk])),
        ("roster entries, NIK exact", f"{entries}?q={worker.nik}"),
        ("roster entries, NIK prefix (10,000 match)", f"{entries}?q={worker.nik[:12]}"),
        ("roster entries, month filter", f"{entries}?periode={PERIOD:%Y-%m}"),
        ("roster entries, name search", f"{entries}?q=Pekerja+12345"),
        ("roster entries, unit code search (20,000 match)", f"{entries}?q={big_roster.unit.code}"),
        ("workers, name search", f"{workers}?q=Pekerja+12345"),
        ("memberships, name search", f"{memberships}?q=Pekerja+12345"),
        ("workers, NIK exact", f"{workers}?q={worker.nik}"),
        ("workers, NIK prefix (10,000 match)", f"{workers}?q={worker.nik[:12]}"),
        ("memberships, NIK exact", f"{memberships}?q={worker.nik}"),
        ("memberships, KPJ", f"{memberships}?q=1{3:010d}"),
        ("memberships, active filter", f"{memberships}?aktif=1"),
    ]  # fmt: skip
    # The other roles' start page and lists, when the load test's accounts exist (--accounts):
    # a branch officer's start page carries the work queues, a treasurer's lists one unit.
    from bpjs_tracker.models import User

    for username in User.objects.filter(username__startswith="bench_").order_by("username").values_list("username", flat=True):
        if username == "bench_province_admin":
            continue
        role = username.removeprefix("bench_")
        found += [
            (f"{role}: dashboard", reverse("admin:index"), username),
            (f"{role}: roster list", reverse("admin:enrollment_roster_changelist"), username),
            (f"{role}: bill list", reverse("admin:enrollment_bill_changelist"), username),
            (f"{role}: memberships", memberships, username),
            (f"{role}: roster entries", entries, username),
        ]
    return found


def measure(
    repeat: int, only: str | None, skip: str | None = None
) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bpjs_tracker.models import User
    from bpjs_tracker.roles import Role
    from bpjs_tracker.services import user_set_role

    setup_test_environment()
    user, created = User.objects.get_or_create(
        username="bench_province_admin", defaults={"is_staff": True}
    )
    if created:
        user_set_role(user=user, role=Role.PROVINCE_ADMIN)
    clients = {user.username: Client()}
    clients[user.username].force_login(user)
    rows = []
    for label, url, *as_user in pages():
        username = as_user[0] if as_user else user.username
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        if only and only.lower() not in label.lower():
            continue
        if skip and skip.lower() in label.lower():
            continue
        times, db_times, queries, status = [], [], 0, 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                times.append(time.perf_counter() - started)
            queries, status = len(captured), response.status_code
            db_times.append(sum(float(q["time"]) for q in captured.captured_queries))
        ms, db_ms = statistics.median(times) * 1000, statistics.median(db_times) * 1000
        rows.append((label, ms, queries, status))
        flag = "  ← over 500 ms" if ms > BUDGET_MS else ""
        print(
            f"{ms:8.0f} ms {db_ms:6.0f} ms in SQL {queries:4d} q  {status}  {label}  {url}{flag}",
            flush=True,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="bpjs_bench_admin")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="time only the pages whose label contains this")
    parser.add_argument("--skip", help="skip the pages whose label contains this")
    parser.add_argument(
        "--accounts",
        action="store_true",
        help="only (re)create the load test's five accounts and claims on the database",
    )
    parser.add_argument(
        "--password", default=BENCH_PASSWORD, help="the load test accounts' password"
    )
    args = parser.parse_args()

    from billing import create_database, drop_database

    os.environ["DATABASE_URL"] = with_db(server_url(), args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpjs_tracker.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault(
        "DJANGO_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "bpjs_bench_media")
    )
    fresh = args.rebuild or not database_exists(args.db)
    if fresh:
        drop_database(args.db)
        create_database(args.db)
    import django

    django.setup()
    if fresh:
        print(f"building {args.db}: {args.units} units, {args.entries:,} workers", flush=True)
        build(args.units, args.entries, args.password)
    if args.accounts:
        if not fresh:
            print(f"load-test accounts and claims on {args.db}:", flush=True)
            accounts(args.password)
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM enrollment_worker), (SELECT COUNT(*) FROM enrollment_rosterentry),"
            " (SELECT COUNT(*) FROM enrollment_billline), (SELECT COUNT(*) FROM enrollment_bill),"
            " (SELECT COUNT(*) FROM enrollment_membership), (SELECT COUNT(*) FROM enrollment_payment)"
        )
        counts = cursor.fetchone()
    print(
        "database {}: {:,} workers, {:,} roster entries, {:,} bill lines, {:,} bills, "
        "{:,} memberships, {:,} payments; load average {:.1f}".format(
            args.db, *counts, os.getloadavg()[0]
        )
    )
    print(f"median of {args.repeat}, as the provincial administrator (server time, of which SQL):")
    rows = measure(args.repeat, args.only, args.skip)
    over = [r for r in rows if r[1] > BUDGET_MS]
    print(f"\n{len(rows)} pages, {len(over)} over {BUDGET_MS} ms")


if __name__ == "__main__":
    main()
