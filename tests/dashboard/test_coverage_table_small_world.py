"""The dashboard's figures for a small world computed by hand (issue #10).

Kota Kendari (74.71), March 2025:
- DLHK, verified roster: A and B covered (JKK + JKM since January); C left on 28 Feb;
  D joins in April. Its February bill (14.850) is unpaid on 31 March; its March bill
  (29.700, due 15 April) was paid on 20 April: late.
- Satpol PP, roster submitted (not verified): A again (a double enrolment, counted once in
  the regency); E has JKK only (not covered).
  → covered 2 (A, B) against a target of 10: 20,0 %; arrears 14.850 in 1 unit.
Konawe Utara (74.09):
- the village: F and G (village officials) covered; March bill 20.000 paid 10 April, on time;
- Setda: H, a BPU (vulnerable) worker whose unit's BPU members are inactive since 1 March.
  → covered 2, 1 BPU member inactive, no target.
Buton (74.04): one unit, nothing else: a row of zeros.
Province: 4 people covered (A, B, F, G), 1 double enrolment.
"""

from datetime import date

import pytest
from django.utils import timezone

from bpjs_tracker.dashboard import interfaces
from bpjs_tracker.dashboard.selectors import coverage_table
from enrollment.models import Bill, Payment, PaymentAllocation
from enrollment.summary import summary_rebuild
from regencies.models import Regency
from tests import factories

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)
AS_OF = date(2025, 6, 30)


def member(worker, unit, start, end=None, programmes=("JKK", "JKM")):
    for programme in programmes:
        factories.MembershipFactory(
            worker=worker, unit=unit, programme=programme, start=start, end=end
        )


def on_roster(unit, status, workers, segment="non_asn"):
    roster = factories.RosterFactory(unit=unit, period=MARCH, status=status)
    for w in workers:
        factories.RosterEntryFactory(roster=roster, worker=w, segment=segment)


def bill(unit, period, total, due, paid_on=None):
    b = Bill.objects.create(
        unit=unit, period=period, due_date=due, total=total, contribution_total=total,
        rounding_rule="uji", computed_at=timezone.now(),
    )  # fmt: skip
    if paid_on:
        p = Payment.objects.create(unit=unit, amount=total, paid_on=paid_on, reference=f"R{b.pk}")
        PaymentAllocation.objects.create(payment=p, bill=b, amount=total)
    return b


@pytest.fixture
def small_world(world, monkeypatch):
    a, b, c, d, e, f, g, h = (factories.WorkerFactory() for _ in range(8))
    jan = date(2025, 1, 1)
    member(a, world.kdi_dlhk, jan)
    member(b, world.kdi_dlhk, jan)
    member(c, world.kdi_dlhk, jan, end=date(2025, 2, 28))
    member(d, world.kdi_dlhk, date(2025, 4, 1))
    on_roster(world.kdi_dlhk, "verified", [a, b])
    member(a, world.kdi_satpol, date(2025, 2, 1))
    member(e, world.kdi_satpol, jan, programmes=("JKK",))
    on_roster(world.kdi_satpol, "submitted", [a, e])
    member(f, world.konut_village, jan)
    member(g, world.konut_village, jan)
    on_roster(world.konut_village, "verified", [f, g], segment="village_official")
    member(h, world.konut_opd, jan)
    on_roster(world.konut_opd, "verified", [h], segment="vulnerable")
    bill(world.kdi_dlhk, date(2025, 2, 1), 14_850, date(2025, 3, 17))
    bill(world.kdi_dlhk, MARCH, 29_700, date(2025, 4, 15), paid_on=date(2025, 4, 20))
    bill(world.konut_village, MARCH, 20_000, date(2025, 4, 15), paid_on=date(2025, 4, 10))
    factories.CoverageTargetFactory(regency=world.kendari, year=2025, target=10)
    lapsed = {world.konut_opd.pk: [(MARCH, None)]}
    monkeypatch.setattr(
        interfaces,
        "bpu_inactive_spans",
        lambda unit_ids: {u: lapsed[u] for u in unit_ids if u in lapsed},
    )
    summary_rebuild(periods=[MARCH])
    return world


def rows_by_code(table):
    return {row.code: row for row in table.rows}


def test_province_sees_every_regency_with_hand_computed_figures(small_world, province_admin):
    table = coverage_table(user=province_admin, period=MARCH, as_of=AS_OF)
    rows = rows_by_code(table)
    assert len(rows) == Regency.objects.count()  # every regency, zeros where no data
    kendari, konut, buton = rows["74.71"], rows["74.09"], rows["74.04"]
    assert (kendari.target, kendari.covered, kendari.coverage_pct) == (10, 2, 20.0)
    assert (kendari.units, kendari.units_verified, kendari.units_submitted) == (2, 1, 1)
    assert (kendari.units_missing, kendari.bills, kendari.bills_paid_on_time) == (0, 1, 0)
    assert kendari.paid_on_time_pct == 0.0
    assert (kendari.arrears, kendari.units_in_arrears, kendari.double_enrolments) == (14_850, 1, 1)
    assert (konut.covered, konut.bpu_inactive, konut.target, konut.coverage_pct) == (
        2,
        1,
        None,
        None,
    )
    assert (konut.units, konut.units_verified, konut.paid_on_time_pct) == (2, 2, 100.0)
    assert (buton.covered, buton.units, buton.units_missing, buton.arrears) == (0, 1, 1, 0)
    assert table.total.covered == 4
    assert table.total.double_enrolments == 1


def test_sekda_sees_the_units_of_the_regency(small_world, sekda):
    table = coverage_table(user=sekda, period=MARCH, as_of=AS_OF)
    assert table.level == "unit"
    rows = rows_by_code(table)
    assert set(rows) == {"74.71-DLHK", "74.71-SATPOLPP"}
    assert rows["74.71-DLHK"].covered == 2
    assert rows["74.71-SATPOLPP"].covered == 1  # A, enrolled here too
    assert table.total.covered == 2  # A counted once in the regency
    assert table.total.target == 10


def test_treasurer_sees_only_their_unit(small_world, opd_treasurer):
    table = coverage_table(user=opd_treasurer, period=MARCH, as_of=AS_OF)
    assert [r.code for r in table.rows] == ["74.71-DLHK"]
    assert table.rows[0].arrears == 14_850


def test_a_unit_paid_a_full_year_counts_only_once_all_twelve_are_paid(world, province_admin):
    unit = world.konut_village
    for month in range(1, 13):
        period = date(2024, month, 1)
        paid_on = date(2025, 1, 10) if month == 12 else date(2024, month, 10)
        bill(unit, period, 20_000, date(2024, month, 15), paid_on=paid_on)
    summary_rebuild(periods=[date(2024, m, 1) for m in range(1, 13)])
    december = date(2024, 12, 1)
    before = coverage_table(user=province_admin, period=december, as_of=date(2025, 1, 9))
    after = coverage_table(user=province_admin, period=december, as_of=date(2025, 1, 10))
    assert rows_by_code(before)["74.09"].units_paid_full_year == 0
    assert rows_by_code(after)["74.09"].units_paid_full_year == 1
