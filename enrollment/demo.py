"""Demo rosters: verified rosters of the four Kota Kendari units of the 2018 MoU (DOMAIN.md §6).

DLHK 501, Satpol PP 353, Damkar 217 and Bagian SDA 10 workers, for last month,
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
                f"{GIVEN[sex][n % len(GIVEN[sex])]} {FAMILY[n // 9 % len(FAMILY)]} (demo)",
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
