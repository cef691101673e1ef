"""Journey: a village treasurer sends the village officials' (perangkat desa) roster from the
start page, learns that one NIK is already on another unit's roster this month (a unit outside
her scope, so not named), saves it; the branch office sends it back with a reason; the start
page shows the reason and "Perbaiki dan unggah ulang" opens the upload with the unit and the
month chosen. The treasurer pages at 1366×768 and on a 390-px phone.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from enrollment.models import Roster
from regencies.models import BranchOffice, Regency, Village
from tests import factories
from tests.e2e.conftest import (
    DESKTOP,
    JOURNEY,
    PHONE,
    expect_no_sideways_scroll,
    log_in,
    person,
    screenshot,
    verified_roster,
)
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

pytestmark = JOURNEY

THIS_MONTH = timezone.localdate().replace(day=1)
MONTH = f"{THIS_MONTH:%Y-%m}"
KADES, KAUR, KADUS = (make_nik(n) for n in (301, 303, 305))
SEKDES, KASI = (make_nik(n, sex="P") for n in (302, 304))  # women: the NIK says so
REASON = "Jabatan Kepala Dusun I tertulis Staf; sesuaikan dengan SK Kepala Desa"


def _officials(kadus_position: str):
    def official(nik, name, position, sex="L"):
        return worker_row(
            nik, name, position=position, sex=sex, wage="2000000", segment="village_official"
        )

    return [
        official(KADES, "La Ode Muhammad Sabaruddin", "Kepala Desa"),
        official(SEKDES, "Wa Ode Nurhayati", "Sekretaris Desa", "P"),
        official(KAUR, "Andi Baso Tenri", "Kaur Keuangan"),
        official(KASI, "Sitti Aminah", "Kasi Pemerintahan", "P"),
        official(KADUS, "Asrul Tawulo", kadus_position),  # also a Dinkes worker this month
    ]


@pytest.fixture
def wunduhaka(reference_data):
    """Desa Wunduhaka (Konawe Utara) with no roster yet; Dinas Kesehatan (outside the village
    treasurer's scope) already has Asrul on this month's verified roster."""
    konut = Regency.objects.get(code="74.09")
    village = factories.VillageUnitFactory(village=Village.objects.get(code="74.09.01.2020"))
    dinkes = factories.OpdFactory(regency=konut, code="74.09-DINKES", name="Dinas Kesehatan")
    verified_roster(dinkes, THIS_MONTH, [worker_row(KADUS, "Asrul Tawulo", position="Perawat")])
    person("nurlia", "Nurlia", "Lapadi", role=Role.VILLAGE_TREASURER, work_units=[village])
    person(
        "fitri", "Fitri", "Lakidende", role=Role.BRANCH_STAFF,
        branch_office=BranchOffice.objects.get(short_name="Kendari"),
    )  # fmt: skip
    return village


def _phone_fits(page, viewport):
    if viewport is PHONE:
        expect_no_sideways_scroll(page)


def _upload(page, path):
    page.get_by_label("Berkas roster").set_input_files(path)
    page.get_by_role("button", name="Periksa berkas").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_village_treasurer_sees_a_double_enrolment_and_a_returned_rosters_reason(
    wunduhaka, open_page, artifacts, tmp_path, viewport, axe_pages
):
    name = f"village-treasurer-{viewport['width']}"
    first = tmp_path / "perangkat-desa.csv"
    first.write_bytes(roster_csv(_officials("Staf")).read())
    fixed = tmp_path / "perangkat-desa-diperbaiki.csv"
    fixed.write_bytes(roster_csv(_officials("Kepala Dusun I")).read())
    page = open_page(viewport=viewport)
    log_in(page, "nurlia")
    expect(page.locator("#user-tools")).to_contain_text("Nurlia")

    # the start page says this month's roster is due, and opens the upload for it
    page.get_by_role("link", name="Unggah roster 74.09.01.2020 bulan ini").click()
    expect(page.get_by_label("Bulan")).to_have_value(MONTH)
    _upload(page, first)

    # the preview: one NIK is already on another unit's roster this month, not named
    problems = page.locator("#preview-problems")
    expect(page.locator("#preview-problems tbody tr")).to_have_count(1)  # only the double
    expect(problems).to_contain_text(f"Pendaftaran ganda: NIK {KADUS}")
    expect(problems).to_contain_text(f"bulan {MONTH}")
    expect(problems).to_contain_text("1 unit lain di luar cakupan Anda")
    expect(page.locator("#content")).not_to_contain_text("DINKES")
    expect(page.locator("#content")).not_to_contain_text("Dinas Kesehatan")
    _phone_fits(page, viewport)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-1-double")
    page.get_by_role("button", name="Simpan roster").click()
    expect(page.locator(".messagelist")).to_contain_text("disimpan: 5 baru")
    roster_url = page.url

    # the branch office sends it back, with the reason
    officer = open_page(viewport=DESKTOP)
    log_in(officer, "fitri")
    officer.goto(roster_url)
    officer.get_by_role("link", name="Kembalikan dengan alasan").click()
    officer.get_by_label("Alasan pengembalian").fill(REASON)
    officer.get_by_role("button", name="Kembalikan").click()
    expect(officer.locator(".messagelist")).to_contain_text("dikembalikan")

    # the treasurer's start page says so, with the reason and a way to fix it
    page.goto("/admin/")
    returned = page.locator(".dash-returned")
    expect(returned).to_contain_text("Pemerintah Desa Wunduhaka")
    expect(returned).to_contain_text(REASON)
    _phone_fits(page, viewport)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-2-returned")
    returned.get_by_role("link", name="Perbaiki dan unggah ulang").click()
    expect(page.get_by_label("Unit kerja")).to_have_value(str(wunduhaka.pk))
    expect(page.get_by_label("Bulan")).to_have_value(MONTH)
    _phone_fits(page, viewport)
    axe_pages(page)
    _upload(page, fixed)
    expect(page.locator(".preview-updated")).to_contain_text("Kepala Dusun I")
    page.get_by_role("button", name="Simpan roster").click()
    expect(page.locator(".messagelist")).to_contain_text("1 berubah")
    assert Roster.objects.get(unit=wunduhaka, period=THIS_MONTH).status == "submitted"

    page.goto("/admin/")
    expect(page.locator(".dash-returned")).to_have_count(0)
    _phone_fits(page, viewport)
    assert not page.js_errors
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-3-start")
