"""Demo rosters: verified rosters of the four Kota Kendari units of the 2018 MoU (DOMAIN.md §6).

DLHK 501, Satpol PP 353, Dinas Kebakaran 217 and Bagian SDA 10 workers, for last month,
imported and verified through the same services as a real upload. Every name
ends in "(demo)" and every NIK has a serial from 9001 (and Kota Kendari's code
74.71), so nothing here can be mistaken for a person. Idempotent: a unit that
already has last month's roster is left alone.
"""

import csv
import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enrollment.models import Roster
from enrollment.services.rosters import roster_import, roster_verify
from regencies.models import WorkUnit

# (acronym, workers, positions) — acronyms and counts as in bpjs_tracker.demo.KENDARI_UNITS.
DEMO_UNITS = [
    ("DLHK", 501, ["Petugas Kebersihan", "Pengemudi Truk Sampah", "Petugas Taman", "Staf"]),
    ("SATPOLPP", 353, ["Anggota Satpol PP", "Staf Administrasi"]),
    ("DAMKAR", 217, ["Petugas Pemadam", "Operator Mobil Pemadam", "Staf"]),
    ("SDA", 10, ["Staf Administrasi"]),
]
# Given names by sex (a woman is never "La Ode", a man never "Wa Ode"); family names are
# family names, not given ones, so that no man is called "... Sitti".
GIVEN = {
    "L": ["La Ode", "Andi", "Muhammad", "Ahmad", "Rahmat", "Irwan", "Yusuf", "Baso", "Agus"],
    "P": ["Wa Ode", "Sitti", "Nur", "Fitri", "Ayu", "Hasnah", "Rina", "Nurhayati"],
}
FAMILY = ["Mu'min", "Rahman", "Hamid", "Tamburaka", "Lakidende", "Sulaiman", "Kadir", "Halu",
          "Mokodompit", "Pasanre", "Saranani", "Ali Mazi"]  # fmt: skip


def demo_name(n: int, sex: str) -> str:
    """The n-th demo person's name: a given name that matches the sex, and a family name."""
    given = GIVEN[sex]
    return f"{given[n % len(given)]} {FAMILY[n // 9 % len(FAMILY)]} (demo)"


HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Jabatan", "Kategori", "Upah", "TMT"]


def demo_period(today: date | None = None) -> date:
    """The first day of last month."""
    first = (today or timezone.localdate()).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def demo_rows(offset: int, count: int, positions: list[str]) -> list[list]:
    rows = []
    for n in range(offset, offset + count):
        sex = "P" if n % 3 == 0 else "L"
        birth = date(1968, 1, 1) + timedelta(days=(n * 53) % 12_400)
        day = birth.day + (40 if sex == "P" else 0)
        district = 1 + n % 11  # Kota Kendari has eleven kecamatan
        nik = f"7471{district:02d}{day:02d}{birth:%m%y}{9001 + n % 999:04d}"
        start = date(2018, 2, 1) + timedelta(days=(n * 17) % 2_000)
        rows.append(
            [
                nik,
                demo_name(n, sex),
                f"{birth:%d-%m-%Y}",
                sex,
                positions[n % len(positions)],
                "non_asn",
                str(2_500_000 + (n % 6) * 100_000),
                f"{start:%d-%m-%Y}",
            ]
        )
    return rows


def seed_rosters(result=None, *, period: date | None = None) -> int:
    """Import and verify last month's roster for each demo unit that lacks it; returns how many."""
    period = period or demo_period()
    made, offset = 0, 0
    for acronym, count, positions in DEMO_UNITS:
        rows = demo_rows(offset, count, positions)
        offset += count
        unit = WorkUnit.objects.filter(code=f"74.71-{acronym}").first()
        if unit is None or Roster.objects.filter(unit=unit, period=period).exists():
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(rows)
        upload = SimpleUploadedFile(
            f"demo-{acronym.lower()}-{period:%Y-%m}.csv", buffer.getvalue().encode()
        )
        imported = roster_import(unit=unit, period=period, upload=upload, by=None)
        if not imported.ok:  # the demo data is generated to be valid; say so loudly if not
            raise RuntimeError(f"demo roster {unit.code}: {imported.errors[:3]}")
        roster_verify(roster=imported.roster, by=None)
        made += 1
    if result is not None:
        result.rosters_created = made
        result.rosters_total = Roster.objects.count()
    return made


# --- Konawe Utara 2019: 159 villages × 10 officials, 85 paid the whole year (issue #10) ---------

KONUT_YEAR = 2019
KONUT_OFFICIALS = [
    "Kepala Desa", "Sekretaris Desa", "Kaur Keuangan", "Kaur Umum", "Kaur Perencanaan",
    "Kasi Pemerintahan", "Kasi Kesejahteraan", "Kasi Pelayanan", "Kepala Dusun I",
    "Kepala Dusun II",
]  # fmt: skip
KONUT_FULL_YEAR_PAYERS = 85  # DOMAIN.md §6: 85 of 159 villages paid a full year


def _konut_rows(village_code: str, index: int) -> list[tuple]:
    """Ten officials of one village: (nik, name, birth, sex, position)."""
    district = village_code.replace(".", "")[:6]
    rows = []
    for k, position in enumerate(KONUT_OFFICIALS):
        n = index * len(KONUT_OFFICIALS) + k
        sex = "P" if n % 4 == 0 else "L"
        birth = date(1965, 1, 1) + timedelta(days=n * 7)
        day = birth.day + (40 if sex == "P" else 0)
        nik = f"{district}{day:02d}{birth:%m%y}{9001 + n % 999:04d}"
        rows.append((nik, demo_name(n, sex), birth, sex, position))
    return rows


def _bulk_enrol(units, people: dict, months: list[date], *, segment: str, wage: int, now):
    """Workers, a verified roster per unit and month, and JKK + JKM memberships from the first
    month, written in bulk (demo data only; real rosters go through roster_import/verify)."""
    from enrollment.models import Membership, RosterEntry, Worker

    Worker.objects.bulk_create(
        [
            Worker(nik=nik, name=name, birth_date=birth, sex=sex)
            for rows in people.values()
            for nik, name, birth, sex, _pos in rows
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    ids = dict(
        Worker.objects.filter(nik__in=[r[0] for rows in people.values() for r in rows]).values_list(
            "nik", "pk"
        )
    )
    rosters = Roster.objects.bulk_create(
        [
            Roster(
                unit=u,
                period=month,
                file=f"rosters/{u.code}/{month:%Y-%m}/demo.csv",
                original_name="demo.csv",
                status=Roster.Status.VERIFIED,
                verified_at=now,
                entry_count=len(people[u.pk]),
            )
            for u in units
            for month in months
        ],
        batch_size=1000,
    )
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                roster=roster,
                worker_id=ids[nik],
                row_number=row + 2,
                position=position,
                segment=segment,
                wage=wage,
                start_date=months[0],
            )
            for roster in rosters
            for row, (nik, _n, _b, _s, position) in enumerate(people[roster.unit_id])
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(worker_id=ids[nik], programme=programme, unit=u, start=months[0])
            for u in units
            for nik, *_rest in people[u.pk]
            for programme in ("JKK", "JKM")
        ],
        batch_size=2000,
    )
    return rosters


def seed_konawe_utara(result=None) -> int:
    """Verified 2019 rosters of Konawe Utara's village governments, their bills and payments.

    Bulk-written (19.080 roster entries, 1.908 rosters) rather than imported file by
    file, so that seed_demo stays fast; bills come from the billing service, and the
    coverage summary is refreshed once at the end. The first 85 villages (by code)
    paid all twelve 2019 bills on the 10th of the following month; the others paid
    the first few months only (gaps). Idempotent: nothing happens when the December
    2019 rosters exist. Returns the number of rosters created.
    """
    from django.db import transaction

    from enrollment.billing.services import bills_generate
    from enrollment.models import Bill, Payment, PaymentAllocation
    from enrollment.summary import summary_deferred, summary_rebuild, this_month
    from regencies.models import Regency

    konut = Regency.objects.filter(code="74.09").first()
    villages = list(
        WorkUnit.objects.filter(regency=konut, kind=WorkUnit.Kind.VILLAGE).order_by("code")
    )
    december = date(KONUT_YEAR, 12, 1)
    if not villages or Roster.objects.filter(unit__in=villages, period=december).exists():
        return 0
    months = [date(KONUT_YEAR, m, 1) for m in range(1, 13)]
    now = timezone.now()
    with transaction.atomic(), summary_deferred() as pending:
        people = {v.pk: _konut_rows(v.code, i) for i, v in enumerate(villages)}
        rosters = _bulk_enrol(
            villages, people, months, segment="village_official", wage=2_022_000, now=now
        )  # wage: siltap + allowances, a typical 2019 figure (demo)
        for month in months:
            bills_generate(period=month, regency=konut)
        bills = Bill.objects.filter(unit__in=villages, period__year=KONUT_YEAR, total__gt=0)
        payments, allocations = [], []
        full = {v.pk for v in villages[:KONUT_FULL_YEAR_PAYERS]}
        for bill in bills.order_by("unit__code", "period"):
            paid_months = 12 if bill.unit_id in full else 1 + bill.unit_id % 9
            if bill.period.month > paid_months:
                continue
            payment = Payment(
                unit_id=bill.unit_id,
                amount=bill.total,
                paid_on=(bill.period + timedelta(days=40)).replace(day=10),
                reference=f"DEMO-{bill.period:%Y%m}",
                note="demo",
            )
            payments.append(payment)
            allocations.append((payment, bill))
        Payment.objects.bulk_create(payments, batch_size=1000)
        PaymentAllocation.objects.bulk_create(
            [PaymentAllocation(payment=p, bill=b, amount=b.total) for p, b in allocations],
            batch_size=1000,
        )
        # The months the demo tells about (2019) and the dashboard's default (this month);
        # other months of the regency fill in with `coverage_rebuild --period`.
        pending["units"].clear()
        summary_rebuild(periods=[*months, this_month()], regency=konut)
    if result is not None:
        result.rosters_created = (result.rosters_created or 0) + len(rosters)
        result.rosters_total = Roster.objects.count()
    return len(rosters)


# --- Buton 2023: about 3.800 non-ASN covered against an estimated workforce target -------------

BUTON_MONTH = date(2023, 11, 1)  # monev at Takawa, 17 Nov 2023 (DOMAIN.md §6)
BUTON_NON_ASN = 3_800


def seed_buton(result=None) -> int:
    """Buton's four demo OPDs with 3.800 non-ASN covered in November 2023 (950 each).

    The target beside it (46.270, the workforce estimated from "4.627 ≈ 10%") is labelled
    as computed in its source. Idempotent: nothing happens when the month's rosters exist.
    """
    from django.db import transaction

    from enrollment.summary import summary_rebuild
    from regencies.models import Regency

    buton = Regency.objects.filter(code="74.04").first()
    units = list(WorkUnit.objects.filter(regency=buton, kind=WorkUnit.Kind.OPD).order_by("code"))
    if not units or Roster.objects.filter(unit__in=units, period=BUTON_MONTH).exists():
        return 0
    each = BUTON_NON_ASN // len(units)
    people = {}
    for i, unit in enumerate(units):
        rows = []
        for k in range(each):
            n = i * each + k
            sex = "P" if n % 3 == 0 else "L"
            birth = date(1970, 1, 1) + timedelta(days=n * 3)
            day = birth.day + (40 if sex == "P" else 0)
            nik = f"7404{1 + n % 7:02d}{day:02d}{birth:%m%y}{9001 + n % 999:04d}"
            rows.append((nik, demo_name(n, sex), birth, sex, "Tenaga Kontrak"))
        people[unit.pk] = rows
    with transaction.atomic():
        rosters = _bulk_enrol(
            units, people, [BUTON_MONTH], segment="non_asn", wage=2_500_000, now=timezone.now()
        )
        summary_rebuild(periods=[BUTON_MONTH], regency=buton)
    if result is not None:
        result.rosters_created = (result.rosters_created or 0) + len(rosters)
        result.rosters_total = Roster.objects.count()
    return len(rosters)
