"""Journey: a BPJS branch officer (Kendari) works through the start page's queues — verifies the
oldest roster, imports KPJ numbers, settles a double enrolment — then files a death claim with
heirs and scanned documents, approves it, and reads the benefit and the service-level clock.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from bpjs_tracker.roles import Role
from claims.models import Claim
from enrollment.billing.calendar import add_working_days
from enrollment.models import DoubleEnrolmentResolution, Membership, Programme, Roster
from regencies.models import BranchOffice, Regency
from tests import factories
from tests.e2e.conftest import (
    DESKTOP,
    JOURNEY,
    PHONE,
    expect_no_sideways_scroll,
    log_in,
    person,
    pick,
    screenshot,
    verified_roster,
)
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import PDF_BYTES, make_nik

pytestmark = JOURNEY

THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)
DEATH = dt.date(2021, 10, 14)
WITA = dt.timezone(dt.timedelta(hours=8))
# A date written with a month's name ("14 Okt. 2021", "27 November 2026")
MONTH_WORDS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des)\w*\.? \d{4}\b")


def _uploaded(unit, rows, *, days_ago: int):
    """A roster sent `days_ago` days ago (WITA), just after midnight: a day earlier in UTC."""
    from enrollment.services.rosters import roster_import

    result = roster_import(unit=unit, period=THIS_MONTH, upload=roster_csv(rows))
    assert result.ok, result.errors
    sent = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=days_ago), dt.time(0, 30), tzinfo=WITA
    )
    Roster.objects.filter(pk=result.roster.pk).update(created_at=sent)
    return result.roster


@pytest.fixture
def branch(reference_data):
    """Kendari: Satpol PP's roster sent yesterday, DLHK's (12 workers) three days ago; one
    person on both Dinkes's and Bappeda's rosters; a DLHK worker who died in October 2021."""
    kendari = Regency.objects.get(code="74.71")
    unit = {
        code: factories.OpdFactory(regency=kendari, code=f"74.71-{code}", name=name)
        for code, name in [
            ("SATPOLPP", "Satuan Polisi Pamong Praja"),
            ("DLHK", "Dinas Lingkungan Hidup"),
            ("DINKES", "Dinas Kesehatan"),
            ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
        ]
    }
    _uploaded(unit["SATPOLPP"], [worker_row(make_nik(n), f"Anggota {n}") for n in range(301, 306)],
              days_ago=1)  # fmt: skip
    dlhk_rows = [worker_row(make_nik(n), f"Petugas Kebersihan {n}") for n in range(101, 113)]
    _uploaded(unit["DLHK"], dlhk_rows, days_ago=3)
    twice = worker_row(make_nik(401), "Hasan Lamaindi")
    verified_roster(unit["DINKES"], LAST_MONTH, [twice, worker_row(make_nik(402), "Rini Tosepu")])
    verified_roster(unit["BAPPEDA"], LAST_MONTH, [twice])
    deceased = factories.WorkerFactory(nik=make_nik(501), name="Laode Sabaruddin")
    old_roster = factories.RosterFactory(unit=unit["DLHK"], period=dt.date(2021, 1, 1),
                                         status=Roster.Status.VERIFIED)  # fmt: skip
    factories.RosterEntryFactory(roster=old_roster, worker=deceased, wage=3_000_000)
    for programme in (Programme.JKK, Programme.JKM):
        factories.MembershipFactory(worker=deceased, unit=unit["DLHK"], programme=programme,
                                    start=dt.date(2020, 1, 1), end=dt.date(2021, 10, 31))  # fmt: skip
    person("wa_ode", "Wa Ode", "Sitti Rahma", role=Role.BRANCH_STAFF,
           branch_office=BranchOffice.objects.get(short_name="Kendari"))  # fmt: skip
    return unit, dlhk_rows, deceased



def _add_row(page, group: str) -> int:
    """'Add another' in an inline group; the new row's index."""
    page.locator(f"#{group}-group .add-row a").click()
    return page.locator(f"#{group}-group tr.form-row.dynamic-{group}").count() - 1


SPOUSE_DOCUMENTS = [
    "Formulir klaim",
    "Surat/akta kematian",
    "Surat keterangan ahli waris",
    "Kartu peserta",
    "KTP almarhum/ah",
    "KTP ahli waris",
    "Kartu keluarga (KK)",
    "Buku tabungan ahli waris",
    "Buku nikah",
]


def test_branch_officer_verifies_imports_resolves_and_settles_a_death_claim(
    branch, open_page, artifacts, tmp_path, axe_pages
):
    unit, dlhk_rows, deceased = branch
    today = timezone.localdate()
    page = open_page(viewport=DESKTOP)
    log_in(page, "wa_ode")
    expect(page.locator("#user-tools")).to_contain_text("Wa Ode")

    # -- the verification queue: oldest first, days counted in WITA -----------------------
    queue = page.locator("#queue-rosters li")
    expect(queue).to_have_count(2)
    month = date_format(THIS_MONTH, "F Y")
    expect(queue.nth(0)).to_contain_text(f"74.71-DLHK {month}")
    expect(queue.nth(0)).to_contain_text("3 hari menunggu")
    expect(queue.nth(1)).to_contain_text(f"74.71-SATPOLPP {month}")
    expect(queue.nth(1)).to_contain_text("1 hari menunggu")
    # the claims queues are one click away from the start page
    expect(page.locator("#queue-claims").get_by_role("link", name="Menunggu")).to_be_visible()
    expect(page.locator("#queue-claims").get_by_role("link", name="Terlambat")).to_be_visible()
    axe_pages(page)

    queue.nth(0).get_by_role("link").click()
    expect(page.locator(".field-period_label")).to_contain_text(month)
    page.get_by_role("link", name="Verifikasi roster…").click()
    expect(page.locator("#verify-effects")).to_contain_text("12")
    axe_pages(page)
    page.get_by_role("button", name="Ya, verifikasi").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "12 pekerja mulai terlindungi (JKK + JKM)"
    )
    roster = Roster.objects.get(unit=unit["DLHK"], period=THIS_MONTH)
    assert roster.status == Roster.Status.VERIFIED
    assert Membership.objects.filter(unit=unit["DLHK"], end__isnull=True).count() == 24

    # -- KPJ numbers, from the membership list --------------------------------------------
    page.goto("/admin/")
    page.get_by_role("link", name="Kepesertaan", exact=True).click()
    page.get_by_role("link", name="Impor nomor KPJ").click()
    kpj_file = tmp_path / "kpj-dlhk.csv"
    kpj_file.write_text(
        "NIK,KPJ\n" + "".join(f"{row[0]},{25010000100 + i}\n" for i, row in enumerate(dlhk_rows))
    )
    page.locator("input[type=file]").set_input_files(kpj_file)
    page.locator("form[enctype] input[type=submit]").click()
    expect(page.locator("#content-main")).to_contain_text("24 kepesertaan akan mendapat nomor KPJ")
    axe_pages(page)
    page.get_by_role("button", name="Simpan nomor KPJ").click()
    expect(page.locator(".messagelist")).to_contain_text("24 nomor KPJ disimpan")
    assert not Membership.objects.filter(unit=unit["DLHK"], end__isnull=True, kpj="").exists()

    # -- a double enrolment, settled from the start page ----------------------------------
    page.goto("/admin/")
    double = page.locator("#queue-doubles li", has_text="Hasan Lamaindi")
    double.get_by_label("Keputusan").select_option(label="74.71-DINKES mempertahankan")
    double.get_by_role("button", name="Putuskan").click()
    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator("#queue-doubles")).not_to_contain_text("Hasan Lamaindi")
    assert DoubleEnrolmentResolution.objects.filter(worker__nik=make_nik(401)).exists()

    # -- a death claim: heirs, scanned documents --------------------------------------------
    page.goto("/admin/claims/claim/add/")
    pick(page, "unit", unit["DLHK"].name)
    pick(page, "worker", "Laode Sabaruddin")
    page.locator("#id_programme").select_option("JKM")
    page.locator("#id_date_of_death").fill(f"{DEATH:%d-%m-%Y}")
    page.locator("#id_place_of_death").fill("RSUD Kota Kendari")
    page.locator("#id_cause_of_death").fill("Sakit")
    page.locator("#id_reported_on").fill("18-10-2021")
    page.locator("#id_reported_by").fill("Nurhaya (istri)")
    row = _add_row(page, "heirs")
    page.locator(f"#id_heirs-{row}-name").fill("Nurhaya")
    page.locator(f"#id_heirs-{row}-nik").fill(make_nik(502, sex="P"))
    page.locator(f"#id_heirs-{row}-relationship").select_option("spouse")
    page.locator(f"#id_heirs-{row}-is_recipient").check()
    page.locator(f"#id_heirs-{row}-bank_name").fill("Bank Sultra")
    page.locator(f"#id_heirs-{row}-account_number").fill("0012345678")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF_BYTES)
    for kind in SPOUSE_DOCUMENTS:
        row = _add_row(page, "documents")
        page.locator(f"#id_documents-{row}-kind").select_option(label=kind)
        page.locator(f"#id_documents-{row}-file").set_input_files(scan)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("berhasil")
    claim = Claim.objects.get(worker=deceased)
    assert claim.heirs.count() == 1 and claim.documents.count() == len(SPOUSE_DOCUMENTS)
    assert claim.documents_complete_on == today

    for action in ("Ajukan ke kantor cabang", "Verifikasi", "Setujui"):
        page.locator(".object-tools").get_by_role("button", name=action).click()
        expect(page.locator(".messagelist")).to_contain_text(f"Klaim {claim}")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED

    # -- what the officer reads: the benefit, the clock, the history ------------------------
    benefit = page.locator("#claim-benefit")
    expect(benefit).to_contain_text("PP 82/2019")
    expect(benefit).to_contain_text("Rp 42.000.000")
    clock = page.locator("#claim-clock")
    deadline = add_working_days(today, 3)  # JKM under PP 82/2019: 3 working days
    expect(clock).to_contain_text(f"batas bayar {deadline:%d-%m-%Y}")
    expect(clock).to_contain_text("3 hari kerja sejak berkas lengkap")
    history = page.locator("#status_changes-group")
    for step in ("Draf → Diajukan", "Diajukan → Terverifikasi", "Terverifikasi → Disetujui"):
        expect(history.get_by_role("cell", name=step)).to_be_visible()
    expect(history).to_contain_text("Wa Ode Sitti Rahma")
    # names are plain text: the user pages are the administrator's, not the officer's
    assert page.locator("#content-main a[href*='/admin/bpjs_tracker/user/']").count() == 0
    # one date format on the page (14-10-2021, as typed in the form), never "14 Okt. 2021"
    main = page.locator("#content-main").inner_text()
    assert not MONTH_WORDS.search(main), MONTH_WORDS.findall(main)
    expect(page.locator("#content-main .field-date_of_death")).to_contain_text("14-10-2021")
    assert not page.js_errors
    axe_pages(page)
    screenshot(page, artifacts, "branch-officer-claim")

    # -- the claim page on a phone: tables scroll inside their box ---------------------------
    phone = open_page(viewport=PHONE)
    log_in(phone, "wa_ode")
    phone.goto(f"/admin/claims/claim/{claim.pk}/change/")
    expect(phone.locator("#claim-benefit")).to_contain_text("Rp 42.000.000")
    expect_no_sideways_scroll(phone)
    heirs = phone.locator("#heirs-group .claim-table-scroll")
    box = heirs.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    heirs.screenshot(path=artifacts / "branch-officer-heirs-390.png")
    axe_pages(phone)
    screenshot(phone, artifacts, "branch-officer-claim-390")
