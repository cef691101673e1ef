"""Arrears and fines are derived: unpaid amount, months late, the fine for each month late."""

from datetime import date
from decimal import Decimal

import pytest

from enrollment.billing.payments import payment_record
from enrollment.billing.selectors import (
    bill_statement,
    bill_statements,
    villages_paid_full_year,
)
from enrollment.billing.services import bill_generate
from enrollment.models import Bill
from regencies.models import Village
from tests import factories
from tests.enrollment.arrears_reference import units_in_arrears
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN = date(2025, 1, 1)  # Rp 14.850, due Monday 17 Feb 2025


@pytest.fixture
def january(world):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    return bill_of(world.kdi_dlhk, JAN)


def pay(bill, amount, day, ref):
    payment_record(unit=bill.unit, amount=amount, paid_on=day, reference=ref, bill=bill)


def test_a_bill_paid_on_time_has_no_fine(january):
    pay(january, 14_850, date(2025, 2, 17), "A")
    s = bill_statement(january, as_of=date(2025, 6, 1))
    assert (s.status, s.unpaid, s.overdue, s.fine) == ("paid", 0, False, 0)


def test_a_bill_paid_late_shows_the_fine_for_each_month_late(january):
    pay(january, 14_850, date(2025, 4, 20), "A")
    s = bill_statement(january, as_of=date(2025, 6, 1))
    assert s.status == "paid"
    assert [(m.number, m.start, m.end, m.base, m.fine) for m in s.fine_months] == [
        (1, date(2025, 2, 18), date(2025, 3, 17), 14_850, 297),
        (2, date(2025, 3, 18), date(2025, 4, 17), 14_850, 297),
        (3, date(2025, 4, 18), date(2025, 5, 17), 14_850, 297),
    ]
    assert s.fine == 891
    assert s.fine_percent == Decimal(2)


def test_a_partial_payment_leaves_the_right_arrears(january):
    pay(january, 10_000, date(2025, 2, 10), "A")
    s = bill_statement(january, as_of=date(2025, 4, 1))
    assert (s.status, s.paid, s.unpaid, s.overdue, s.months_late) == (
        "partial",
        10_000,
        4_850,
        True,
        2,
    )
    assert [m.fine for m in s.fine_months] == [97, 97]  # 2% of 4.850, two months


def test_late_partial_payments_are_fined_on_what_was_still_unpaid_each_month(january):
    pay(january, 10_000, date(2025, 3, 1), "A")  # 1 month late
    pay(january, 4_850, date(2025, 4, 20), "B")  # 3 months late
    s = bill_statement(january, as_of=date(2025, 6, 1))
    assert [(m.base, m.fine) for m in s.fine_months] == [(14_850, 297), (4_850, 97), (4_850, 97)]
    assert s.fine == 491


def test_payments_after_the_as_of_date_do_not_count_yet(january):
    pay(january, 14_850, date(2025, 4, 20), "A")
    s = bill_statement(january, as_of=date(2025, 3, 1))
    assert (s.paid, s.unpaid, s.months_late, s.fine) == (0, 14_850, 1, 297)


def test_a_relief_month_is_fined_half_a_percent(world):
    verified_roster(world.kdi_dlhk, date(2020, 7, 1), [])
    roster = verified_roster(world.kdi_dlhk, date(2020, 10, 1), [275_000_000])
    before = world.kdi_dlhk.rosters.get(period=date(2020, 7, 1))
    before.entries.create(
        worker=roster.entries.get().worker,
        row_number=2,
        segment="non_asn",
        wage=1,
        start_date=date(2020, 1, 1),
    )
    bill_generate(unit=world.kdi_dlhk, period=date(2020, 10, 1))
    bill = bill_of(world.kdi_dlhk, date(2020, 10, 1))
    assert bill.total == 6_600 + 8_250  # 1% of 660.000 + 825.000
    assert bill.due_date == date(2020, 11, 30)
    s = bill_statement(bill, as_of=date(2021, 1, 15))
    assert s.fine_percent == Decimal("0.5")
    assert [(m.base, m.fine) for m in s.fine_months] == [(14_850, 74), (14_850, 74)]


def test_fines_can_be_switched_off(january, settings):
    settings.BPJS_LATE_FINES = False
    s = bill_statement(january, as_of=date(2025, 6, 1))
    assert (s.unpaid, s.months_late, s.fine, s.fine_months) == (14_850, 4, 0, [])


def test_statements_for_a_list_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        for month in (1, 2, 3):
            verified_roster(unit, date(2025, month, 1))
            bill_generate(unit=unit, period=date(2025, month, 1))
            pay(bill_of(unit, date(2025, month, 1)), 5_000, date(2025, 5, 1), f"{unit.pk}{month}")
    with django_assert_num_queries(3):  # rules, bills, allocations with payments
        statements = bill_statements(Bill.objects.all(), as_of=date(2025, 6, 1))
    assert len(statements) == 6


def test_units_in_arrears_per_regency_follow_the_user_scope(world):
    for unit in (world.kdi_dlhk, world.kdi_satpol, world.konut_opd):
        verified_roster(unit, JAN)
        bill_generate(unit=unit, period=JAN)
    pay(bill_of(world.kdi_satpol, JAN), 14_850, date(2025, 2, 1), "S")
    as_of = date(2025, 4, 1)
    sekda = units_in_arrears(user=world.user("sekda"), as_of=as_of)
    assert [(u.unit.code, u.unpaid, u.months_late, u.fine) for u in sekda] == [
        ("74.71-DLHK", 14_850, 2, 594)
    ]
    branch = units_in_arrears(user=world.user("branch_staff"), as_of=as_of)
    assert [u.unit.code for u in branch] == ["74.09-SETDA", "74.71-DLHK"]
    only_konut = units_in_arrears(user=world.user("branch_staff"), regency=world.konut, as_of=as_of)
    assert [u.unit.code for u in only_konut] == ["74.09-SETDA"]
    assert units_in_arrears(user=world.user("opd_treasurer"), as_of=as_of)[0].unit == world.kdi_dlhk
    assert units_in_arrears(user=world.user("village_treasurer"), as_of=as_of) == []
    assert units_in_arrears(user=world.user("sekda"), as_of=date(2025, 2, 17)) == []


def test_villages_that_paid_all_twelve_months_of_a_year(world):
    other = factories.VillageUnitFactory(village=Village.objects.get(code="74.09.01.2006"))
    for unit in (world.konut_village, other):
        for month in range(1, 13):
            period = date(2019, month, 1)
            verified_roster(unit, period, [2_000_000], segment="village_official")
            bill_generate(unit=unit, period=period)
            if unit == world.konut_village or month < 12:
                pay(bill_of(unit, period), 10_800, date(2020, 1, 31), f"{unit.code}-{month}")
    result = villages_paid_full_year(
        user=world.user("branch_staff"), regency=world.konut, year=2019
    )
    assert result.paid == [world.konut_village]
    assert result.not_paid == [other]
    assert (len(result.paid), result.total) == (1, 2)
    assert (
        villages_paid_full_year(user=world.user("sekda"), regency=world.konut, year=2019).total == 0
    )
