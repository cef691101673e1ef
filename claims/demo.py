"""Demo claims from the field (DOMAIN.md §6), run through the same services as real ones.

What the reports say: Konawe Utara paid Rp 24 juta JKM to the heirs of a
village official of Wunduhaka (74.09.01.2020), reported at the 7 Oct 2019
meeting; Kolaka Timur quoted JKM Rp 42 juta in October 2021. Everything else —
names, NIKs (serials from 9001), positions, wages, dates of death, heirs,
payment references, the Kendari JKK claim and the refused claim — is INVENTED
for the demo, and every such person's name ends in "(demo)". Idempotent: a
story whose claim exists is left alone.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bpjs_tracker.models import User
from claims.checklist import required_documents
from claims.models import Claim, Heir
from claims.services import (
    claim_approve,
    claim_document_add,
    claim_pay,
    claim_reject,
    claim_save,
    claim_submit,
    claim_verify,
)
from enrollment.demo import HEADERS, demo_period
from enrollment.models import Membership, Programme, Roster, RosterEntry, Worker
from enrollment.services.rosters import roster_import, roster_verify
from regencies.models import WorkUnit

DEMO_PDF = b"%PDF-1.4\n% dokumen contoh (demo)\n"
INVENTED = "Data contoh (demo): selain jumlah santunan, semua rincian dikarang untuk demo."

# Wunduhaka's ten village officials (positions of a typical desa; names invented).
WUNDUHAKA = "74.09.01.2020"
OFFICIALS = [
    ("Kepala Desa", "La Ode Hamid (demo)"),
    ("Sekretaris Desa", "Wa Ode Nurhayati (demo)"),
    ("Kaur Keuangan", "Andi Saputra (demo)"),
    ("Kaur Umum", "Sitti Rahman (demo)"),
    ("Kasi Pemerintahan", "Muhammad Kadir (demo)"),
    ("Kasi Kesejahteraan", "Nur Lestari (demo)"),
    ("Kasi Pelayanan", "Ahmad Halu (demo)"),
    ("Kepala Dusun I", "Rahmat Sulaiman (demo)"),
    ("Kepala Dusun II", "Yusuf Lakidende (demo)"),  # the one who dies in September 2019
    ("Kepala Dusun III", "Irwan Tamburaka (demo)"),
]
DECEASED = "Yusuf Lakidende (demo)"
SUCCESSOR = ("Kepala Dusun II", "Baso Mokodompit (demo)")


def _nik(district: str, serial: int, birth: date, sex: str = "L") -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{birth:%m%y}{9000 + serial:04d}"


def _roster(unit: WorkUnit, period: date, rows: list[list]) -> None:
    """Import and verify `unit`'s roster for `period` unless it exists (same services as uploads)."""
    if Roster.objects.filter(unit=unit, period=period).exists():
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    upload = SimpleUploadedFile(f"demo-{unit.code}-{period:%Y-%m}.csv", buffer.getvalue().encode())
    imported = roster_import(unit=unit, period=period, upload=upload, by=None)
    if not imported.ok:
        raise RuntimeError(f"demo roster {unit.code} {period:%Y-%m}: {imported.errors[:3]}")
    roster_verify(roster=imported.roster, by=None)


def _official_rows(officials) -> list[list]:
    rows = []
    for n, (position, name) in enumerate(officials):
        birth = date(1970 + n, 1 + n % 12, 3 + n)
        nik = _nik("740901", n + 1, birth)
        rows.append([nik, name, f"{birth:%d-%m-%Y}", "L", position, "perangkat_desa",
                     "2000000", "02-01-2019"])  # fmt: skip
    return rows


def _documents(claim: Claim, received_on: date, by, *, skip: tuple[str, ...] = ()) -> None:
    kinds = required_documents(claim.programme, claim.heirs.values_list("relationship", flat=True))
    for kind in kinds:
        if kind not in skip:
            file = ContentFile(DEMO_PDF, name=f"{kind}.pdf")
            claim_document_add(claim=claim, kind=kind, file=file, received_on=received_on, by=by)


def _backdate(claim: Claim, days: list[date]) -> None:
    """Demo only: put the story's dates on the recorded transitions (the services write now)."""
    changes = list(claim.status_changes.order_by("at", "pk"))
    for change, day in zip(changes, days, strict=False):
        change.at = timezone.make_aware(datetime.combine(day, time(10, 0)))
        change.save(update_fields=["at"])


def _claim(**fields) -> Claim | None:
    """A new draft claim through the service, or None when the story already exists."""
    if Claim.objects.filter(
        worker=fields["worker"],
        programme=fields["programme"],
        date_of_death=fields["date_of_death"],
    ).exists():
        return None
    by = fields.pop("by")
    return claim_save(claim=Claim(note=INVENTED, **fields), by=by)


def _heir(claim: Claim, name: str, relationship: str, serial: int, birth: date, sex: str, **extra):
    heir = Heir(
        claim=claim,
        name=name,
        nik=_nik(extra.pop("district", "740901"), serial, birth, sex),
        relationship=relationship,
        birth_date=birth,
        **extra,
    )
    heir.full_clean()
    heir.save()
    return heir


def _rows_of(roster: Roster, *, replace: str | None = None) -> list[list]:
    """A verified roster's rows as a file would carry them, the worker `replace` (NIK) swapped."""
    rows = []
    for entry in roster.entries.select_related("worker").order_by("row_number"):
        worker = entry.worker
        row = [worker.nik, worker.name, f"{worker.birth_date:%d-%m-%Y}", worker.sex,
               entry.position, entry.segment, str(entry.wage), f"{entry.start_date:%d-%m-%Y}"]  # fmt: skip
        if worker.nik == replace:
            birth = date(1978, 9, 11)
            row = [_nik("740901", 11, birth), SUCCESSOR[1], f"{birth:%d-%m-%Y}", "L",
                   entry.position, entry.segment, str(entry.wage), "01-10-2019"]  # fmt: skip
        rows.append(row)
    return rows


def _reimport(roster: Roster, rows: list[list], period: date | None = None) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    period = period or roster.period
    upload = SimpleUploadedFile(
        f"demo-{roster.unit.code}-{period:%Y-%m}.csv", buffer.getvalue().encode()
    )
    imported = roster_import(unit=roster.unit, period=period, upload=upload, by=None)
    if not imported.ok:
        raise RuntimeError(f"demo roster {roster.unit.code} {period:%Y-%m}: {imported.errors[:3]}")
    roster_verify(roster=imported.roster, by=None)


def seed_wunduhaka(users: dict) -> None:
    """The village official who died in 2019 (before October): JKM Rp 24.000.000 paid.

    The village's August 2019 roster names him (the demo writes one when the dashboard's
    Konawe Utara data has not); every later roster that still names him is re-imported with
    his successor in his place, so the village keeps its ten officials.
    """
    unit = WorkUnit.objects.get(code=WUNDUHAKA)
    death = date(2019, 9, 12)
    august = Roster.objects.filter(unit=unit, period=date(2019, 8, 1), status="verified").first()
    if august is None:
        _roster(unit, date(2019, 8, 1), _official_rows(OFFICIALS))
        august = Roster.objects.get(unit=unit, period=date(2019, 8, 1))
    entry = august.entries.select_related("worker").filter(position="Kepala Dusun II").first()
    worker = entry.worker
    later = Roster.objects.filter(unit=unit, period__gt=death, status="verified").order_by("period")
    if not later.exists():
        _reimport(august, _rows_of(august, replace=worker.nik), period=date(2019, 10, 1))
    for roster in later:
        if roster.entries.filter(worker=worker).exists():
            _reimport(roster, _rows_of(roster, replace=worker.nik))
    claim = _claim(
        unit=unit, worker=worker, programme="JKM", date_of_death=death,
        place_of_death="Wunduhaka", cause_of_death="Sakit (demo)", reported_by="Bendahara desa (demo)",
        reported_on=date(2019, 9, 16), by=users["village"],
    )  # fmt: skip
    if claim is None:
        return
    _heir(claim, "Wa Ode Fitri (demo)", "spouse", 101, date(1976, 5, 9), "P", is_recipient=True,
          bank_name="Bank Sultra", account_number="0009001001")  # fmt: skip
    _heir(claim, "Ayu Safitri (demo)", "child", 102, date(2008, 2, 14), "P",
          school_level="smp", scholarship_eligible=True)  # fmt: skip
    _documents(claim, date(2019, 10, 2), users["village"])
    claim_submit(claim=claim, by=users["village"])
    claim_verify(claim=claim, by=users["branch"])
    claim_approve(claim=claim, by=users["branch"])
    claim_pay(claim=claim, by=users["branch"], paid_on=date(2019, 10, 7), amount=24_000_000,
              reference="DEMO-JKM-2019-001",
              account="Bank Sultra 0009001001 a.n. Wa Ode Fitri (demo)")  # fmt: skip
    _backdate(claim, [date(2019, 9, 16), date(2019, 9, 16), date(2019, 10, 3), date(2019, 10, 4),
                      date(2019, 10, 7)])  # fmt: skip


def seed_kolaka_timur(users: dict) -> None:
    """A Kolaka Timur non-ASN worker's JKM claim in October 2021: Rp 42.000.000 paid."""
    unit = WorkUnit.objects.get(code="74.11-DISNAKERTRANS")
    birth = date(1979, 7, 21)
    nik = _nik("741101", 1, birth)
    _roster(unit, date(2021, 9, 1), [[nik, "Hasnah Rahman (demo)", f"{birth:%d-%m-%Y}", "L",
                                      "Staf", "non_asn", "2500000", "01-03-2017"]])  # fmt: skip
    claim = _claim(
        unit=unit, worker=Worker.objects.get(nik=nik), programme="JKM",
        date_of_death=date(2021, 10, 3), place_of_death="Tirawuta", cause_of_death="Sakit (demo)",
        reported_by="Bendahara Disnakertrans (demo)", reported_on=date(2021, 10, 5),
        by=users["admin"],
    )  # fmt: skip
    if claim is None:
        return
    _heir(claim, "Rina Wijaya (demo)", "spouse", 201, date(1983, 11, 2), "P", district="741101",
          is_recipient=True, bank_name="BRI", account_number="0009002002")  # fmt: skip
    _documents(claim, date(2021, 10, 8), users["admin"])
    claim_submit(claim=claim, by=users["admin"])
    claim_verify(claim=claim, by=users["admin"])
    claim_approve(claim=claim, by=users["admin"])
    claim_pay(claim=claim, by=users["admin"], paid_on=date(2021, 10, 13), amount=42_000_000,
              reference="DEMO-JKM-2021-014", account="BRI 0009002002 a.n. Rina Wijaya (demo)")  # fmt: skip
    _backdate(claim, [date(2021, 10, 5), date(2021, 10, 5), date(2021, 10, 11), date(2021, 10, 12),
                      date(2021, 10, 13)])  # fmt: skip


def seed_open_jkk(users: dict) -> None:
    """Kota Kendari DLHK: a garbage-truck driver killed on duty last month; accident report missing."""
    unit = WorkUnit.objects.get(code="74.71-DLHK")
    period = demo_period()
    entry = (
        RosterEntry.objects.filter(
            roster__unit=unit, roster__period=period, roster__status="verified"
        )
        .select_related("worker")
        .order_by("row_number")
        .first()
    )
    if entry is None:
        return
    day = period + timedelta(days=9)
    claim = _claim(
        unit=unit, worker=entry.worker, programme="JKK", accident_date=day, date_of_death=day,
        place_of_death="TPA Puuwatu, Kendari", cause_of_death="Kecelakaan kerja saat bertugas (demo)",
        reported_by="Bendahara DLHK (demo)", reported_on=day + timedelta(days=1), by=users["opd"],
    )  # fmt: skip
    if claim is None:
        return
    _heir(claim, "Sitti Hamid (demo)", "spouse", 301, date(1990, 4, 4), "P", district="747101",
          is_recipient=True, bank_name="BNI", account_number="0009003003")  # fmt: skip
    _heir(claim, "Agus Hamid (demo)", "child", 302, date(2014, 6, 6), "L", district="747101",
          school_level="tk_sd", scholarship_eligible=True)  # fmt: skip
    _documents(claim, day + timedelta(days=2), users["opd"], skip=("accident_report",))
    claim_submit(claim=claim, by=users["opd"])


def seed_refused(users: dict) -> None:
    """Kota Kendari Satpol PP: a former member who died after the membership ended: refused."""
    unit = WorkUnit.objects.get(code="74.71-SATPOLPP")
    birth = date(1975, 9, 9)
    worker, _created = Worker.objects.get_or_create(
        nik=_nik("747102", 401, birth),
        defaults={"name": "Agus Kadir (demo)", "birth_date": birth, "sex": "L"},
    )
    # Demo only: the memberships of his years on the roster (Feb 2018 – Dec 2020), written
    # directly because the demo has no rosters for those months.
    for programme in (Programme.JKK, Programme.JKM):
        Membership.objects.get_or_create(
            worker=worker, programme=programme, unit=unit, start=date(2018, 2, 1),
            defaults={"end": date(2020, 12, 31)},
        )  # fmt: skip
    claim = _claim(
        unit=unit, worker=worker, programme="JKM", date_of_death=date(2021, 3, 15),
        place_of_death="Kendari", cause_of_death="Sakit (demo)", reported_by="Keluarga (demo)",
        reported_on=date(2021, 3, 22), by=users["opd"],
    )  # fmt: skip
    if claim is None:
        return
    _heir(claim, "Nur Kadir (demo)", "spouse", 402, date(1978, 1, 20), "P", district="747102",
          is_recipient=True)  # fmt: skip
    claim_submit(claim=claim, by=users["opd"])
    reason = (
        "Kepesertaan JKM melalui Satpol PP berakhir 31-12-2020 (keluar dari roster), sebelum "
        "tanggal meninggal 15-03-2021."
    )
    claim_reject(claim=claim, by=users["branch"], reason=reason)
    _backdate(claim, [date(2021, 3, 22), date(2021, 3, 22), date(2021, 3, 24)])


def seed_claims(result=None) -> int:
    """The four field stories; returns how many demo claims exist afterwards."""
    users = {
        "village": User.objects.get(username="demo_village_treasurer"),
        "opd": User.objects.get(username="demo_opd_treasurer"),
        "branch": User.objects.get(username="demo_branch_staff"),
        "admin": User.objects.get(username="demo_province_admin"),
    }
    seed_wunduhaka(users)
    seed_kolaka_timur(users)
    seed_open_jkk(users)
    seed_refused(users)
    total = Claim.objects.filter(note=INVENTED).count()
    if result is not None:
        result.claims_total = total
    return total
