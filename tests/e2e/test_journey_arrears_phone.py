"""Journey: the provincial administrator reads the arrears on a phone (390 px): the totals per
regency and the units, key columns first, the table scrolling in its own box."""

from datetime import date

import pytest
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from enrollment.billing.services import bills_generate
from regencies.models import Regency
from tests import factories
from tests.e2e.conftest import JOURNEY, PHONE, expect_no_sideways_scroll, log_in, person, screenshot
from tests.enrollment.billing_helpers import verified_roster

pytestmark = JOURNEY
JAN = date(2025, 1, 1)


@pytest.fixture
def bills(reference_data):
    kendari, konut = Regency.objects.get(code="74.71"), Regency.objects.get(code="74.09")
    units = [
        factories.OpdFactory(regency=kendari, code="74.71-DLHK", name="Dinas Lingkungan Hidup"),
        factories.OpdFactory(regency=kendari, code="74.71-SATPOLPP", name="Satpol PP"),
        factories.OpdFactory(regency=konut, code="74.09-SETDA", name="Setda Konawe Utara"),
    ]
    for index, unit in enumerate(units):
        verified_roster(unit, JAN, [2_750_000] * (index + 1))
    bills_generate(period=JAN)
    person("ayu", "Ayu", "Mokodompit", role=Role.PROVINCE_ADMIN)


def test_the_arrears_page_reads_on_a_phone(bills, open_page, artifacts, axe_pages):
    page = open_page(viewport=PHONE)
    log_in(page, "ayu")
    page.goto("/admin/enrollment/bill/arrears/")
    expect(page.locator("#content h2").first).to_contain_text("3 unit menunggak")
    regencies = page.locator("#content table").first
    expect(regencies).to_contain_text("Konawe Utara")
    units = page.locator("#content table").nth(1)
    # most owed first; the unit and its arrears are the first two columns
    expect(units.locator("thead th").nth(1)).to_have_text("Tunggakan")
    expect(units.locator("tbody tr").first.locator("th")).to_contain_text("74.09-SETDA")
    expect(units.locator("tbody tr").first.locator("td").first).to_have_text("Rp 44.550")
    expect_no_sideways_scroll(page)
    axe_pages(page)
    screenshot(page, artifacts, "arrears-phone")
