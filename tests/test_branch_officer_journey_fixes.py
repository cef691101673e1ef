"""What the branch officer's journey (tests/e2e/test_journey_branch_officer.py) found, each
fixed and held here without a browser: the queue's months and days, the start page's claims
links, the KPJ import on the membership list, and the claim page's names, dates and tables."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.dashboard.queues import branch_queues
from bpjs_tracker.roles import Role
from claims.models import Claim, ClaimStatusChange
from enrollment.models import Roster
from tests import factories

pytestmark = pytest.mark.django_db
WITA = dt.timezone(dt.timedelta(hours=8))


def _claim_page(client, claim):
    return client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()


@pytest.fixture
def approved_claim(world, branch_staff):
    """A claim with heirs, a document and three steps of history, all by the officer."""
    branch_staff.first_name, branch_staff.last_name = "Wa Ode", "Sitti Rahma"
    branch_staff.save()
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.APPROVED,
                                   documents_complete_on=dt.date(2021, 10, 18),
                                   created_by=branch_staff)  # fmt: skip
    factories.HeirFactory(claim=claim, name="Nurhaya", is_recipient=True)
    factories.ClaimDocumentFactory(claim=claim, uploaded_by=branch_staff)
    steps = [("draft", "submitted"), ("submitted", "verified"), ("verified", "approved")]
    for before, after in steps:
        ClaimStatusChange.objects.create(claim=claim, from_status=before, to_status=after,
                                         by=branch_staff, at=timezone.now())  # fmt: skip
    return claim


# -- the start page's queues ---------------------------------------------------------------------


def test_days_waiting_are_counted_in_wita_not_utc(world, branch_staff):
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=dt.date(2026, 11, 1))
    # 00:30 WITA on the 24th is 16:30 UTC on the 23rd: three days by the office's calendar.
    sent = dt.datetime(2026, 11, 24, 0, 30, tzinfo=WITA)
    Roster.objects.filter(pk=roster.pk).update(created_at=sent)
    waiting = branch_queues(user=branch_staff, today=dt.date(2026, 11, 27))["waiting"]
    assert [(w.roster.pk, w.days) for w in waiting] == [(roster.pk, 3)]


def test_the_queue_names_the_roster_month_and_links_to_the_claims_queues(
    client, world, branch_staff
):
    factories.RosterFactory(unit=world.kdi_dlhk, period=timezone.localdate().replace(day=1))
    client.force_login(branch_staff)
    page = client.get(reverse("admin:index")).content.decode()
    month = timezone.localdate().strftime("%m/%Y")
    assert f"74.71-DLHK {month}" not in page
    assert re.search(r"74\.71-DLHK (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|"
                     r"September|Oktober|November|Desember) \d{4}", page)  # fmt: skip
    claims = reverse("admin:claims_claim_changelist")
    for lateness in ("open", "late", "no_clock"):
        assert f'href="{claims}?terlambat={lateness}"' in page
    assert reverse("admin:claims_claim_add") in page


def test_the_roster_page_prints_the_month_not_its_first_day(client, world, branch_staff):
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=dt.date(2026, 11, 1))
    client.force_login(branch_staff)
    page = client.get(reverse("admin:enrollment_roster_change", args=[roster.pk])).content
    assert "November 2026" in page.decode()
    assert "1 Nov" not in page.decode()


def test_the_membership_list_offers_the_kpj_import_to_branch_staff_only(client, world):
    url = reverse("admin:enrollment_membership_changelist")
    kpj = reverse("admin:enrollment_membership_kpj")
    client.force_login(world.user(Role.BRANCH_STAFF))
    page = client.get(url).content.decode()
    assert f'href="{kpj}"' in page
    assert "export_link" in page  # the export stays beside it
    client.force_login(world.user(Role.SEKDA))
    assert f'href="{kpj}"' not in client.get(url).content.decode()


# -- the claim page ------------------------------------------------------------------------------


def test_people_on_the_claim_page_are_names_not_links_to_the_user_pages(
    client, branch_staff, approved_claim
):
    client.force_login(branch_staff)
    page = _claim_page(client, approved_claim)
    assert "/admin/bpjs_tracker/user/" not in page
    # created by, uploaded by, and each history step
    assert page.count("Wa Ode Sitti Rahma") >= 5


def test_the_claim_history_names_each_step_and_its_moment_in_wita(
    client, branch_staff, approved_claim
):
    client.force_login(branch_staff)
    page = _claim_page(client, approved_claim)
    for step in ("Draf → Diajukan", "Diajukan → Terverifikasi", "Terverifikasi → Disetujui"):
        assert step in page
    assert "draft → submitted" not in page
    assert str(approved_claim.status_changes.first()) == "Draf → Diajukan"
    first = ClaimStatusChange(claim=approved_claim, from_status="", to_status="draft")
    assert str(first) == "Dicatat → Draf"
    moment = timezone.localtime(approved_claim.status_changes.first().at)
    assert moment.strftime("%d-%m-%Y %H:%M") in page


def test_the_claim_page_has_no_empty_history_box(client, world, branch_staff):
    client.force_login(branch_staff)
    add = client.get(reverse("admin:claims_claim_add")).content.decode()
    assert "status_changes-group" not in add
    assert "Berkas lengkap sejak" not in add  # the process fields come with a claim
    draft = factories.ClaimFactory(unit=world.kdi_dlhk)
    assert "status_changes-group" not in _claim_page(client, draft)


def test_inline_rows_have_row_headers_and_scroll_inside_their_box(
    client, branch_staff, approved_claim
):
    client.force_login(branch_staff)
    page = _claim_page(client, approved_claim)
    for group in ("heirs", "documents", "status_changes"):
        block = page[page.index(f'id="{group}-group"') :]
        block = block[: block.index("</table>")]
        assert 'class="claim-table-scroll"' in block
        assert '<th scope="row"' in block, group
        assert 'class="original"' not in block


def test_the_claim_page_writes_every_date_one_way(client, branch_staff, approved_claim):
    client.force_login(branch_staff)
    page = _claim_page(client, approved_claim)
    assert "10-10-2021" in page  # date of death, read-only (claim approved)
    assert "18-10-2021" in page  # documents complete
    assert not re.search(r"\b\d{1,2} (Okt|Nov)\.? 2021\b", page)


def test_the_clock_says_working_days_for_the_deadline_and_calendar_days_for_what_is_left(
    client, world, branch_staff
):
    today = timezone.localdate()
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.VERIFIED,
                                   date_of_death=today, documents_complete_on=today)  # fmt: skip
    client.force_login(branch_staff)
    page = _claim_page(client, claim)
    clock = page[page.index('id="claim-clock"') :]
    clock = re.sub(r"\s+", " ", clock[: clock.index("</div>")])
    assert "(3 hari kerja sejak berkas lengkap)" in clock
    assert re.search(r"\(sisa \d+ hari kalender\)", clock), clock


def test_the_printed_summary_names_who_moved_the_claim(client, branch_staff, approved_claim):
    client.force_login(branch_staff)
    url = reverse("admin:claims_claim_summary", args=[approved_claim.pk])
    page = client.get(url).content.decode()
    assert "(Wa Ode Sitti Rahma)" in page
    assert f"({branch_staff.username})" not in page
