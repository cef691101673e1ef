"""Every upload ends in a message and a final state: refused files keep nothing, none stays pending.

Issue #11 items 1-2 and 8: files over the byte limit are never stored, a parser that
fails still ends the upload, stale previews are closed by `abandon_uploads`, problems
are capped, and the payments import speaks Indonesian.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from enrollment.billing.payments import payments_import
from enrollment.imports.bounds import MAX_PROBLEMS
from enrollment.models import Roster, RosterUpload, Worker
from enrollment.services import rosters as roster_services
from enrollment.services.memberships import membership_kpj_import
from enrollment.services.rosters import roster_import
from tests.data.hostile.make_hostile import build
from tests.enrollment.conftest import PERIOD, roster_csv, worker_row
from tests.factories import make_nik

UPLOAD = reverse("admin:enrollment_roster_upload")


def _files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    "name", ["truncated_zip", "csv_wide", "csv_long_cell", "sparse_corner", "csv_utf16"]
)
def test_a_broken_file_is_rejected_with_its_file_kept_and_nothing_else_saved(world, name):
    data, filename = build(name)
    result = roster_import(
        unit=world.kdi_dlhk, period=PERIOD, upload=SimpleUploadedFile(filename, data)
    )
    assert not result.ok and len(result.errors) == 1
    upload = RosterUpload.objects.get()
    assert upload.status == RosterUpload.Status.REJECTED
    assert (Worker.objects.count(), Roster.objects.count()) == (0, 0)


def test_a_file_over_the_byte_limit_is_never_stored(world, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1000
    rows = [worker_row(make_nik(n), f"Pekerja {n}") for n in range(1, 40)]
    result = roster_import(unit=world.kdi_dlhk, period=PERIOD, upload=roster_csv(rows))
    assert "melebihi batas" in result.errors[0].message
    assert RosterUpload.objects.count() == 0
    assert _files(settings) == []


def test_the_admin_refuses_a_large_upload_before_writing_it_anywhere(
    client, world, opd_treasurer, settings
):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # larger parts would go to a temporary file
    client.force_login(opd_treasurer)
    big = SimpleUploadedFile("roster.csv", b"NIK,Nama\n" + b"7471015708900001,Nama\n" * 200)
    response = client.post(UPLOAD, {"unit": world.kdi_dlhk.pk, "period": "2025-01", "file": big})
    assert response.status_code == 200
    assert "melebihi batas" in str(response.context["form"].errors["file"])
    assert RosterUpload.objects.count() == 0
    assert _files(settings) == []


def test_a_200_character_file_name_gets_a_preview_and_a_final_state(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    name = "roster-" + "x" * 188 + ".csv"
    upload = roster_csv([worker_row(make_nik(1), "Andi")], name=name)
    response = client.post(UPLOAD, {"unit": world.kdi_dlhk.pk, "period": "2025-01", "file": upload})
    assert response.status_code == 302
    stored = RosterUpload.objects.get()
    assert stored.original_name == name
    assert len(stored.file.name.rsplit("/", 1)[1]) <= 90
    assert client.post(response["Location"]).status_code == 302
    assert RosterUpload.objects.get().status == RosterUpload.Status.IMPORTED


def test_a_parser_that_fails_midway_still_ends_the_upload(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("calamine panicked")

    monkeypatch.setattr(roster_services, "read_roster_file", broken)
    result = roster_import(
        unit=world.kdi_dlhk, period=PERIOD, upload=roster_csv([worker_row(make_nik(1), "Andi")])
    )
    assert not result.ok
    assert "tidak dapat diproses" in result.errors[0].message
    assert RosterUpload.objects.get().status == RosterUpload.Status.REJECTED


def test_abandon_uploads_lists_and_closes_uploads_pending_for_over_a_day(world, opd_treasurer):
    from enrollment.services.rosters import roster_preview

    old = roster_preview(
        unit=world.kdi_dlhk, period=PERIOD, by=opd_treasurer,
        upload=roster_csv([worker_row(make_nik(1), "Andi")]),
    ).upload  # fmt: skip
    fresh = roster_preview(
        unit=world.kdi_dlhk, period=PERIOD, by=opd_treasurer,
        upload=roster_csv([worker_row(make_nik(2), "Budi")]),
    ).upload  # fmt: skip
    RosterUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    out = StringIO()
    call_command("abandon_uploads", "--dry-run", stdout=out)
    assert f"{old.pk}\t74.71-DLHK\t2025-01\topd_treasurer" in out.getvalue()
    assert str(fresh.pk) + "\t" not in out.getvalue()
    assert RosterUpload.objects.get(pk=old.pk).status == RosterUpload.Status.PENDING

    call_command("abandon_uploads", stdout=StringIO())
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("abandoned", "pending")


def test_problems_stop_at_the_cap_and_say_where(world):
    rows = [["x", "", "", "", "", "", "", ""] for _ in range(2_000)]
    result = roster_import(
        unit=world.kdi_dlhk, period=PERIOD, upload=roster_csv(rows), dry_run=True
    )
    assert len(result.problems) == MAX_PROBLEMS + 1
    assert "pemeriksaan berhenti di baris" in result.problems[-1].message


def test_kpj_file_problems_are_capped_too(world, branch_staff):
    content = "NIK,KPJ\n" + "x,y\n" * 2_000
    result = membership_kpj_import(
        upload=SimpleUploadedFile("kpj.csv", content.encode()), by=branch_staff, dry_run=True
    )
    assert len(result.problems) == MAX_PROBLEMS + 1


def test_payments_import_of_a_broken_file_speaks_indonesian(world):
    data, _name = build("truncated_zip")
    result = payments_import(name="bank.xlsx", content=data, dry_run=True)
    assert [p.message for p in result.problems] == [
        "Berkas tidak dapat dibaca sebagai .xlsx atau .csv. Buka di Excel lalu simpan ulang "
        "sebagai Excel Workbook (.xlsx) atau CSV."
    ]


def test_payments_import_utf16_is_one_indonesian_message(world):
    content = "Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n".encode("utf-16")
    result = payments_import(name="bank.csv", content=content, dry_run=True)
    assert len(result.problems) == 1 and "UTF-16" in result.problems[0].message


def test_payments_period_year_zero_is_an_indonesian_message(world):
    content = (
        b"Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n74.71-DLHK,0000-01,1000,01-01-2025,R\n"
    )
    result = payments_import(name="bank.csv", content=content, dry_run=True)
    assert [p.message for p in result.problems] == ["periode '0000-01' tidak sah: gunakan YYYY-MM"]


def test_payments_import_has_a_byte_limit(world, settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    content = (
        b"Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n" + b"74.71-DLHK,,1,01-01-2025,R\n" * 10
    )
    result = payments_import(name="bank.csv", content=content, dry_run=True)
    assert "melebihi batas" in result.problems[0].message
