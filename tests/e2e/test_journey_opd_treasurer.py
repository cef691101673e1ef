"""Journey: an OPD treasurer sends this month's roster, fixes the two rows it refuses, and sees
the bill once the branch office has verified it. At 1366×768 and on a 390-px phone.

It ends on the bill: its lines, the .xlsx, the printable A4 page, and a payment recorded
from the bill ("Catat pembayaran"), after which the bill reads "Lunas".

Not yet in this journey (its page is being built, #10): the start page saying this month's
roster is due.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from enrollment.models import Bill, Membership, Roster, month_name
from regencies.models import BranchOffice, Regency
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

# Last month is verified; the treasurer sends this month's roster (due dates in the future,
# so the bill carries no fines).
THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
MONTH = f"{THIS_MONTH:%Y-%m}"
with translation.override("id"):  # how the bill list and the payment form name a month
    MONTH_NAME, LAST_MONTH_NAME = month_name(THIS_MONTH), month_name(LAST_MONTH)
ANI, BUDI, CAHYA, CITRA, DEDI, EKA = (make_nik(n) for n in range(1, 7))


@pytest.fixture
def dlhk(reference_data):
    """DLHK with last month verified: Ani, Budi and Cahya at Rp 2.500.000."""
    unit = factories.OpdFactory(
        regency=Regency.objects.get(code="74.71"), code="74.71-DLHK", name="Dinas Lingkungan Hidup"
    )
    verified_roster(
        unit,
        LAST_MONTH,
        [worker_row(ANI, "Ani"), worker_row(BUDI, "Budi"), worker_row(CAHYA, "Cahya")],
    )
    person("hasnah", "Hasnah", "Tamburaka", role=Role.OPD_TREASURER, work_units=[unit])
    person(
        "fitri", "Fitri", "Lakidende", role=Role.BRANCH_STAFF,
        branch_office=BranchOffice.objects.get(short_name="Kendari"),
    )  # fmt: skip
    return unit


def _fill(sheet, rows):
    headers = [cell.value for cell in sheet[1]]
    for number, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(number, headers.index(header) + 1, value)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_opd_treasurer_sends_the_roster_fixes_it_sees_the_bill_and_pays_it(
    dlhk, open_page, artifacts, tmp_path, viewport, axe_pages
):
    name = f"treasurer-{viewport['width']}"
    page = open_page(viewport=viewport)
    page.goto("/admin/login/")
    axe_pages(page)
    log_in(page, "hasnah")
    expect(page.locator("#user-tools")).to_contain_text("Hasnah")
    axe_pages(page)

    # the template
    page.get_by_role("link", name="Daftar pekerja (roster)").first.click()
    axe_pages(page)
    with page.expect_download() as template:
        page.get_by_role("link", name="Unduh templat (.xlsx)").click()
    workbook = workbook_from_download(template.value)
    born, start = dt.date(1990, 8, 17), dt.date(2020, 1, 1)
    base = {"Tanggal Lahir": born, "Jenis Kelamin": "L", "Jabatan": "Staf",
            "Kategori": "non_asn", "Upah": 2_500_000, "TMT": start}  # fmt: skip
    _fill(
        workbook["Roster"],
        [
            {**base, "NIK": ANI, "Nama": "Ani", "Upah": 2_700_000},  # a raise
            {**base, "NIK": BUDI, "Nama": "Budi"},
            {**base, "NIK": CITRA, "Nama": "Citra"},
            {**base, "NIK": DEDI[:12], "Nama": "Dedi"},  # row 5: NIK cut short
            {**base, "NIK": EKA, "Nama": "Eka", "Upah": -2_500_000},  # row 6: negative wage
        ],
    )
    first = tmp_path / "roster-februari.xlsx"
    workbook.save(first)

    # the first upload is refused, row by row
    page.get_by_role("link", name="Unggah roster").click()
    axe_pages(page)
    page.get_by_label("Bulan").fill(MONTH)
    page.get_by_label("Berkas roster").set_input_files(first)
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator(".errornote")).to_contain_text("Berkas ditolak")
    problems = page.locator("#preview-problems")
    expect(problems).to_contain_text("Roster!5:NIK")
    expect(problems).to_contain_text("Roster!6:Upah")
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-1-refused")

    # the annotated workbook, corrected and sent again as it is
    with page.expect_download() as annotated:
        page.get_by_role("link", name="Unduh berkas Anda dengan kolom Kesalahan").click()
    workbook = workbook_from_download(annotated.value)
    sheet = workbook["Roster"]
    headers = [cell.value for cell in sheet[1]]
    assert "Kesalahan" in headers
    notes = headers.index("Kesalahan") + 1
    assert sheet.cell(5, notes).value.startswith("NIK")
    assert sheet.cell(6, notes).value.startswith("Upah")
    sheet.cell(5, headers.index("NIK") + 1, DEDI)
    sheet.cell(6, headers.index("Upah") + 1, 2_500_000)
    fixed = tmp_path / "roster-februari-diperbaiki.xlsx"
    workbook.save(fixed)

    page.get_by_role("link", name="Unggah roster").click()
    page.get_by_label("Bulan").fill(MONTH)
    page.get_by_label("Berkas roster").set_input_files(fixed)
    page.get_by_role("button", name="Periksa berkas").click()

    # the preview: summary, contribution and decision first
    # rows, new, changed, unchanged, left
    expect(page.locator("#preview-summary tbody td")).to_have_text(["5", "3", "1", "1", "1"])
    # JKK 0,24% + JKM 0,30%: last month 3 × 13.500; this month Ani 6.480 + 8.100 and 4 × 13.500
    expect(page.locator("#contribution-change")).to_contain_text(
        "Rp 40.500 → Rp 68.580 (+Rp 28.080)"
    )
    expect(page.locator(".preview-updated")).to_contain_text("Upah: Rp 2.500.000 → Rp 2.700.000")
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-2-preview")
    page.get_by_role("button", name="Simpan roster").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "disimpan: 3 baru, 1 berubah, 1 tetap, 1 keluar."
    )
    roster_url = page.url
    axe_pages(page)
    assert Roster.objects.get(unit=dlhk, period=THIS_MONTH).entry_count == 5

    # the branch office verifies it (asked first, told in people)
    officer = open_page(viewport=DESKTOP)
    log_in(officer, "fitri")
    officer.goto(roster_url)
    officer.get_by_role("link", name="Verifikasi roster…").click()
    expect(officer.locator("#verify-effects tbody td")).to_have_text(
        [re.compile("^Dinas Lingkungan Hidup, "), "5", "3", "1"]
    )
    axe_pages(officer)
    officer.get_by_role("button", name="Ya, verifikasi").click()
    expect(officer.locator(".messagelist")).to_contain_text(
        "3 pekerja mulai terlindungi (JKK + JKM), 1 pekerja berhenti terlindungi."
    )
    assert Membership.objects.filter(unit=dlhk, end__isnull=True).count() == 2 * 5

    # the treasurer sees the bill and its lines
    page.goto("/admin/")
    page.get_by_role("link", name="Tagihan iuran").first.click()
    axe_pages(page)
    row = page.locator("#result_list tbody tr", has_text=MONTH_NAME)
    expect(row).to_contain_text("Rp 68.580")
    # the key columns first: paid, unpaid and status are in view, not scrolled off to the right
    box = page.locator("#changelist .results").bounding_box()
    for column in ("total_rp", "paid_rp", "unpaid_rp", "status_display"):
        head = page.locator(f"#result_list thead th.column-{column}").bounding_box()
        assert head["x"] + head["width"] <= box["x"] + box["width"] + 1 or viewport is PHONE
    if viewport is PHONE:
        expect_no_sideways_scroll(page)  # the table scrolls inside its box
    screenshot(page, artifacts, f"{name}-3-bill-list")
    row.locator("th a, td a").first.click()
    # the lines have a paginated page of their own, linked from the bill (#13)
    page.get_by_role("link", name="lihat baris tagihan").click()
    lines = page.locator("#result_list")
    for nik in (ANI, BUDI, CITRA, DEDI, EKA):
        expect(lines).to_contain_text(nik)
    bill = Bill.objects.get(unit=dlhk, period=THIS_MONTH)
    assert bill.total == 68_580
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-3-bill-lines")

    # back on the bill: what is left to pay, the JKK/JKM split, the .xlsx and the A4 page
    page.go_back()
    summary = page.locator("#bill-summary")
    expect(summary).to_contain_text("Rp 68.580")
    expect(page.locator("#bill-status")).to_contain_text("Belum dibayar")
    expect(page.locator(".field-programmes_display")).to_contain_text("JKK")
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-4-bill")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh .xlsx").click()
    workbook = workbook_from_download(download.value)
    header, *rows = workbook["Baris"].iter_rows(values_only=True)
    assert sorted(row[header.index("NIK")] for row in rows) == sorted(
        [ANI, BUDI, CITRA, DEDI, EKA]
    )
    page.get_by_role("link", name="Cetak (A4)").click()
    printable = page.locator("#bill-lines")
    for nik in (ANI, BUDI, CITRA, DEDI, EKA):
        expect(printable).to_contain_text(nik)
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    axe_pages(page)
    page.emulate_media(media="print")
    expect(page.locator("#header")).to_be_hidden()
    screenshot(page, artifacts, f"{name}-5-bill-a4")
    page.emulate_media(media="screen")
    page.go_back()

    # the payment, from the bill: unit, bill and amount are filled in
    page.get_by_role("link", name="Catat pembayaran").click()
    expect(page.locator("#id_bill option:checked")).to_contain_text(f"{MONTH_NAME} — belum dibayar")
    expect(page.locator("#id_amount")).to_have_value("68580")
    expect(page.locator(".field-unit .select2-selection__rendered")).to_contain_text("74.71-DLHK")
    # when the unit changes, the bill choice is asked again (the unit's unpaid bills only)
    page.evaluate("document.getElementById('id_bill').options.length = 1")
    page.evaluate("django.jQuery('#id_unit').trigger('change')")
    expect(page.locator("#id_bill option")).to_have_text(  # last month is unpaid too
        ["---------", re.compile(f"^{LAST_MONTH_NAME} "), re.compile(f"^{MONTH_NAME} ")]
    )
    page.locator("#id_bill").select_option(value=str(bill.pk))
    page.get_by_label("Tanggal bayar").fill(f"{timezone.localdate():%d-%m-%Y}")
    page.get_by_label("Referensi").fill("SP2D-0042")
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-6-payment")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("berhasil")
    expect(page.locator("#bill-status")).to_contain_text("Lunas")
    expect(page.get_by_role("link", name="Catat pembayaran")).to_have_count(0)
    assert Bill.objects.with_paid().get(pk=bill.pk).paid == 68_580
    if viewport is PHONE:
        expect_no_sideways_scroll(page)
    assert not page.js_errors
    axe_pages(page)
    screenshot(page, artifacts, f"{name}-7-bill-paid")
