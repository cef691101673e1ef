"""Journey: the provincial administrator creates a Sekda for Konawe Utara; logged in as that
Sekda, one sees Konawe Utara's units and nothing of Kota Kendari's.
"""

import pytest
from playwright.sync_api import expect

from bpjs_tracker.models import User
from bpjs_tracker.roles import Role
from regencies.models import Regency
from tests import factories
from tests.e2e.conftest import DESKTOP, JOURNEY, log_in, log_out, person, pick, screenshot

pytestmark = JOURNEY


@pytest.fixture
def province(reference_data):
    konut, kendari = Regency.objects.get(code="74.09"), Regency.objects.get(code="74.71")
    factories.OpdFactory(regency=konut, code="74.09-SETDA", name="Setda Konawe Utara")
    factories.OpdFactory(regency=konut, code="74.09-DINKES", name="Dinas Kesehatan Konawe Utara")
    hidden = factories.OpdFactory(regency=kendari, code="74.71-DLHK", name="Dinas Lingkungan Hidup")
    person("ayu", "Ayu", "Mokodompit", role=Role.PROVINCE_ADMIN)
    return hidden



def test_province_admin_creates_a_sekda_who_sees_only_that_regency(
    province, open_page, artifacts, axe_pages
):
    page = open_page(viewport=DESKTOP)
    log_in(page, "ayu")
    expect(page.locator("#user-tools")).to_contain_text("Ayu")
    expect(page.locator("#user-tools")).not_to_contain_text("Lihat situs")

    page.get_by_role("link", name="Pengguna", exact=True).first.click()
    page.locator(".object-tools a.addlink").click()
    page.locator("#id_username").fill("sekda_konut")
    page.locator("#id_password1").fill("Sandi-Konut-2026")
    page.locator("#id_password2").fill("Sandi-Konut-2026")
    page.locator("input[name=_continue]").click()

    page.locator("#id_regency + .select2").wait_for()  # axe after select2 has drawn its boxes
    axe_pages(page)
    page.locator("#id_first_name").fill("Rahmat")
    page.locator("#id_last_name").fill("Saranani")
    page.locator("#id_role").select_option(Role.SEKDA.value)
    pick(page, "regency", "Konawe Utara")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("sekda_konut")
    user = User.objects.get(username="sekda_konut")
    assert (user.role, user.regency.code) == (Role.SEKDA, "74.09")
    expect(page.locator("#result_list")).to_contain_text("Rahmat Saranani")

    log_out(page)
    log_in(page, "sekda_konut", "Sandi-Konut-2026")
    expect(page.locator("#user-tools")).to_contain_text("Rahmat")
    page.get_by_role("link", name="Unit kerja", exact=True).first.click()
    units = page.locator("#result_list")
    expect(units).to_contain_text("74.09-SETDA")
    expect(units).to_contain_text("74.09-DINKES")
    expect(units).not_to_contain_text("74.71-")
    assert not page.js_errors
    axe_pages(page)
    screenshot(page, artifacts, "province-admin-new-sekda-scope")

    # another regency's unit answers like a missing one
    response = page.goto(f"/admin/regencies/workunit/{province.pk}/change/")
    assert response.status == 404
