"""A bill has one part per basis (PU, BPU), each with its own due date, fine rule and status."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from enrollment.billing.payments import payment_record
from enrollment.billing.selectors import bill_statement
from enrollment.billing.services import bill_generate
from enrollment.models import PaymentRule
from tests import factories
from tests.enrollment.billing_helpers import bill_of, verified_roster

MAR = date(2025, 3, 1)
# The audit's mixed unit, March 2025, risk class very low:
#   PU worker, wage 2.750.000: JKK 0,24% = 6.600 + JKM 0,30% = 8.250 → PU part 14.850,
#     due the 15th of the next month: Tue 15 Apr 2025.
#   BPU worker, declared 1.000.000: JKK 1% = 10.000 + JKM 6.800 → BPU part 16.800,
#     due the 15th of the month: Sat 15 Mar 2025 → Mon 17 Mar 2025.
#   Bill 31.650, due (earliest part) 17 Mar 2025. Paid in full on 15 Apr 2025: the old
#   single due date fined the whole bill 2% × 31.650 = Rp 633; now the PU part is on time
#   and the BPU part is never fined.
PU_PART, BPU_PART = 14_850, 16_800


@pytest.fixture
def mixed_bill(world):
    unit = world.kdi_dlhk
    roster = verified_roster(unit, MAR, [2_750_000])
    factories.RosterEntryFactory(roster=roster, wage=1_000_000, segment="vulnerable")
    bill_generate(unit=unit, period=MAR)
    return bill_of(unit, MAR)


def test_a_mixed_bill_keeps_each_basis_due_date(mixed_bill):
    assert [(p.basis, p.due_date, p.total) for p in mixed_bill.parts()] == [
        ("bpu", date(2025, 3, 17), BPU_PART),
        ("pu", date(2025, 4, 15), PU_PART),
    ]
    assert (mixed_bill.total, mixed_bill.due_date) == (PU_PART + BPU_PART, date(2025, 3, 17))


def test_the_mixed_unit_paying_on_15_april_has_no_fine(mixed_bill):
    payment_record(unit=mixed_bill.unit, amount=31_650, paid_on=date(2025, 4, 15), reference="A")
    s = bill_statement(mixed_bill, as_of=date(2025, 6, 1))
    assert (s.status, s.fine, s.overdue) == ("paid", 0, False)
    bpu, pu = s.parts
    assert (bpu.basis, bpu.paid, bpu.status, bpu.fine_percent, bpu.fine) == (
        "bpu", BPU_PART, "paid", 0, 0,
    )  # fmt: skip
    assert (pu.basis, pu.paid, pu.status, pu.fine) == ("pu", PU_PART, "paid", 0)


def test_on_15_april_unpaid_only_the_bpu_part_is_late_and_neither_is_fined(mixed_bill):
    s = bill_statement(mixed_bill, as_of=date(2025, 4, 15))
    bpu, pu = s.parts
    assert (bpu.overdue, bpu.months_late, bpu.fine) == (True, 1, 0)
    assert (pu.overdue, pu.months_late, pu.fine) == (False, 0, 0)
    assert (s.status, s.overdue, s.fine) == ("unpaid", True, 0)


def test_payments_settle_the_earliest_due_part_first(mixed_bill):
    payment_record(unit=mixed_bill.unit, amount=20_000, paid_on=date(2025, 3, 17), reference="A")
    bpu, pu = bill_statement(mixed_bill, as_of=date(2025, 4, 15)).parts
    assert (bpu.paid, bpu.status, bpu.overdue) == (16_800, "paid", False)
    assert (pu.paid, pu.unpaid, pu.status, pu.overdue) == (3_200, 11_650, "partial", False)


def test_the_pu_part_paid_a_month_late_is_fined_on_the_pu_part_only(mixed_bill):
    # PU part 14.850 due 15 Apr, paid 15 May 2025: 1 month late (16 Apr – 15 May) → 2% × 14.850 = 297.
    payment_record(unit=mixed_bill.unit, amount=31_650, paid_on=date(2025, 5, 15), reference="A")
    s = bill_statement(mixed_bill, as_of=date(2025, 6, 1))
    bpu, pu = s.parts
    assert (bpu.fine, pu.fine, s.fine) == (0, 297, 297)
    assert [(m.number, m.base, m.fine) for m in pu.fine_months] == [(1, 14_850, 297)]


def test_a_bpu_bill_four_months_late_has_no_fine(world):
    unit = world.konut_village
    verified_roster(unit, date(2025, 1, 1), [1_000_000], segment="vulnerable")
    bill_generate(unit=unit, period=date(2025, 1, 1))
    bill = bill_of(unit, date(2025, 1, 1))
    payment_record(unit=unit, amount=16_800, paid_on=date(2025, 5, 20), reference="A")
    s = bill_statement(bill, as_of=date(2025, 6, 1))
    assert (s.status, s.fine, s.fine_months) == ("paid", 0, [])


def test_a_bpu_payment_rule_with_a_fine_is_refused(db):
    rule = PaymentRule(
        basis="bpu", due_day=15, due_month_offset=0, fine_percent=2,
        effective_from=date(2040, 1, 1), legal_basis="uji", certainty="unconfirmed",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "BPU tidak didenda" in str(error.value)


def show(*args) -> str:
    out = StringIO()
    call_command("show_bill", *args, stdout=out)
    return out.getvalue()


def test_show_bill_json_lists_the_parts(mixed_bill):
    shown = json.loads(show("--unit", mixed_bill.unit.code, "--period", "2025-03"))
    assert shown["parts"] == [
        {"basis": "BPU", "due_date": "2025-03-17", "total": 16_800},
        {"basis": "PU", "due_date": "2025-04-15", "total": 14_850},
    ]
    assert (shown["due_date"], shown["total"]) == ("2025-03-17", 31_650)
    assert {line["programme"] for line in shown["lines"]} == {"JKK", "JKM"}
    assert sum(line["amount"] for line in shown["lines"]) == 31_650


def test_show_bill_text_counts_the_months_of_a_fine_paid_late(world):
    # Jan 2025 PU bill 14.850 due 17 Feb 2025, paid 20 Apr 2025: 3 months × 297 = 891.
    verified_roster(world.kdi_dlhk, date(2025, 1, 1), [2_750_000])
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 1, 1))
    payment_record(unit=world.kdi_dlhk, amount=14_850, paid_on=date(2025, 4, 20), reference="A")
    text = show("--unit", world.kdi_dlhk.code, "--period", "2025-01", "--format", "text")
    assert "Denda (3 bulan): Rp 891" in text
    assert "Denda (0 bulan)" not in text
    assert "Bagian PU: Rp 14.850, jatuh tempo 17-02-2025, dibayar Rp 14.850, Lunas" in text


def test_the_treasurer_sees_both_parts_on_the_bill_page(mixed_bill, client, world):
    from django.urls import reverse

    from bpjs_tracker.roles import Role

    payment_record(unit=mixed_bill.unit, amount=16_800, paid_on=date(2025, 3, 17), reference="A")
    client.force_login(world.user(Role.OPD_TREASURER))
    response = client.get(reverse("admin:enrollment_bill_change", args=[mixed_bill.pk]))
    content = response.content.decode()
    assert (
        "<strong>Bagian BPU</strong>: Rp 16.800, jatuh tempo 17-03-2025; dibayar Rp 16.800; Lunas"
        in content
    )
    assert "<strong>Bagian PU</strong>: Rp 14.850, jatuh tempo 15-04-2025; dibayar Rp 0;" in content
    assert "BPU tidak didenda" in content
