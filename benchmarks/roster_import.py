"""Roster import at scale: parse, validate + preview, confirm, rows/s and peak memory.

    .venv/bin/python benchmarks/roster_import.py [--sizes 1000,10000,100000]
        [--backends sqlite,postgresql] [--pg-url postgres://postgres@127.0.0.1:5432]

Self-contained: for each backend and size a fresh database (a temporary SQLite
file, or a PostgreSQL database named ``bpjs_bench_roster_<pid>`` that is
dropped afterwards) gets the migrations and the reference data, then a child
process imports generated ``.xlsx`` rosters of one work unit through the same
service the admin and ``import_roster`` use (``roster_import``):

- first:     a unit's first roster, every worker new;
- next:      the following month, 2% joined, 2% left, 5% with a new wage (diff vs. first);
- re-import: the same file again for the same month (unchanged: nothing to write);
- preview:   the admin's preview step (``roster_preview``) of the next month's file.

Each size runs in its own process so that peak memory (ru_maxrss: the whole
process, Python + Django + calamine) belongs to that size. Times are wall-clock
seconds from the service's own timings: parse = open the workbook and check its
structure; validate = every cell of every row; preview = compare with the stored
roster, existing workers and other units' rosters; confirm = the transaction that
writes the roster, workers (with history) and entries; total = the whole call,
including keeping the uploaded file.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent

# --- a fast .xlsx writer (inline strings, date cells with a built-in date format) -----------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Roster" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)
HEADERS = [
    "NIK",
    "Nama",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Jabatan",
    "Kategori",
    "Upah",
    "TMT",
    "KPJ",
]
LETTERS = "ABCDEFGHI"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def write_xlsx(path: Path, rows) -> int:
    """Write rows the way Excel does: text in the shared-strings table, dates as serials, and
    the sheet's size declared up front (`<dimension ref="A1:I100001"/>`)."""
    strings: dict[str, int] = {}
    rows = list(rows)

    def text(ref: str, value: str, style: int = 0) -> str:
        index = strings.setdefault(value, len(strings))
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}" t="s"{s}><v>{index}</v></c>'

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="A1:{LETTERS[len(HEADERS) - 1]}{len(rows) + 1}"/>'.encode()
                + b"<sheetData>"
            )
            cells = "".join(text(f"{LETTERS[i]}1", h) for i, h in enumerate(HEADERS))
            sheet.write(f'<row r="1">{cells}</row>'.encode())
            batch = []
            for number, (nik, name, birth, sex, position, segment, wage, start, kpj) in enumerate(
                rows, start=2
            ):
                batch.append(
                    f'<row r="{number}">'
                    + text(f"A{number}", nik, 2)
                    + text(f"B{number}", name)
                    + f'<c r="C{number}" s="1"><v>{(birth - EXCEL_EPOCH).days}</v></c>'
                    + text(f"D{number}", sex)
                    + text(f"E{number}", position)
                    + text(f"F{number}", segment)
                    + f'<c r="G{number}"><v>{wage}</v></c>'
                    + f'<c r="H{number}" s="1"><v>{(start - EXCEL_EPOCH).days}</v></c>'
                    + (text(f"I{number}", kpj, 2) if kpj else "")
                    + "</row>"
                )
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write("".join(batch).encode())
            sheet.write(b"</sheetData></worksheet>")
        items = "".join(f"<si><t>{escape(value)}</t></si>" for value in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
        )
    return path.stat().st_size


# --- synthetic rosters ------------------------------------------------------------------------------

GIVEN = ["Wa Ode", "La Ode", "Andi", "Muhammad", "Siti", "Nur", "Ahmad", "Sitti", "Hasan", "Rahmat",
         "Dewi", "Fitri", "Irwan", "Yusuf", "Ayu", "Baso", "Hadi", "Rina", "Sri", "Agus"]  # fmt: skip
FAMILY = ["Sitti", "Mu'min", "Baso", "Rahman", "Saputra", "Lestari", "Hamid", "Tamburaka",
          "Lakidende", "Wijaya", "Nurhayati", "Sulaiman", "Kadir", "Mokodompit", "Halu Oleo"]  # fmt: skip
POSITIONS = ["Petugas Kebersihan", "Sopir", "Staf Administrasi", "Penjaga Malam", "Operator",
             "Tenaga Teknis", "Pengemudi Truk Sampah", "Petugas Taman", "Caraka"]  # fmt: skip


def make_rows(count: int, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)
    seen, rows = set(), []
    while len(rows) < count:
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        sex = rng.choice("LP")
        day = birth.day + (40 if sex == "P" else 0)
        nik = f"7471{rng.randrange(1, 11):02d}{day:02d}{birth:%m%y}{rng.randrange(1, 10000):04d}"
        if nik in seen:
            continue
        seen.add(nik)
        start = birth.replace(year=birth.year + 18, day=1) + dt.timedelta(days=rng.randrange(3650))
        start = min(start, dt.date(2024, 12, 1))
        kpj = f"{rng.randrange(10**10, 10**11)}" if rng.random() < 0.3 else ""
        rows.append(
            (nik, f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", birth, sex, rng.choice(POSITIONS),
             "non_asn", rng.randrange(30, 80) * 50_000, start, kpj)
        )  # fmt: skip
    return rows


def next_month(rows: list[tuple], seed: int = 11) -> list[tuple]:
    """2% leave, 2% join, 5% get a new wage."""
    rng = random.Random(seed)
    count = len(rows)
    kept = [r for i, r in enumerate(rows) if i % 50 != 0]
    changed = [(*r[:6], r[6] + 100_000, *r[7:]) if rng.random() < 0.05 else r for r in kept]
    joined = [r for r in make_rows(count // 50 + 1, seed=seed) if r[0] not in {x[0] for x in rows}]
    return changed + joined


# --- one step of one (backend, size) run, each in its own child process ---------------------------

STEPS = ("setup", "first", "verify_first", "next", "verify_next", "reimport", "preview")
IMPORTS = ("first", "next", "reimport", "preview")
VERIFICATIONS = ("verify_first", "verify_next")
# An import's total against the bare calamine parse of its own file, timed in the same
# process just before the import (on a shared machine the load changes between processes).
TARGET_RATIO = {"first": 4, "next": 3, "reimport": 2}


def child(step: str, size: int, workdir: Path) -> dict:
    """Run one step; peak memory (ru_maxrss) is then this step's own."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from bpjs_tracker.roles import sync_roles
    from enrollment.services.rosters import roster_import, roster_preview
    from regencies.models import Regency, WorkUnit
    from regencies.services import reference_load

    first_file, second_file = workdir / "first.xlsx", workdir / "next.xlsx"
    if step == "setup":
        call_command("migrate", verbosity=0)
        reference_load()
        sync_roles()
        WorkUnit.objects.create(
            code="74.71-DLHK", name="Dinas Lingkungan Hidup", kind="opd",
            regency=Regency.objects.get(code="74.71"),
        )  # fmt: skip
        first_rows = make_rows(size)
        return {
            "file_bytes": write_xlsx(first_file, first_rows),
            "next_bytes": write_xlsx(second_file, next_month(first_rows)),
        }
    unit = WorkUnit.objects.get(code="74.71-DLHK")
    # The first roster's month (--first-month); the next roster is the month after it.
    jan = dt.date.fromisoformat(os.environ.get("BENCH_FIRST_MONTH", "2025-01") + "-01")
    feb = (jan + dt.timedelta(days=31)).replace(day=1)
    if step in VERIFICATIONS:
        return verify(unit, jan if step == "verify_first" else feb)
    path, period, service = {
        "first": (first_file, jan, roster_import),
        "next": (second_file, feb, roster_import),
        "reimport": (second_file, feb, roster_import),
        "preview": (second_file, feb, roster_preview),
    }[step]
    # In a forked child, so that the parse's memory is not counted in this step's peak.
    with multiprocessing.get_context("fork").Pool(1) as pool:
        bare = pool.apply(bare_parse, (path,))
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    started = time.perf_counter()
    if service is roster_preview:
        result = service(unit=unit, period=period, upload=upload, by=None)
    else:
        result = service(unit=unit, period=period, upload=upload)
    total = time.perf_counter() - started
    assert result.ok, [str(p) for p in result.errors[:5]]
    t = result.timings
    return {
        "bare": bare,
        "parse": t.get("parse", 0),
        # "stored": reading the roster compared with (its row hashes serve the validation)
        "validate_preview": t.get("stored", 0) + t.get("validate", 0) + t.get("preview", 0),
        "reused": getattr(result, "reused", 0),
        "confirm": t.get("write", 0),
        "total": total,
        "counts": result.counts(),
        "timings": {k: round(v, 3) for k, v in t.items()},
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def bare_parse(path: Path) -> float:
    """python-calamine alone: open the workbook and read the first sheet's cells (best of 2)."""
    from python_calamine import CalamineWorkbook

    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        best = min(best, time.perf_counter() - started)
    return best


def verify(unit, period) -> dict:
    """roster_verify, with the membership sync, the month's bill and the summary timed apart."""
    from enrollment.models import Membership, Roster
    from enrollment.services import memberships, rosters
    from enrollment.services.rosters import roster_verify

    seconds: dict[str, list[float]] = {"sync": [], "bill": [], "summary": []}

    def timed(name, function):
        def call(**kwargs):
            started = time.perf_counter()
            try:
                return function(**kwargs)
            finally:
                seconds[name].append(time.perf_counter() - started)

        return call

    # roster_verify imports the sync at call time; the bill and the summary at module level
    memberships.memberships_sync = timed("sync", memberships.memberships_sync)
    rosters.bill_refresh_for_roster = timed("bill", rosters.bill_refresh_for_roster)
    rosters.summary_refresh = timed("summary", rosters.summary_refresh)
    roster = Roster.objects.select_related("unit").get(unit=unit, period=period)
    started = time.perf_counter()
    result = roster_verify(roster=roster)
    total = time.perf_counter() - started
    return {
        "total": total,
        "sync": seconds["sync"][0],
        "bill": sum(seconds["bill"]),
        "summary": sum(seconds["summary"]),
        "opened": result.opened,
        "closed": result.closed,
        "memberships": Membership.objects.count(),
        "history": Membership.history.count(),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


# --- orchestration ------------------------------------------------------------------------------------


def run_one(backend: str, size: int, pg_url: str) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bpjs_bench_"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bpjs_tracker.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "PYTHONPATH": str(ROOT),
    }
    database = None
    if backend == "postgresql":
        import psycopg2

        database = f"bpjs_bench_roster_{os.getpid()}_{size}"
        admin = psycopg2.connect(f"{pg_url}/postgres")
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"{pg_url}/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        figures = {"rows": size}
        for step in STEPS:
            out = subprocess.run(  # noqa: S603 - this script, its own arguments
                [sys.executable, __file__, "--child", step, "--size", str(size),
                 "--workdir", str(workdir)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if out.returncode != 0:
                raise SystemExit(f"{backend} {size} {step}: child failed\n{out.stderr}")
            figures[step] = json.loads(out.stdout.strip().splitlines()[-1])
        return figures
    finally:
        if database:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{database}"')
            admin.close()
        shutil.rmtree(workdir, ignore_errors=True)


def table(results: list[tuple[str, dict]]) -> str:
    lines = [
        "| backend | rows | run | bare calamine s | parse s | validate+preview s | confirm s "
        "| total s | × bare parse (target) | rows/s | peak MB |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for backend, figures in results:
        for run in IMPORTS:
            f = figures[run]
            bare = f["bare"]
            ratio = f["total"] / bare if bare else float("nan")
            target = f" (≤ {TARGET_RATIO[run]})" if run in TARGET_RATIO else ""
            lines.append(
                f"| {backend} | {figures['rows']:,} | {run} | {bare:.2f} | {f['parse']:.2f} | "
                f"{f['validate_preview']:.2f} | {f['confirm']:.2f} | {f['total']:.2f} | "
                f"{ratio:.1f}×{target} | {figures['rows'] / f['total']:,.0f} | {f['peak_mb']} |"
            )
    lines += [
        "",
        "| backend | rows | verification | total s | memberships sync s | bill s | summary s "
        "| opened | closed | memberships | history rows | peak MB |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for backend, figures in results:
        for run in VERIFICATIONS:
            f = figures[run]
            lines.append(
                f"| {backend} | {figures['rows']:,} | {run.removeprefix('verify_')} | "
                f"{f['total']:.2f} | {f['sync']:.2f} | {f['bill']:.2f} | {f['summary']:.2f} | "
                f"{f['opened']:,} | {f['closed']:,} | "
                f"{f['memberships']:,} | {f['history']:,} | {f['peak_mb']} |"
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--verbose", action="store_true", help="print every step's timings")
    parser.add_argument(
        "--first-month",
        default="2025-01",
        help="YYYY-MM of the first roster (verification refreshes the summary from that month "
        "to today: last month's roster is what a treasurer verifies)",
    )
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("BENCH_FIRST_MONTH", args.first_month)  # the children inherit it
    if args.child:
        print(json.dumps(child(args.child, args.size, args.workdir)))
        return
    results = []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            figures = run_one(backend, size, args.pg_url)
            results.append((backend, figures))
            print(f"{backend} {size:,}: done", file=sys.stderr)
            if args.verbose:
                for step in IMPORTS:
                    f = figures[step]
                    print(f"  {step}: {f['timings']} reused={f.get('reused', 0)}", file=sys.stderr)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {dt.date.today()}")
    print(table(results))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
