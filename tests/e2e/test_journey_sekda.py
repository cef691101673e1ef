"""Journey: the regional secretary (Sekda) of Konawe Utara opens the dashboard, drills down from
the regency's figures to a village's rosters month by month, exports the table, opens the
regency's agreement page and the budget forecast; the last two also on a 390-px phone.
"""

import datetime as dt

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from enrollment.models import month_name
from mou.models import Agreement
from regencies.models import Regency, Village
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
    workbook_from_download,
)
from tests.enrollment.conftest import worker_row
from tests.factories import make_nik

pytestmark = JOURNEY

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def konawe_utara(reference_data):
    """Setda (this month), Dinas Kesehatan (nothing sent) and Desa Wunduhaka (last month and
    this month) in Konawe Utara; an MoU with the Kendari branch in force; Kota Kendari's unit
    is outside the Sekda's scope."""
    konut = Regency.objects.get(code="74.09")
    setda = factories.OpdFactory(regency=konut, code="74.09-SETDA", name="Sekretariat Daerah")
    factories.OpdFactory(regency=konut, code="74.09-DINKES", name="Dinas Kesehatan")
    village = factories.VillageUnitFactory(village=Village.objects.get(code="74.09.01.2020"))
    kendari = factories.OpdFactory(
        regency=Regency.objects.get(code="74.71"), code="74.71-DLHK", name="Dinas Lingkungan Hidup"
    )
    officials = [
        worker_row(make_nik(n), f"Perangkat {n}", segment="village_official", wage="2000000")
        for n in range(401, 405)
    ]
    verified_roster(village, LAST_MONTH, officials[:3])
    verified_roster(village, THIS_MONTH, officials)
    verified_roster(setda, THIS_MONTH, [worker_row(make_nik(n), f"Staf {n}") for n in (411, 412)])
    verified_roster(kendari, THIS_MONTH, [worker_row(make_nik(421), "Staf Kendari")])
    factories.AgreementFactory(
        regency=konut, number="12/MOU/KONUT/2025", title="Perlindungan pekerja non-ASN dan perangkat desa",
        signed_on=dt.date(2025, 1, 10), valid_from=dt.date(2025, 1, 10),
        valid_until=TODAY + dt.timedelta(days=400),
    )  # fmt: skip
    person("rahmat", "Rahmat", "Saranani", role=Role.SEKDA, regency=konut)
    return village


def test_sekda_drills_down_exports_and_reads_the_agreement_and_the_forecast(
    konawe_utara, open_page, artifacts, axe_pages
):
    page = open_page(viewport=DESKTOP)
    log_in(page, "rahmat")
    expect(page.locator("#user-tools")).to_contain_text("Rahmat")

    # the regency, unit by unit
    expect(page.locator("#content h2").first).to_contain_text(
        "Cakupan per OPD dan desa, Kabupaten Konawe Utara"
    )
    table = page.locator(".dash-table tbody")
    for code in ("74.09-SETDA", "74.09-DINKES", "74.09.01.2020"):
        expect(table).to_contain_text(code)
    expect(table).not_to_contain_text("74.71-DLHK")
    total = table.locator("tr.total")
    expect(total.locator("td").nth(5)).to_have_text("3")  # units
    expect(total.locator("td").nth(9)).to_have_text("1")  # units without a roster: Dinkes
    axe_pages(page)
    screenshot(page, artifacts, "sekda-1-dashboard")

    # the export is the table
    with page.expect_download() as exported:
        page.get_by_role("link", name="Unduh .xlsx").click()
    sheet = workbook_from_download(exported.value).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert {"74.09-SETDA", "74.09-DINKES", "74.09.01.2020"} <= set(codes)
    assert "74.71-DLHK" not in codes

    # down to the village: its rosters, month by month
    table.get_by_role("link", name="Pemerintah Desa Wunduhaka").click()
    rosters = page.locator("#result_list tbody tr")
    expect(rosters).to_have_count(2)
    with translation.override("id"):  # the list names the month ("November 2026")
        expect(rosters.nth(0)).to_contain_text(month_name(THIS_MONTH))
        expect(rosters.nth(1)).to_contain_text(month_name(LAST_MONTH))
    expect(page.locator("#result_list")).not_to_contain_text("74.09-SETDA")
    axe_pages(page)
    screenshot(page, artifacts, "sekda-2-village-rosters")

    # the agreement page of the regency
    page.goto("/admin/")
    page.get_by_role("link", name="Perjanjian (MoU/PKS/KSO)").click()
    for column in ("status_label", "valid_until"):  # key columns in view, beside the sidebar
        box = page.locator(f"#result_list thead th.column-{column}").bounding_box()
        assert box["x"] + box["width"] <= DESKTOP["width"], column
    axe_pages(page)
    screenshot(page, artifacts, "sekda-3-agreements")
    page.locator("#result_list").get_by_role("link", name="74.09 Kabupaten Konawe Utara").click()
    expect(page.locator("#agreements-in-force")).to_contain_text("12/MOU/KONUT/2025")
    expect_readable(page, axe_pages, artifacts, "sekda-4-agreement")
    agreement_url = page.url

    # the budget forecast for next year
    page.goto("/admin/")
    page.get_by_role("link", name="Tagihan iuran").first.click()
    page.get_by_role("link", name="Proyeksi anggaran").click()
    forecast = page.locator("#forecast-table")
    expect(forecast).to_contain_text("Pemerintah Desa Wunduhaka")
    expect(forecast).to_contain_text("Sekretariat Daerah")
    expect(forecast).not_to_contain_text("Dinas Lingkungan Hidup")
    expect(forecast.locator("tfoot")).to_contain_text("Rp ")
    # the unconfirmed rates are said in one line, their list folded until asked for
    rates = page.locator("#unconfirmed-rates")
    expect(rates.locator("summary")).to_contain_text("belum terkonfirmasi")
    expect(rates.locator("li").first).to_be_hidden()
    rates.locator("summary").click()
    expect(rates.locator("li").first).to_be_visible()
    rates.locator("summary").click()
    expect_readable(page, axe_pages, artifacts, "sekda-5-forecast")
    forecast_url = page.url
    assert not page.js_errors
    assert Agreement.objects.filter(regency__code="74.09").count() == 1

    # both on a phone: the tables scroll inside their box, the page does not
    phone = open_page(viewport=PHONE)
    log_in(phone, "rahmat")
    for url, name in ((agreement_url, "agreement"), (forecast_url, "forecast")):
        phone.goto(url)
        expect_no_sideways_scroll(phone)
        axe_pages(phone)
        screenshot(phone, artifacts, f"sekda-390-{name}")
    assert not phone.js_errors


def expect_readable(page, axe_pages, artifacts, name):
    axe_pages(page)
    expect_no_sideways_scroll(page)
    screenshot(page, artifacts, name)
