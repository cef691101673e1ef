"""The claim pages: list with filters and days left, the claim page, filing through the admin,
the printable summary."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimDocument, ClaimStatusChange, Heir
from enrollment.models import Programme
from tests import factories
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db
LIST = "admin:claims_claim_changelist"


def shown(response):
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def test_the_list_filters_by_status_regency_unit_and_lateness(client, world, branch_staff):
    today = timezone.localdate()
    late = factories.ClaimFactory(
        unit=world.kdi_dlhk, status=Claim.Status.VERIFIED, documents_complete_on=date(2021, 10, 15)
    )
    fresh = factories.ClaimFactory(
        unit=world.konut_village,
        status=Claim.Status.SUBMITTED,
        date_of_death=today,
        documents_complete_on=today,
    )
    waiting = factories.ClaimFactory(unit=world.kdi_satpol, status=Claim.Status.SUBMITTED)
    paid = factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.PAID,
                                  paid_on=date(2021, 10, 20), paid_amount=42_000_000)  # fmt: skip
    client.force_login(branch_staff)
    url = reverse(LIST)

    assert shown(client.get(url)) == {late.pk, fresh.pk, waiting.pk, paid.pk}
    assert shown(client.get(url, {"status": "paid"})) == {paid.pk}
    assert shown(client.get(url, {"regency": "74.09"})) == {fresh.pk}
    assert shown(client.get(url, {"unit__id__exact": world.kdi_satpol.pk})) == {waiting.pk}
    assert shown(client.get(url, {"terlambat": "late"})) == {late.pk}
    assert shown(client.get(url, {"terlambat": "on_time"})) == {fresh.pk}
    assert shown(client.get(url, {"terlambat": "no_clock"})) == {waiting.pk}


def test_the_list_shows_the_days_left_and_lateness(client, world, branch_staff):
    factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.VERIFIED,
                           documents_complete_on=date(2021, 11, 5))  # fmt: skip
    client.force_login(branch_staff)
    page = client.get(reverse(LIST)).content.decode()
    # Fri 5 Nov 2021 + 3 working days = Wed 10 Nov 2021.
    assert "10-11-2021" in page
    late_days = (timezone.localdate() - date(2021, 11, 10)).days
    assert f"terlambat {late_days} hari" in page


def test_the_list_has_a_query_ceiling(client, world, branch_staff, django_assert_max_num_queries):
    for i in range(10):
        factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.VERIFIED,
                               documents_complete_on=date(2021, 10, 1 + i))  # fmt: skip
    client.force_login(branch_staff)
    with django_assert_max_num_queries(20):
        assert client.get(reverse(LIST)).status_code == 200


def test_the_claim_page_explains_each_check_in_indonesian(client, world, branch_staff):
    worker = factories.WorkerFactory()
    factories.MembershipFactory(worker=worker, unit=world.kdi_dlhk, programme=Programme.JKM,
                                start=date(2019, 1, 1), end=date(2021, 6, 30))  # fmt: skip
    claim = factories.ClaimFactory(
        unit=world.kdi_dlhk, worker=worker, status=Claim.Status.SUBMITTED
    )
    client.force_login(branch_staff)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    for text in [
        "Pemeriksaan kelayakan",
        "Kepesertaan aktif pada tanggal meninggal",
        "berakhir 30-06-2021",
        "Tunggakan iuran unit pada tanggal meninggal",
        "Jadwal manfaat yang berlaku",
        "Aturan yang memutuskan",
        "Rp 10.000.000",  # no heir yet: the funeral cost only
        "Tolak dengan alasan",
    ]:
        assert text in page


def _formset_data(response):
    """The management forms and current values of every inline on an admin page."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value() if field.value() is not None else ""
    return data


def test_a_treasurer_files_a_claim_with_an_heir_and_a_document(client, world, opd_treasurer):
    worker = factories.WorkerFactory()
    roster = factories.RosterFactory(
        unit=world.kdi_dlhk, period=date(2021, 10, 1), status="verified"
    )
    factories.RosterEntryFactory(roster=roster, worker=worker)
    for programme in (Programme.JKK, Programme.JKM):
        factories.MembershipFactory(worker=worker, unit=world.kdi_dlhk, programme=programme,
                                    start=date(2018, 1, 1))  # fmt: skip
    client.force_login(opd_treasurer)
    add_url = reverse("admin:claims_claim_add")
    data = {
        **_formset_data(client.get(add_url)),
        "unit": world.kdi_dlhk.pk, "worker": worker.pk, "programme": "JKM",
        "date_of_death": "2021-10-14", "reported_on": "2021-10-15", "place_of_death": "Kendari",
        "cause_of_death": "Sakit",
        "heirs-TOTAL_FORMS": "1", "heirs-0-name": "Wa Ode Siti", "heirs-0-nik": "7471014403920001",
        "heirs-0-relationship": "spouse", "heirs-0-birth_date": "1992-03-04", "heirs-0-is_recipient": "on",
        "documents-TOTAL_FORMS": "1", "documents-0-kind": "death_certificate",
        "documents-0-received_on": "2021-10-15",
        "documents-0-file": SimpleUploadedFile("akta kematian.pdf", PDF_BYTES),
    }  # fmt: skip
    response = client.post(add_url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    claim = Claim.objects.get()
    assert (claim.status, claim.created_by, claim.membership.programme) == (
        "draft",
        opd_treasurer,
        "JKM",
    )
    heir = Heir.objects.get()
    assert (heir.nik, heir.is_recipient) == ("7471014403920001", True)
    assert claim.documents_complete_on is None  # one document of nine: the clock has not started
    document = ClaimDocument.objects.get()
    assert document.uploaded_by == opd_treasurer
    assert "akta" not in document.file.name
    assert claim.status_changes.get().to_status == "draft"


def test_a_bad_heir_nik_is_refused_on_the_form_and_nothing_is_saved(client, world, opd_treasurer):
    worker = factories.WorkerFactory()
    client.force_login(opd_treasurer)
    add_url = reverse("admin:claims_claim_add")
    data = {
        **_formset_data(client.get(add_url)),
        "unit": world.kdi_dlhk.pk, "worker": worker.pk, "programme": "JKM",
        "date_of_death": "2021-10-14", "reported_on": "2021-10-15",
        "heirs-TOTAL_FORMS": "1", "heirs-0-name": "X", "heirs-0-nik": "12345",
        "heirs-0-relationship": "child",
    }  # fmt: skip
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "seharusnya 16" in response.content.decode()
    assert not Claim.objects.exists()


def test_the_summary_is_a_printable_a4_page(client, world, branch_staff):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    factories.HeirFactory(claim=claim, name="Wa Ode Siti", is_recipient=True)
    client.force_login(branch_staff)
    page = client.get(reverse("admin:claims_claim_summary", args=[claim.pk])).content.decode()
    assert "size: A4" in page
    for text in [
        "Wa Ode Siti",
        "Santunan sekaligus",
        "Rp 42.000.000",
        "PP 82/2019",
        "Pemeriksaan",
        "10-10-2021",
    ]:
        assert text in page


def test_the_summary_history_names_who_did_each_step(client, world, branch_staff, opd_treasurer):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    opd_treasurer.first_name, opd_treasurer.last_name = "Hasnah", "Tamburaka"
    opd_treasurer.save()
    for to_status, by in (("draft", opd_treasurer), ("submitted", branch_staff)):
        ClaimStatusChange.objects.create(
            claim=claim, from_status="", to_status=to_status, by=by, at=timezone.now()
        )
    client.force_login(branch_staff)
    page = client.get(reverse("admin:claims_claim_summary", args=[claim.pk])).content.decode()
    # full name, else the user name (`User.display_name`)
    assert "(Hasnah Tamburaka)" in page
    assert f"({branch_staff.username})" in page


def test_the_summary_of_a_claim_out_of_scope_is_404(client, world, branch_staff, sekda):
    claim = factories.ClaimFactory(unit=world.buton_opd)
    for user in (branch_staff, sekda):
        client.force_login(user)
        assert client.get(reverse("admin:claims_claim_summary", args=[claim.pk])).status_code == 404


def test_two_receiving_heirs_are_refused_on_the_form(client, world, opd_treasurer):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    client.force_login(opd_treasurer)
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {
        **_formset_data(client.get(url)),
        "unit": world.kdi_dlhk.pk, "worker": claim.worker.pk, "programme": "JKM",
        "date_of_death": "2021-10-10", "reported_on": "2021-10-10",
        "heirs-TOTAL_FORMS": "2",
        "heirs-0-name": "A", "heirs-0-nik": "7471014403920001", "heirs-0-relationship": "spouse",
        "heirs-0-is_recipient": "on",
        "heirs-1-name": "B", "heirs-1-nik": "7471010403150002", "heirs-1-relationship": "child",
        "heirs-1-is_recipient": "on",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Tandai satu penerima saja" in response.content.decode()
    assert not Heir.objects.exists()


def test_the_claim_page_has_a_query_ceiling(
    client, world, branch_staff, django_assert_max_num_queries
):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    for n in range(3):
        factories.HeirFactory(claim=claim, relationship="child")
        factories.ClaimDocumentFactory(
            claim=claim, kind=["claim_form", "family_card", "ktp_heir"][n]
        )
    client.force_login(branch_staff)
    with django_assert_max_num_queries(22):  # 19 measured; not per heir or document
        assert client.get(reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 200


def _claim_page_queries(client, claim) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    return len(captured)


def _filled_claim(world, heirs: int, users) -> Claim:
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, created_by=users[0])
    kinds = ["claim_form", "family_card", "ktp_heir", "bank_book", "death_certificate"]
    for n in range(heirs):
        factories.HeirFactory(claim=claim, relationship="child")
        factories.ClaimDocumentFactory(claim=claim, kind=kinds[n], uploaded_by=users[n % 2])
        ClaimStatusChange.objects.create(
            claim=claim, to_status="draft", by=users[n % 2], at=timezone.now()
        )
    return claim


@pytest.mark.parametrize("role", ["opd_treasurer", "branch_staff", "sekda", "province_admin"])
def test_the_claim_page_queries_do_not_grow_with_heirs_documents_and_history(
    client, world, role, opd_treasurer, branch_staff
):
    users = [opd_treasurer, branch_staff]
    small, large = _filled_claim(world, 1, users), _filled_claim(world, 5, users)
    client.force_login(world.users[role])
    _claim_page_queries(client, small)  # sessions, permissions: warm
    assert _claim_page_queries(client, large) == _claim_page_queries(client, small)


@pytest.mark.parametrize("role", ["opd_treasurer", "branch_staff", "sekda", "province_admin"])
def test_the_claim_page_names_the_creator_each_uploader_and_each_steps_author(
    client, world, role, opd_treasurer, branch_staff
):
    opd_treasurer.first_name, opd_treasurer.last_name = "Hasnah", "Tamburaka"
    opd_treasurer.save()
    claim = _filled_claim(world, 2, [opd_treasurer, branch_staff])
    client.force_login(world.users[role])
    response = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    page = response.content.decode()
    assert '<div class="readonly">Hasnah Tamburaka</div>' in page  # created by
    assert page.count("<p>Hasnah Tamburaka</p>") == 2  # one document, one step
    assert page.count(f"<p>{branch_staff.username}</p>") == 2  # the other document and step
    assert "Dicatat → Draf" in page
    assert f"JKM {claim.worker.name} (10-10-2021)" in page  # the title


def test_the_claim_page_offers_the_unit_and_the_deceased_as_choosers_to_its_editors(
    client, world, opd_treasurer
):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=date(2021, 9, 1))
    factories.RosterEntryFactory(roster=roster, worker=claim.worker)  # on the unit's roster
    client.force_login(opd_treasurer)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    for name, selected in (("unit", world.kdi_dlhk), ("worker", claim.worker)):
        assert f'<select name="{name}" required id="id_{name}" class="admin-autocomplete"' in page
        assert f'<option value="{selected.pk}" selected>{selected}</option>' in page
    assert 'name="heirs-__prefix__-relationship"' in page  # the row "add another" copies
    assert 'name="documents-TOTAL_FORMS"' in page
