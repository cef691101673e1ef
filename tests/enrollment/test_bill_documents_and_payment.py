"""A bill's page, its .xlsx and printable A4 version, and recording a payment from it (#12 item 3).

The bill page tells what is left to pay and offers "Catat pembayaran" to those who may add
payments; the payment form then lists only the chosen unit's unpaid bills (server-rendered,
then from a scoped JSON URL when the unit changes) and refuses a paid or another unit's bill.
"""

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bpjs_tracker.roles import Role
from enrollment.billing.payments import payment_record
from enrollment.billing.services import bills_generate
from enrollment.models import Bill
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


@pytest.fixture
def bills(world):
    """DLHK billed Jan–Mar (Rp 14.850 each; January paid), Satpol PP and Buton billed January."""
    for period in (JAN, FEB, MAR):
        verified_roster(world.kdi_dlhk, period, [2_750_000])
        bills_generate(period=period, regency=world.kendari)
    verified_roster(world.kdi_satpol, JAN, [2_750_000])
    verified_roster(world.buton_opd, JAN, [2_750_000])
    bills_generate(period=JAN, regency=world.kendari)
    bills_generate(period=JAN, regency=world.buton)
    payment_record(
        unit=world.kdi_dlhk, amount=14_850, paid_on=date(2025, 2, 10), reference="JAN",
        bill=bill_of(world.kdi_dlhk, JAN),
    )  # fmt: skip
    return world


def _bill_page(client, bill):
    return client.get(reverse("admin:enrollment_bill_change", args=[bill.pk])).content.decode()


def test_the_bill_page_offers_payment_of_what_is_left_with_unit_and_bill_filled_in(
    bills, client
):
    client.force_login(bills.user(Role.OPD_TREASURER))
    feb = bill_of(bills.kdi_dlhk, FEB)
    page = _bill_page(client, feb)
    add = reverse("admin:enrollment_payment_add")
    assert f'href="{add}?unit={bills.kdi_dlhk.pk}&amp;bill={feb.pk}&amp;amount=14850"' in page
    assert "Catat pembayaran" in page
    assert "Belum dibayar" in page
    # the JKK/JKM split: 0,24% and 0,30% of Rp 2.750.000
    assert "<strong>JKK</strong>: Rp 6.600" in page
    assert "<strong>JKM</strong>: Rp 8.250" in page
    for name in ("admin:enrollment_bill_xlsx", "admin:enrollment_bill_print"):
        assert reverse(name, args=[feb.pk]) in page
    assert f"?bill__id__exact={feb.pk}" in page
    # a paid bill offers no payment
    paid = _bill_page(client, bill_of(bills.kdi_dlhk, JAN))
    assert "Catat pembayaran" not in paid
    assert "Lunas" in paid


def test_only_those_who_may_add_payments_see_the_button(bills, client):
    client.force_login(bills.user(Role.SEKDA))
    page = _bill_page(client, bill_of(bills.kdi_dlhk, FEB))
    assert "Belum dibayar" in page
    assert "Catat pembayaran" not in page


def test_the_bill_xlsx_has_the_summary_and_every_line_and_no_formula(bills, client):
    bills.kdi_dlhk.name = '=HYPERLINK("http://x.invalid","klik")'
    bills.kdi_dlhk.save()
    client.force_login(bills.user(Role.OPD_TREASURER))
    feb = bill_of(bills.kdi_dlhk, FEB)
    response = client.get(reverse("admin:enrollment_bill_xlsx", args=[feb.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tagihan-74.71-DLHK-2025-02.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tagihan", "Baris"]
    summary = {row[0]: row[1] for row in book["Tagihan"].iter_rows(min_row=3, values_only=True)}
    assert summary["Nama unit"] == bills.kdi_dlhk.name  # kept as text
    assert summary["Jumlah tagihan"] == 14_850
    assert summary["Program JKK"] == 6_600
    assert summary["Program JKM"] == 8_250
    assert summary["Belum dibayar"] == 14_850
    assert summary["Jatuh tempo"] == feb.due_date.isoformat()
    assert "setengah ke atas" in summary["Pembulatan"]
    lines = list(book["Baris"].iter_rows(values_only=True))
    header = lines[0]
    nik = feb.lines.get().nik
    assert [dict(zip(header, row, strict=True))["NIK"] for row in lines[1:]] == [nik]
    assert dict(zip(header, lines[1], strict=True))["Ditagih"] == 14_850
    assert dict(zip(header, lines[1], strict=True))["JKK"] == 6_600
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_the_printable_page_is_a4_landscape_with_the_lines(bills, client):
    client.force_login(bills.user(Role.BRANCH_STAFF))
    feb = bill_of(bills.kdi_dlhk, FEB)
    response = client.get(reverse("admin:enrollment_bill_print", args=[feb.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "size: A4 landscape" in page
    assert feb.lines.get().nik in page
    assert "Rp 14.850" in page
    assert feb.due_date.strftime("%d-%m-%Y") in page


@pytest.mark.parametrize("name", ["admin:enrollment_bill_xlsx", "admin:enrollment_bill_print"])
@pytest.mark.parametrize("role", [Role.OPD_TREASURER, Role.SEKDA, Role.BRANCH_STAFF])
def test_another_regencys_bill_documents_answer_404(bills, client, role, name):
    client.force_login(bills.user(role))
    buton = bill_of(bills.buton_opd, JAN)
    assert client.get(reverse(name, args=[buton.pk])).status_code == 404


def _bill_choices(response):
    return [value for value, _label in response.context["adminform"].form.fields["bill"].widget.choices]


def test_the_payment_form_lists_only_the_chosen_units_unpaid_bills(bills, client):
    client.force_login(bills.user(Role.BRANCH_STAFF))
    feb, mar = bill_of(bills.kdi_dlhk, FEB), bill_of(bills.kdi_dlhk, MAR)
    response = client.get(
        reverse("admin:enrollment_payment_add"),
        {"unit": bills.kdi_dlhk.pk, "bill": feb.pk, "amount": 14_850},
    )
    assert response.status_code == 200
    assert _bill_choices(response) == ["", feb.pk, mar.pk]  # not January (paid), not Satpol PP
    page = response.content.decode()
    assert f'<option value="{feb.pk}" selected>Februari 2025 — belum dibayar Rp 14.850' in page
    assert 'value="14850"' in page
    # the unit is a scoped autocomplete, not a list of every unit
    assert "admin-autocomplete" in page
    # without a unit, no bill is offered
    assert _bill_choices(client.get(reverse("admin:enrollment_payment_add"))) == [""]


def _pay(client, unit, bill, reference):
    return client.post(
        reverse("admin:enrollment_payment_add"),
        {
            "unit": unit.pk, "bill": bill.pk, "amount": 14_850, "paid_on": "2025-03-20",
            "reference": reference, "note": "",
            "allocations-TOTAL_FORMS": 0, "allocations-INITIAL_FORMS": 0,
        },
    )  # fmt: skip


def test_the_payment_form_refuses_a_paid_bill_and_another_units_bill(bills, client):
    client.force_login(bills.user(Role.OPD_TREASURER))
    paid = _pay(client, bills.kdi_dlhk, bill_of(bills.kdi_dlhk, JAN), "X1")
    assert "sudah lunas" in str(paid.context["adminform"].form.errors["bill"])
    client.force_login(bills.user(Role.BRANCH_STAFF))
    other = _pay(client, bills.kdi_dlhk, bill_of(bills.kdi_satpol, JAN), "X2")
    assert "bukan milik unit" in str(other.context["adminform"].form.errors["bill"])
    client.force_login(bills.user(Role.OPD_TREASURER))
    buton = _pay(client, bills.kdi_dlhk, bill_of(bills.buton_opd, JAN), "X3")
    assert "bill" in buton.context["adminform"].form.errors  # out of scope: not a choice


def test_a_payment_from_the_bill_pays_it_and_leads_back_to_it(bills, client):
    client.force_login(bills.user(Role.OPD_TREASURER))
    feb = bill_of(bills.kdi_dlhk, FEB)
    response = _pay(client, bills.kdi_dlhk, feb, "BANK-FEB")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:enrollment_bill_change", args=[feb.pk])
    assert Bill.objects.with_paid().get(pk=feb.pk).paid == 14_850
    assert "Lunas" in _bill_page(client, feb)


def test_the_unpaid_bills_url_answers_for_units_in_scope_only(bills, client):
    client.force_login(bills.user(Role.OPD_TREASURER))
    url = reverse("admin:enrollment_payment_unpaid_bills", args=[bills.kdi_dlhk.pk])
    results = json.loads(client.get(url).content)["results"]
    assert [r["id"] for r in results] == [bill_of(bills.kdi_dlhk, p).pk for p in (FEB, MAR)]
    assert results[0]["unpaid"] == 14_850
    assert "Februari 2025" in results[0]["text"]
    # another unit of the same regency (not the treasurer's) and another regency's unit
    for unit in (bills.kdi_satpol, bills.buton_opd):
        other = reverse("admin:enrollment_payment_unpaid_bills", args=[unit.pk])
        assert client.get(other).status_code == 404
    client.force_login(bills.user(Role.SEKDA))  # may not add payments
    assert client.get(url).status_code == 403


def test_the_unit_autocomplete_of_the_payment_form_is_scoped(bills, client):
    client.force_login(bills.user(Role.BRANCH_STAFF))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "enrollment", "model_name": "payment", "field_name": "unit", "term": "SETDA"},
    )
    assert response.status_code == 200
    texts = [r["text"] for r in json.loads(response.content)["results"]]
    assert texts and not [t for t in texts if t.startswith("74.04")]


def test_the_bill_list_shows_the_key_columns_first(bills, client):
    client.force_login(bills.user(Role.SEKDA))
    response = client.get(reverse("admin:enrollment_bill_changelist"))
    assert list(response.context["cl"].list_display[:7]) == [
        "unit_display", "period_display", "total_rp", "paid_rp", "unpaid_rp", "status_display", "due_date",
    ]  # fmt: skip


def test_the_rounding_rule_reads_in_the_interfaces_language(client, world):
    """The rule is stored in Indonesian; the English page shows it in English (#12 item 6)."""
    verified_roster(world.kdi_dlhk, FEB, [2_750_000])
    bills_generate(period=FEB, regency=world.kendari)
    bill = Bill.objects.get(unit=world.kdi_dlhk, period=FEB)
    client.force_login(world.user(Role.SEKDA))
    url = reverse("admin:enrollment_bill_change", args=[bill.pk])

    indonesian = client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()

    assert "Contributions are calculated per worker" in english
    assert "Iuran dihitung per pekerja" not in english
    assert "Iuran dihitung per pekerja" in indonesian
