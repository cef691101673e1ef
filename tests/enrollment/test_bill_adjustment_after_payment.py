"""A paid bill is never changed: a re-verified roster's difference goes on the next unpaid bill."""

from datetime import date

from enrollment.billing.payments import payment_record
from enrollment.billing.services import bill_generate, bill_refresh_for_roster
from enrollment.models import BillLine
from tests.enrollment.billing_helpers import bill_of, line_amounts, reverify, verified_roster

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def _pay(bill, amount=None, reference=None, paid_on=date(2025, 2, 10)):
    return payment_record(
        unit=bill.unit,
        amount=amount if amount is not None else bill.total,
        paid_on=paid_on,
        reference=reference or f"REF-{bill.period:%Y%m}-{amount}",
        bill=bill,
    )


def _adjustments(bill):
    return {
        (line.nik, part.programme): (part.amount, line.adjusts.period)
        for line in bill.lines.filter(kind=BillLine.Kind.ADJUSTMENT).select_related("adjusts")
        for part in line.parts()
    }


def _setup(world, wage=2_750_000):
    jan = verified_roster(world.kdi_dlhk, JAN, [wage])
    feb = verified_roster(world.kdi_dlhk, FEB, [])
    worker = jan.entries.get().worker
    feb.entries.create(
        worker=worker, row_number=2, segment="non_asn", wage=wage, start_date=date(2020, 1, 1)
    )
    return jan, feb, worker


def test_a_re_verified_roster_after_payment_adjusts_the_next_bill(world):
    jan, feb, worker = _setup(world)
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    bill_generate(unit=world.kdi_dlhk, period=FEB)
    january = bill_of(world.kdi_dlhk, JAN)
    _pay(january)
    before = (january.total, line_amounts(january), january.history.count())

    reverify(jan, wages={worker: 3_000_000})
    result = bill_refresh_for_roster(roster=jan)

    january.refresh_from_db()
    assert (january.total, line_amounts(january), january.history.count()) == before
    assert (result.locked_changed, result.adjusted) == (1, 1)
    february = bill_of(world.kdi_dlhk, FEB)
    assert _adjustments(february) == {
        (worker.nik, "JKK"): (7_200 - 6_600, JAN),
        (worker.nik, "JKM"): (9_000 - 8_250, JAN),
    }
    assert february.adjustment_total == 1_350
    assert february.total == 14_850 + 1_350


def test_refreshing_again_does_not_add_the_adjustment_twice(world):
    jan, feb, worker = _setup(world)
    for period in (JAN, FEB):
        bill_generate(unit=world.kdi_dlhk, period=period)
    _pay(bill_of(world.kdi_dlhk, JAN))
    reverify(jan, wages={worker: 3_000_000})
    bill_refresh_for_roster(roster=jan)
    lines = sorted(bill_of(world.kdi_dlhk, FEB).lines.values_list("pk", flat=True))
    result = bill_refresh_for_roster(roster=jan)
    assert result.adjusted == 0
    assert sorted(bill_of(world.kdi_dlhk, FEB).lines.values_list("pk", flat=True)) == lines
    assert bill_of(world.kdi_dlhk, FEB).total == 16_200


def test_a_difference_waits_for_the_next_bill_when_there_is_none_yet(world):
    jan, feb, worker = _setup(world)
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    _pay(bill_of(world.kdi_dlhk, JAN))
    reverify(jan, add=[2_000_000])
    result = bill_refresh_for_roster(roster=jan)
    assert (result.pending_adjustments, result.pending_amount) == (1, 4_800 + 6_000)
    bill_generate(unit=world.kdi_dlhk, period=FEB)
    february = bill_of(world.kdi_dlhk, FEB)
    assert february.adjustment_total == 10_800
    assert february.total == 14_850 + 10_800


def test_a_second_change_replaces_the_carried_difference(world):
    jan, feb, worker = _setup(world)
    for period in (JAN, FEB):
        bill_generate(unit=world.kdi_dlhk, period=period)
    _pay(bill_of(world.kdi_dlhk, JAN))
    reverify(jan, wages={worker: 3_000_000})
    bill_refresh_for_roster(roster=jan)
    reverify(jan, wages={worker: 2_500_000})
    bill_refresh_for_roster(roster=jan)
    assert _adjustments(bill_of(world.kdi_dlhk, FEB)) == {
        (worker.nik, "JKK"): (6_000 - 6_600, JAN),
        (worker.nik, "JKM"): (7_500 - 8_250, JAN),
    }


def test_when_the_next_bill_is_paid_too_the_rest_goes_to_the_one_after(world):
    jan, feb, worker = _setup(world)
    mar = verified_roster(world.kdi_dlhk, MAR, [])
    mar.entries.create(
        worker=worker, row_number=2, segment="non_asn", wage=2_750_000, start_date=date(2020, 1, 1)
    )
    for period in (JAN, FEB):
        bill_generate(unit=world.kdi_dlhk, period=period)
    _pay(bill_of(world.kdi_dlhk, JAN))
    reverify(jan, wages={worker: 3_000_000})
    bill_refresh_for_roster(roster=jan)
    _pay(bill_of(world.kdi_dlhk, FEB), paid_on=date(2025, 3, 10))
    reverify(jan, wages={worker: 3_500_000})
    bill_refresh_for_roster(roster=jan)
    assert bill_of(world.kdi_dlhk, FEB).total == 16_200  # paid: unchanged
    bill_generate(unit=world.kdi_dlhk, period=MAR)
    assert _adjustments(bill_of(world.kdi_dlhk, MAR)) == {
        (worker.nik, "JKK"): (8_400 - 7_200, JAN),
        (worker.nik, "JKM"): (10_500 - 9_000, JAN),
    }


def test_a_partly_paid_bill_is_not_recomputed_either(world):
    jan, feb, worker = _setup(world)
    for period in (JAN, FEB):
        bill_generate(unit=world.kdi_dlhk, period=period)
    _pay(bill_of(world.kdi_dlhk, JAN), amount=5_000)
    reverify(jan, remove=[worker])
    bill_refresh_for_roster(roster=jan)
    assert bill_of(world.kdi_dlhk, JAN).total == 14_850
    assert bill_of(world.kdi_dlhk, FEB).adjustment_total == -14_850
    assert bill_of(world.kdi_dlhk, FEB).total == 0


def test_recomputing_the_next_bill_keeps_the_carried_difference(world):
    jan, feb, worker = _setup(world)
    for period in (JAN, FEB):
        bill_generate(unit=world.kdi_dlhk, period=period)
    _pay(bill_of(world.kdi_dlhk, JAN))
    reverify(jan, wages={worker: 3_000_000})
    bill_refresh_for_roster(roster=jan)
    reverify(feb, add=[2_000_000])
    result = bill_refresh_for_roster(roster=feb)
    assert result.recomputed == 1
    february = bill_of(world.kdi_dlhk, FEB)
    assert february.contribution_total == 14_850 + 10_800
    assert february.adjustment_total == 1_350
    assert february.total == 14_850 + 10_800 + 1_350
