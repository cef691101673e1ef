"""A roster cannot change, or reveal, what lies outside its uploader's scope (issue #11, item 3)."""

import datetime as dt

from django.urls import reverse

from enrollment.models import Worker
from enrollment.services.import_scope import IDENTITY_KEPT
from enrollment.services.rosters import roster_import, roster_preview, roster_upload_confirm
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

JAN = dt.date(2025, 1, 1)
NIK = make_nik(7)


def _buton_worker(world):
    roster_import(
        unit=world.buton_opd, period=dt.date(2024, 12, 1),
        upload=roster_csv([worker_row(NIK, "La Ode Buton", birth="17-08-1990", sex="L")]),
    )  # fmt: skip
    return Worker.objects.get(nik=NIK)


def test_a_treasurer_cannot_rename_a_worker_of_another_regency(world, opd_treasurer):
    worker = _buton_worker(world)
    history_before = worker.history.count()
    preview = roster_preview(
        unit=world.kdi_dlhk, period=JAN, by=opd_treasurer,
        upload=roster_csv([worker_row(NIK, "Nama Baru", birth="17-08-1990", sex="L")]),
    )  # fmt: skip
    assert preview.ok
    assert [(p.row, p.severity, p.message) for p in preview.problems] == [
        (2, "warning", str(IDENTITY_KEPT % {"nik": NIK}))
    ]
    assert "La Ode Buton" not in str(preview.summary())  # the registered name is not revealed
    roster_upload_confirm(upload=preview.upload, by=opd_treasurer)
    worker.refresh_from_db()
    assert worker.name == "La Ode Buton"  # the Buton Sekda still sees the registered name
    assert worker.history.count() == history_before
    assert world.kdi_dlhk.rosters.get().entries.get().worker == worker  # on the roster all the same


def test_the_identity_kept_warning_reaches_branch_staff_through_the_upload(
    client, world, opd_treasurer, branch_staff
):
    _buton_worker(world)
    preview = roster_preview(
        unit=world.kdi_dlhk, period=JAN, by=opd_treasurer,
        upload=roster_csv([worker_row(NIK, "Nama Baru")]),
    )  # fmt: skip
    client.force_login(branch_staff)
    page = client.get(reverse("admin:enrollment_roster_upload_preview", args=[preview.upload.pk]))
    assert "ditandai untuk diperiksa kantor cabang" in page.content.decode()


def test_the_province_administrator_may_correct_an_identity(world, province_admin):
    worker = _buton_worker(world)
    roster_import(
        unit=world.kdi_dlhk, period=JAN, by=province_admin,
        upload=roster_csv([worker_row(NIK, "Nama Benar")]),
    )  # fmt: skip
    worker.refresh_from_db()
    assert worker.name == "Nama Benar"


def test_a_treasurer_still_corrects_a_worker_only_on_their_own_rosters(world, opd_treasurer):
    roster_import(
        unit=world.kdi_dlhk, period=JAN, by=opd_treasurer,
        upload=roster_csv([worker_row(NIK, "Nama Salah")]),
    )  # fmt: skip
    roster_import(
        unit=world.kdi_dlhk, period=JAN.replace(month=2), by=opd_treasurer,
        upload=roster_csv([worker_row(NIK, "Nama Benar")]),
    )  # fmt: skip
    assert Worker.objects.get(nik=NIK).name == "Nama Benar"


def test_the_roster_page_names_other_units_to_branch_staff_not_to_the_treasurer(
    client, world, opd_treasurer, branch_staff
):
    roster_import(unit=world.kdi_satpol, period=JAN, upload=roster_csv([worker_row(NIK, "Ani")]))
    roster = roster_import(
        unit=world.kdi_dlhk, period=JAN, by=opd_treasurer,
        upload=roster_csv([worker_row(NIK, "Ani")]),
    ).roster  # fmt: skip
    url = reverse("admin:enrollment_roster_change", args=[roster.pk])
    client.force_login(opd_treasurer)
    assert "74.71-SATPOLPP" not in client.get(url).content.decode()
    client.force_login(branch_staff)
    assert "74.71-SATPOLPP" in client.get(url).content.decode()
