"""Rosters, uploads, bills and payments are named by their unit and month; a read-only link
leads only to a page the viewer may open; each user is greeted by their own name (#12)."""

from datetime import date

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from claims.models import Claim
from enrollment.models import Bill, Payment, Roster, RosterUpload
from tests import factories


def test_rosters_bills_and_payments_read_as_the_unit_and_its_month(world):
    unit = world.konut_village  # "Pemerintah Desa <name>"
    november = date(2026, 11, 1)

    assert str(Roster(unit=unit, period=november)) == f"{unit.name}, November 2026"
    assert str(Bill(unit=unit, period=date(2026, 10, 1))) == f"{unit.name}, Oktober 2026"
    upload = RosterUpload(unit=unit, period=november, status=RosterUpload.Status.IMPORTED)
    assert str(upload) == f"{unit.name}, November 2026 (Diimpor)"
    payment = Payment(unit=unit, paid_on=date(2026, 8, 17), reference="TRX-9")
    assert str(payment) == f"{unit.name}, 17 Agustus 2026 (TRX-9)"
    with translation.override("en"):
        assert str(Bill(unit=unit, period=date(2026, 10, 1))) == f"{unit.name}, October 2026"


def test_the_roster_page_title_and_breadcrumbs_name_the_unit(client, world, village_treasurer):
    unit = world.konut_village
    roster = factories.RosterFactory(unit=unit, period=date(2026, 11, 1))
    client.force_login(village_treasurer)

    page = client.get(reverse("admin:enrollment_roster_change", args=[roster.pk])).content.decode()

    title = page[page.index("<title>") : page.index("</title>")]
    assert f"{unit.name}, November 2026" in title
    crumbs = page[page.index('class="breadcrumbs"') :]
    assert f"{unit.name}, November 2026" in crumbs[: crumbs.index("</div>")]


def _upload(unit, by) -> RosterUpload:
    return RosterUpload.objects.create(
        unit=unit,
        period=date(2025, 1, 1),
        file=ContentFile(b"NIK\n", name="roster.csv"),
        original_name="roster-januari.csv",
        uploaded_by=by,
    )


def test_the_upload_page_names_the_uploader_and_downloads_through_the_scope(
    client, world, opd_treasurer
):
    opd_treasurer.first_name, opd_treasurer.last_name = "Hasnah", "Tamburaka"
    opd_treasurer.save()
    upload = _upload(world.kdi_dlhk, opd_treasurer)
    client.force_login(opd_treasurer)

    page = client.get(reverse("admin:enrollment_rosterupload_change", args=[upload.pk]))
    text = page.content.decode()

    assert page.status_code == 200 and "Hasnah Tamburaka" in text
    assert reverse("admin:bpjs_tracker_user_change", args=[opd_treasurer.pk]) not in text
    download = reverse("admin:enrollment_roster_upload_file", args=[upload.pk])
    assert f'href="{download}"' in text and upload.file.url not in text
    assert client.get(download).status_code == 200


def test_a_read_only_user_link_shows_only_for_who_may_open_the_users_page(
    client, world, opd_treasurer, province_admin
):
    # A payment's "recorded by" is a read-only foreign key to the user (the claim page names
    # people as plain text for everyone).
    payment = Payment.objects.create(
        unit=world.kdi_dlhk,
        amount=100_000,
        paid_on=date(2026, 11, 12),
        reference="TRX-1",
        recorded_by=opd_treasurer,
    )
    user_page = reverse("admin:bpjs_tracker_user_change", args=[opd_treasurer.pk])
    payment_page = reverse("admin:enrollment_payment_change", args=[payment.pk])

    client.force_login(opd_treasurer)
    as_treasurer = client.get(payment_page).content.decode()
    client.force_login(province_admin)
    as_province = client.get(payment_page).content.decode()

    assert opd_treasurer.username in as_treasurer and user_page not in as_treasurer
    assert f'href="{user_page}"' in as_province


def test_a_read_only_link_to_a_row_outside_the_scope_is_plain_text(
    client, world, opd_treasurer, province_admin
):
    # The deceased was never on a roster of the treasurer's unit: their worker page is out of
    # the treasurer's scope (404), so the claim names them without a link.
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.VERIFIED)
    worker_page = reverse("admin:enrollment_worker_change", args=[claim.worker.pk])
    claim_page = reverse("admin:claims_claim_change", args=[claim.pk])
    client.force_login(opd_treasurer)

    page = client.get(claim_page).content.decode()

    assert claim.worker.name in page and worker_page not in page
    assert client.get(worker_page).status_code == 404
    unit_page = reverse("admin:regencies_workunit_change", args=[world.kdi_dlhk.pk])
    assert f'href="{unit_page}"' in page  # their own unit: viewable, linked
    client.force_login(province_admin)
    assert f'href="{worker_page}"' in client.get(claim_page).content.decode()


def test_each_user_is_greeted_by_their_own_full_name(client, world, opd_treasurer, sekda):
    opd_treasurer.first_name, opd_treasurer.last_name = "Hasnah", "Tamburaka"
    opd_treasurer.save()

    client.force_login(opd_treasurer)
    treasurer_page = client.get(reverse("admin:index")).content.decode()
    client.force_login(sekda)  # no name given: the user name
    sekda_page = client.get(reverse("admin:index")).content.decode()

    assert "<strong>Hasnah Tamburaka</strong>" in treasurer_page
    assert f"<strong>{sekda.username}</strong>" in sekda_page
