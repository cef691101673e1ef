"""Payment files from the bank or BPJS: preview, reconciliation, all or nothing."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from enrollment.billing.payments import payment_record, payments_import
from enrollment.models import Payment, PaymentAllocation
from tests.enrollment.billing_helpers import (
    bill_of,
    two_units_billed_jan_feb,  # noqa: F401 (`bills`)
)

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
HEADER = "Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n"


def _import(text: str, **kwargs):
    return payments_import(name="bank.csv", content=(HEADER + text).encode(), **kwargs)


def test_rows_are_reconciled_matched_underpaid_overpaid(bills):
    result = _import(
        "74.71-DLHK,2025-01,14850,10-02-2025,A1\n"
        "74.71-DLHK,2025-02,10000,10-03-2025,A2\n"
        '74.71-SATPOLPP,2025-01,"20.000",10-02-2025,A3\n',
        dry_run=True,
    )
    assert result.ok
    assert [(r.row, r.status, r.owed, r.difference) for r in result.rows] == [
        (2, "matched", 14_850, 0),
        (3, "underpaid", 14_850, -4_850),
        (4, "overpaid", 14_850, 5_150),
    ]
    assert not Payment.objects.exists()


def test_importing_saves_payments_and_allocates_them(bills):
    result = _import(
        "74.71-DLHK,2025-01,14850,10-02-2025,A1\n74.71-SATPOLPP,,20000,2025-03-01,A3\n"
    )
    assert (result.ok, result.saved) == (True, 2)
    dlhk = Payment.objects.get(reference="A1")
    assert (dlhk.source, dlhk.source_file, dlhk.amount) == ("import", "bank.csv", 14_850)
    satpol = PaymentAllocation.objects.filter(payment__reference="A3").order_by("bill__period")
    assert [(a.bill.period, a.amount) for a in satpol] == [(JAN, 14_850), (FEB, 5_150)]


def test_a_row_without_period_is_compared_with_everything_the_unit_owes(bills):
    result = _import("74.71-DLHK,,29700,10-03-2025,A1\n", dry_run=True)
    assert (result.rows[0].status, result.rows[0].owed) == ("matched", 29_700)


def test_an_unmatched_row_rejects_the_whole_file(bills):
    result = _import(
        "74.71-DLHK,2025-01,14850,10-02-2025,A1\n"
        "74.71-TIDAKADA,2025-01,14850,10-02-2025,A2\n"
        "74.71-SATPOLPP,2024-12,14850,10-02-2025,A3\n"
    )
    assert not result.ok
    assert [r.status for r in result.rows] == ["matched", "unmatched", "unmatched"]
    assert result.rows[2].message == "tidak ada tagihan 74.71-SATPOLPP untuk 2024-12"
    assert not Payment.objects.exists()


def test_malformed_rows_are_reported_with_their_cell_and_nothing_is_saved(bills):
    result = _import(
        "74.71-DLHK,2025-01,empat belas ribu,10-02-2025,A1\n"
        "74.71-DLHK,2025-13,14850,31-02-2025,A2\n"
        "74.71-DLHK,2025-01,14850,10-02-2025,\n"
    )
    assert [str(p) for p in result.problems] == [
        "bank!2:Jumlah: jumlah 'empat belas ribu' tidak sah: tulis Rupiah bulat, misalnya "
        "1500000 atau Rp 1.500.000",
        "bank!3:Tanggal Bayar: tanggal '31-02-2025' tidak sah: gunakan DD-MM-YYYY, DD/MM/YYYY "
        "atau YYYY-MM-DD",
        "bank!3:Periode: periode '2025-13' tidak sah: bulan 01-12",
        "bank!4:Referensi: referensi kosong",
    ]
    assert not result.ok
    assert not Payment.objects.exists()


def test_a_missing_column_is_reported(bills):
    result = payments_import(name="bank.csv", content=b"Kode Unit,Jumlah\n74.71-DLHK,1\n")
    assert [str(p) for p in result.problems] == [
        "bank!1:Tanggal Bayar: kolom Tanggal Bayar tidak ada",
        "bank!1:Referensi: kolom Referensi tidak ada",
    ]


def test_importing_the_same_file_twice_records_each_payment_once(bills):
    text = "74.71-DLHK,2025-01,14850,10-02-2025,A1\n"
    assert _import(text).saved == 1
    again = _import(text)
    assert (again.ok, again.saved, again.rows[0].status) == (True, 0, "duplicate")
    assert Payment.objects.count() == 1


def test_a_treasurer_cannot_import_for_a_unit_outside_their_scope(bills, opd_treasurer):
    result = _import("74.71-SATPOLPP,2025-01,14850,10-02-2025,A1\n", by=opd_treasurer)
    assert result.rows[0].status == "unmatched"
    assert not result.ok


def test_an_xlsx_file_from_the_bank_is_read(bills):
    book = Workbook()
    sheet = book.active
    sheet.title = "Mutasi"
    sheet.append(["Kode Unit", "Periode", "Jumlah", "Tanggal Bayar", "Referensi"])
    sheet.append(["74.71-DLHK", "2025-01", 14850, datetime(2025, 2, 10), "X1"])
    sheet.append(["74.71-DLHK", "2025-02", "Rp 14.850", "10/03/2025", "X2"])
    data = io.BytesIO()
    book.save(data)
    result = payments_import(name="mutasi.xlsx", content=data.getvalue(), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert [(r.paid_on, r.status) for r in result.rows] == [
        (date(2025, 2, 10), "matched"),
        (date(2025, 3, 10), "matched"),
    ]


def test_payment_record_allocates_oldest_first_and_keeps_the_excess(bills):
    result = payment_record(
        unit=bills.kdi_dlhk, amount=30_000, paid_on=date(2025, 3, 1), reference="KAS-1"
    )
    assert [(a.bill.period, a.amount) for a in result.allocations] == [(JAN, 14_850), (FEB, 14_850)]
    assert result.unallocated == 300


def test_payment_record_to_a_named_bill(bills):
    february = bill_of(bills.kdi_dlhk, FEB)
    result = payment_record(
        unit=bills.kdi_dlhk, amount=10_000, paid_on=date(2025, 3, 1), reference="K", bill=february
    )
    assert [(a.bill, a.amount) for a in result.allocations] == [(february, 10_000)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reference": " "}, "reference"),
        ({"amount": 0}, "amount"),
        ({"paid_on": date(2999, 1, 1)}, "paid_on"),
    ],
)
def test_payment_record_refuses_bad_input(bills, changes, field):
    from django.core.exceptions import ValidationError

    values = dict(unit=bills.kdi_dlhk, amount=1_000, paid_on=date(2025, 3, 1), reference="R")
    values.update(changes)
    with pytest.raises(ValidationError) as error:
        payment_record(**values)
    assert field in error.value.message_dict
    assert not Payment.objects.exists()


def test_the_same_reference_twice_for_a_unit_is_refused(bills):
    from django.core.exceptions import ValidationError

    values = dict(unit=bills.kdi_dlhk, amount=1_000, paid_on=date(2025, 3, 1), reference="R")
    payment_record(**values)
    with pytest.raises(ValidationError):
        payment_record(**values)
