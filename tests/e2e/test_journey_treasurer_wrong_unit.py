"""Journey: a treasurer of two units uploads Bagian SDA's file with Damkar selected, and is
stopped before anyone's cover ends.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from enrollment.models import Membership, Roster
from regencies.models import Regency
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
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def two_units(reference_data):
    """Damkar: 12 workers covered since last month. Bagian SDA: 6 workers, this month's
    roster already sent. The treasurer keeps both units' rosters."""
    from enrollment.services.rosters import roster_import

    kendari = Regency.objects.get(code="74.71")
    damkar = factories.OpdFactory(
        regency=kendari, code="74.71-DAMKAR", name="Dinas Pemadam Kebakaran"
    )
    sda = factories.OpdFactory(regency=kendari, code="74.71-SDA", name="Bagian Sumber Daya Alam")
    verified_roster(
        damkar, LAST_MONTH, [worker_row(make_nik(n), f"Petugas {n}") for n in range(1, 13)]
    )
    sda_rows = [worker_row(make_nik(n), f"Staf SDA {n}") for n in range(201, 207)]
    roster_import(unit=sda, period=THIS_MONTH, upload=roster_csv(sda_rows))
    person("irwan", "Irwan", "Halu", role=Role.OPD_TREASURER, work_units=[damkar, sda])
    return damkar, sda_rows


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_another_units_file_is_stopped_before_any_cover_ends(
    two_units, open_page, artifacts, tmp_path, axe_pages, viewport
):
    damkar, sda_rows = two_units
    covered = Membership.objects.filter(unit=damkar, end__isnull=True).count()
    assert covered == 2 * 12
    sda_file = tmp_path / "roster-sda.csv"
    sda_file.write_bytes(roster_csv(sda_rows).read())

    page = open_page(viewport=viewport)
    log_in(page, "irwan")
    page.goto("/admin/enrollment/roster/upload/")
    page.get_by_label("Unit kerja").select_option(label="74.71-DAMKAR Dinas Pemadam Kebakaran")
    page.get_by_label("Bulan").fill(f"{THIS_MONTH:%Y-%m}")
    page.get_by_label("Berkas roster").set_input_files(sda_file)
    page.get_by_role("button", name="Periksa berkas").click()

    # said at the top, in plain words, on the first screen
    warning = page.locator("#suspect-upload")
    expect(warning).to_contain_text("berkas ini tampaknya bukan roster Dinas Pemadam Kebakaran")
    expect(warning).to_contain_text("12 dari 12 pekerja Dinas Pemadam Kebakaran tidak ada")
    expect(warning).to_contain_text(
        "6 dari 6 pekerja baru di berkas ini sudah ada di roster unit lain"
    )
    save = page.get_by_role("button", name="Saya yakin, simpan roster")
    if viewport == DESKTOP:
        assert save.bounding_box()["y"] + save.bounding_box()["height"] < DESKTOP["height"]
    else:  # the preview fits the phone's width: its tables scroll inside their boxes
        expect_no_sideways_scroll(page)

    # one click is not enough: the box must be filled (the browser says so) ...
    save.click()
    expect(page.get_by_label("Untuk tetap menyimpan")).to_be_focused()
    # ... and "ya" is not the unit's name
    page.get_by_label("Untuk tetap menyimpan").fill("ya")
    save.click()
    expect(page.locator(".messagelist")).to_contain_text(
        "ketik nama unit (Dinas Pemadam Kebakaran) atau kodenya (74.71-DAMKAR)"
    )

    assert not Roster.objects.filter(unit=damkar, period=THIS_MONTH).exists()
    assert Membership.objects.filter(unit=damkar, end__isnull=True).count() == covered
    assert not page.js_errors
    axe_pages(page)
    screenshot(page, artifacts, f"treasurer-wrong-unit-{viewport['width']}")

    page.get_by_role("link", name="Batal, unggah berkas lain").click()
    expect(page.get_by_role("button", name="Periksa berkas")).to_be_visible()
