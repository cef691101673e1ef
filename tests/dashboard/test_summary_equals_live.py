"""The coverage summary equals the live computation after each kind of write (issue #10)."""

from datetime import date

import pytest

from enrollment.billing.payments import payment_record
from enrollment.models import Bill, CoverageSummary, UnitMonthSummary
from enrollment.services.rosters import roster_return, roster_verify
from enrollment.summary import (
    coverage_live,
    month_end,
    months_between,
    summary_rebuild,
    this_month,
    unit_month_live,
)
from tests import factories

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)


def stored(unit_ids, period):
    coverage = {
        (r.unit_id, r.segment): (r.on_roster, r.covered, r.covered_regency, r.covered_province)
        for r in CoverageSummary.objects.filter(unit_id__in=unit_ids, period=period)
    }
    months = {
        r.unit_id: (r.roster_status, r.bill_total, r.bill_due_date, r.bill_paid_on, r.arrears)
        for r in UnitMonthSummary.objects.filter(unit_id__in=unit_ids, period=period)
    }
    return coverage, months


def live(unit_ids, period):
    coverage = {
        key: (f.on_roster, f.covered, f.covered_regency, f.covered_province)
        for key, f in coverage_live(unit_ids=unit_ids, period=period).items()
    }
    months = {
        unit_id: (f.roster_status, f.bill_total, f.bill_due_date, f.bill_paid_on, f.arrears)
        for unit_id, f in unit_month_live(unit_ids=unit_ids, period=period).items()
    }
    return coverage, months


def assert_summary_is_live(units):
    ids = [u.pk for u in units]
    for period in months_between(MARCH, this_month()):
        assert stored(ids, period) == live(ids, period), period


def roster(unit, period, workers, *, segment="non_asn"):
    r = factories.RosterFactory(unit=unit, period=period)
    for worker in workers:
        factories.RosterEntryFactory(roster=r, worker=worker, segment=segment, wage=2_750_000)
    return r


def test_summary_follows_verification_payment_return_and_double_enrolment(world, branch_staff):
    a, b, c = (factories.WorkerFactory() for _ in range(3))
    units = [world.kdi_dlhk, world.kdi_satpol, world.konut_village]

    roster_verify(roster=roster(world.kdi_dlhk, MARCH, [a, b]), by=branch_staff)
    assert_summary_is_live(units)
    march = CoverageSummary.objects.get(unit=world.kdi_dlhk, period=MARCH, segment="non_asn")
    assert (march.on_roster, march.covered) == (2, 2)

    bill = Bill.objects.get(unit=world.kdi_dlhk, period=MARCH)
    payment_record(
        unit=world.kdi_dlhk, amount=10_000, paid_on=date(2025, 4, 10), reference="P1", by=None
    )
    assert_summary_is_live(units)
    payment_record(
        unit=world.kdi_dlhk, amount=bill.total - 10_000, paid_on=date(2025, 4, 20), reference="P2"
    )
    assert_summary_is_live(units)
    row = UnitMonthSummary.objects.get(unit=world.kdi_dlhk, period=MARCH)
    assert row.bill_paid_on == date(2025, 4, 20)  # the day the second payment completed it

    # b leaves in April; c joins; a is also enrolled by Satpol PP (a double enrolment).
    roster_verify(roster=roster(world.kdi_dlhk, APRIL, [a, c]), by=branch_staff)
    assert_summary_is_live(units)
    roster_verify(roster=roster(world.kdi_satpol, APRIL, [a]), by=branch_staff)
    assert_summary_is_live(units)
    dlhk = CoverageSummary.objects.get(unit=world.kdi_dlhk, period=APRIL, segment="non_asn")
    satpol = CoverageSummary.objects.get(unit=world.kdi_satpol, period=APRIL, segment="non_asn")
    first, second = sorted([dlhk, satpol], key=lambda r: r.unit_id)
    assert (first.covered, first.covered_regency) == (2, 2)
    assert (second.covered, second.covered_regency, second.covered_province) == (1, 0, 0)

    roster_return(roster=roster(world.konut_village, MAY, [b]), by=branch_staff, reason="NIK salah")
    assert_summary_is_live(units)
    assert UnitMonthSummary.objects.get(unit=world.konut_village, period=MAY).roster_status == (
        "returned"
    )


def test_rebuild_gives_what_the_writes_kept(world, branch_staff):
    a = factories.WorkerFactory()
    roster_verify(roster=roster(world.kdi_dlhk, MARCH, [a]), by=branch_staff)
    kept = stored([world.kdi_dlhk.pk], MARCH)
    CoverageSummary.objects.all().delete()
    UnitMonthSummary.objects.all().delete()
    summary_rebuild(periods=[MARCH])
    assert stored([world.kdi_dlhk.pk], MARCH) == kept


def test_month_end():
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert month_end(date(2025, 12, 1)) == date(2025, 12, 31)
