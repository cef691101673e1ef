"""The billing admin: read-only bills without N+1, payments through the service, the
arrears and forecast pages, payment import with preview, rates editable by the province only."""

import functools
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bpjs_tracker.roles import Role
from enrollment.billing import admin as billing_admin
from enrollment.billing.payments import payment_record
from enrollment.billing.services import bills_generate
from enrollment.models import ContributionRate, Payment, PaymentAllocation
from tests import factories
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)


@pytest.fixture
def kendari_bills(world):
    for period in (JAN, FEB):
        for index in range(6):
            unit = factories.OpdFactory(regency=world.kendari, code=f"74.71-UJI{index}")
            verified_roster(unit, period, [2_750_000, 3_000_000])
        verified_roster(world.kdi_dlhk, period, [2_750_000])
        bills_generate(period=period, regency=world.kendari)
    for index in range(6):
        unit = factories.OpdFactory(code=f"74.71-UJI{index}")
        payment_record(unit=unit, amount=20_000, paid_on=date(2025, 4, 1), reference=f"P{index}")
    return world


def _queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_bill_list_takes_a_fixed_number_of_queries(
    kendari_bills, client, django_assert_max_num_queries
):
    client.force_login(kendari_bills.user(Role.SEKDA))
    url = reverse("admin:enrollment_bill_changelist")
    response = _queries(client, url, django_assert_max_num_queries, 14)
    assert len(response.context["cl"].result_list) == 14
    content = response.content.decode()
    assert "Rp 14.850" in content
    assert "Dibayar sebagian, menunggak" in content


def test_the_bill_page_shows_lines_payments_fine_and_the_rounding_rule(
    kendari_bills, client, django_assert_max_num_queries
):
    client.force_login(kendari_bills.user(Role.OPD_TREASURER))
    bill = bill_of(kendari_bills.kdi_dlhk, JAN)
    payment_record(
        unit=bill.unit, amount=14_850, paid_on=date(2025, 4, 20), reference="L", bill=bill
    )
    url = reverse("admin:enrollment_bill_change", args=[bill.pk])
    response = _queries(client, url, django_assert_max_num_queries, 25)
    content = response.content.decode()
    assert "dibulatkan setengah ke atas" in content
    assert "Rp 891 (3 bln × 2%)" in content
    assert "1. 18-02-2025 – 17-03-2025: Rp 297" in content
    assert 'name="_save"' not in content  # read-only


def test_the_payment_list_takes_a_fixed_number_of_queries(
    kendari_bills, client, django_assert_max_num_queries
):
    client.force_login(kendari_bills.user(Role.BRANCH_STAFF))
    _queries(
        client, reverse("admin:enrollment_payment_changelist"), django_assert_max_num_queries, 12
    )


def test_a_treasurer_records_a_payment_and_it_is_allocated_to_the_oldest_bill(
    kendari_bills, client
):
    client.force_login(kendari_bills.user(Role.OPD_TREASURER))
    response = client.post(
        reverse("admin:enrollment_payment_add"),
        {
            "unit": kendari_bills.kdi_dlhk.pk,
            "amount": 20_000,
            "paid_on": "2025-03-01",
            "reference": "BANK-77",
            "note": "",
            "allocations-TOTAL_FORMS": 0,
            "allocations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    payment = Payment.objects.get(reference="BANK-77")
    assert payment.recorded_by == kendari_bills.user(Role.OPD_TREASURER)
    assert list(
        PaymentAllocation.objects.filter(payment=payment).values_list("bill__period", "amount")
    ) == [(JAN, 14_850), (FEB, 5_150)]
    assert payment.history.first().history_user == kendari_bills.user(Role.OPD_TREASURER)


def test_the_arrears_page_lists_units_in_arrears_of_the_users_scope(kendari_bills, client):
    client.force_login(kendari_bills.user(Role.SEKDA))
    response = client.get(
        reverse("admin:enrollment_bill_arrears"), {"regency": "74.71", "as_of": "2025-05-01"}
    )
    assert response.status_code == 200
    assert [a.unit.code for a in response.context["arrears"]][:1] == ["74.71-UJI0"]
    assert len(response.context["arrears"]) == 7
    # a regency outside the scope is ignored, never shown
    response = client.get(reverse("admin:enrollment_bill_arrears"), {"regency": "74.04"})
    assert response.context["regency"] is None


def test_the_arrears_pages_share_the_pager_and_keep_the_filters(kendari_bills, client, monkeypatch):
    monkeypatch.setattr(
        billing_admin, "arrears_page", functools.partial(billing_admin.arrears_page, per_page=3)
    )
    client.force_login(kendari_bills.user(Role.SEKDA))
    response = client.get(
        reverse("admin:enrollment_bill_arrears"),
        {"regency": "74.71", "as_of": "2025-05-01", "p": "2"},
    )
    html = response.content.decode()
    assert len(response.context["arrears"]) == 3
    assert "Unit 4–6 dari 7" in html
    assert "halaman 2 dari 3" in html
    assert "regency=74.71&amp;as_of=2025-05-01&amp;p=1" in html
    assert "regency=74.71&amp;as_of=2025-05-01&amp;p=3" in html


def test_the_forecast_page_and_its_xlsx(kendari_bills, client):
    client.force_login(kendari_bills.user(Role.SEKDA))
    url = reverse("admin:enrollment_bill_forecast")
    response = client.get(url, {"year": "2026", "regency": "74.71"})
    assert response.status_code == 200
    assert response.context["forecast"].annual == 12 * (6 * (14_850 + 16_200) + 14_850)
    # folded (details/summary) so the table below stays in view; the summary says how many
    warning = response.content.decode().split('id="unconfirmed-rates"')[1].split("</details>")[0]
    assert "belum terkonfirmasi (8 tarif)" in warning.split("</summary>")[0]
    # Each JKK PU rate row is told apart by its risk class and rate (it said the same 5 times).
    assert "JKK Penerima Upah (PU), kelas risiko sangat rendah 0,24%" in warning
    assert "JKK Penerima Upah (PU), kelas risiko sangat tinggi 1,74%" in warning
    assert warning.count("JKK Penerima Upah (PU), kelas risiko") == 5
    download = client.get(url, {"year": "2026", "regency": "74.71", "format": "xlsx"})
    assert (
        download["Content-Disposition"] == 'attachment; filename="proyeksi-iuran-2026-74.71.xlsx"'
    )
    assert load_workbook(io.BytesIO(download.content)).sheetnames == [
        "Ringkasan",
        "Per unit",
        "Tarif",
    ]


def test_roles_without_bill_permission_cannot_open_the_pages(world, client):
    user = factories.UserFactory(username="nobody", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:enrollment_bill_forecast")).status_code == 302  # no scope


def test_payment_import_preview_then_confirm(kendari_bills, client):
    client.force_login(kendari_bills.user(Role.BRANCH_STAFF))
    url = reverse("admin:enrollment_payment_import")
    upload = SimpleUploadedFile(
        "bank.csv",
        b"Kode Unit;Periode;Jumlah;Tanggal Bayar;Referensi\n74.71-DLHK;2025-01;14850;10-02-2025;Z1\n",
    )
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert [r.status for r in preview.context["result"].rows] == ["matched"]
    assert not Payment.objects.filter(reference="Z1").exists()
    confirmed = client.post(url, {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    assert Payment.objects.get(reference="Z1").source == "import"


def test_sekda_cannot_import_payments(kendari_bills, client):
    client.force_login(kendari_bills.user(Role.SEKDA))
    assert client.get(reverse("admin:enrollment_payment_import")).status_code == 403


def _rate_form(rate, **changes):
    data = {
        "programme": rate.programme,
        "basis": rate.basis,
        "risk_class": rate.risk_class,
        "kind": rate.kind,
        "percent": rate.percent,
        "amount": rate.amount or "",
        "minimum": rate.minimum,
        "maximum": rate.maximum or "",
        "worker_share_percent": rate.worker_share_percent,
        "effective_from": rate.effective_from,
        "effective_to": rate.effective_to or "",
        "legal_basis": rate.legal_basis,
        "certainty": rate.certainty,
        "note": rate.note,
    }
    data.update(changes)
    return data


def test_only_the_province_admin_edits_rates_and_overlaps_are_refused(world, client):
    rate = ContributionRate.objects.get(programme="JKM", basis="pu")
    url = reverse("admin:enrollment_contributionrate_change", args=[rate.pk])
    client.force_login(world.user(Role.BRANCH_STAFF))
    assert client.post(url, _rate_form(rate, certainty="confirmed")).status_code == 403
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    assert client.post(url, _rate_form(rate, certainty="confirmed")).status_code == 302
    rate.refresh_from_db()
    assert rate.certainty == "confirmed"
    add = client.post(
        reverse("admin:enrollment_contributionrate_add"),
        _rate_form(rate, effective_from="2024-01-01", percent="0.5"),
    )
    assert add.status_code == 200
    assert "tumpang tindih" in str(add.context["adminform"].form.non_field_errors())


def test_unconfirmed_rates_are_flagged_in_the_list(world, client):
    client.force_login(world.user(Role.VILLAGE_TREASURER))
    response = client.get(reverse("admin:enrollment_contributionrate_changelist"))
    assert "⚠ Belum terkonfirmasi" in response.content.decode()


def test_the_bill_list_joins_only_the_units_it_shows_and_the_bill_page_names_its_roster(
    kendari_bills, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(kendari_bills.user(Role.PROVINCE_ADMIN))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("admin:enrollment_bill_changelist"))
    listed = [q["sql"] for q in captured.captured_queries if 'FROM "enrollment_bill"' in q["sql"]]
    assert listed and not any('"enrollment_roster"' in sql for sql in listed)

    bill = bill_of(kendari_bills.kdi_dlhk, JAN)
    page = client.get(reverse("admin:enrollment_bill_change", args=[bill.pk])).content.decode()
    assert str(bill.roster) in page
