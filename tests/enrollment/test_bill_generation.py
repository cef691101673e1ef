"""Bills from verified rosters: one per unit and month, idempotent, recomputed while unpaid."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from enrollment.billing.services import bill_generate, bill_refresh_for_roster, bills_generate
from enrollment.models import Bill, BillLine, Roster
from tests import factories
from tests.enrollment.billing_helpers import bill_of, line_amounts, reverify, verified_roster

JAN = date(2025, 1, 1)


def test_one_bill_per_unit_itemised_per_worker_and_programme(world):
    roster = verified_roster(world.kdi_dlhk, JAN, [2_750_000, 3_000_000])
    result = bill_generate(unit=world.kdi_dlhk, period=JAN)
    assert (result.created, result.recomputed, result.unchanged) == (1, 0, 0)
    bill = bill_of(world.kdi_dlhk, JAN)
    niks = sorted(e.worker.nik for e in roster.entries.all())
    assert sorted(line_amounts(bill)) == sorted((n, p) for n in niks for p in ("JKK", "JKM"))
    assert bill.total == 6_600 + 8_250 + 7_200 + 9_000
    assert (bill.worker_count, bill.bases, bill.roster) == (2, "pu", roster)
    assert bill.due_date == date(2025, 2, 17)  # 15 Feb 2025 is a Saturday


def test_generating_twice_changes_nothing(world):
    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    bill = bill_of(world.kdi_dlhk, JAN)
    line_ids = sorted(bill.lines.values_list("pk", flat=True))
    history = bill.history.count()
    result = bill_generate(unit=world.kdi_dlhk, period=JAN)
    assert (result.created, result.recomputed, result.unchanged) == (0, 0, 1)
    assert not result.changed
    bill.refresh_from_db()
    assert sorted(bill.lines.values_list("pk", flat=True)) == line_ids
    assert bill.history.count() == history


def test_a_roster_verified_again_recomputes_its_unpaid_bill(world):
    roster = verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    worker = roster.entries.get().worker
    reverify(roster, wages={worker: 3_000_000}, add=[2_000_000])
    result = bill_refresh_for_roster(roster=roster, by=world.user("branch_staff"))
    assert result.recomputed == 1
    bill = bill_of(world.kdi_dlhk, JAN)
    assert bill.total == (7_200 + 9_000) + (4_800 + 6_000)
    assert bill.worker_count == 2
    assert not bill.lines.filter(kind=BillLine.Kind.ADJUSTMENT).exists()
    assert bill.history.first().history_user == world.user("branch_staff")
    assert bill.history.count() == 2


def test_a_roster_that_is_not_verified_is_not_billed(world):
    verified_roster(world.kdi_dlhk, JAN).__class__.objects.filter(unit=world.kdi_dlhk).update(
        status=Roster.Status.SUBMITTED
    )
    result = bill_generate(unit=world.kdi_dlhk, period=JAN)
    assert result.created == 0
    assert result.without_roster == 1
    assert not Bill.objects.exists()


def test_refresh_for_a_roster_not_verified_does_nothing(world):
    roster = verified_roster(world.kdi_dlhk, JAN)
    roster.status = Roster.Status.RETURNED
    assert not bill_refresh_for_roster(roster=roster).changed
    assert not Bill.objects.exists()


def test_asn_are_not_billed_and_workers_starting_after_the_month_are_not_billed(world):
    roster = verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    factories.RosterEntryFactory(roster=roster, segment="asn", wage=5_000_000)
    factories.RosterEntryFactory(roster=roster, wage=2_750_000, start_date=date(2025, 2, 1))
    factories.RosterEntryFactory(roster=roster, wage=2_750_000, start_date=date(2025, 1, 31))
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    bill = bill_of(world.kdi_dlhk, JAN)
    assert bill.worker_count == 2
    assert bill.total == 2 * 14_850


def test_a_unit_with_pu_and_bpu_workers_is_due_on_the_earlier_date(world):
    roster = verified_roster(world.kdi_dlhk, date(2025, 7, 1), [2_750_000])
    factories.RosterEntryFactory(roster=roster, segment="vulnerable", wage=1_000_000)
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 7, 1))
    bill = bill_of(world.kdi_dlhk, date(2025, 7, 1))
    assert (bill.bases, bill.due_date, bill.total) == ("bpu,pu", date(2025, 7, 15), 14_850 + 16_800)


def test_generating_for_a_regency_bills_only_its_units(world):
    for unit in (world.kdi_dlhk, world.kdi_satpol, world.konut_village, world.buton_opd):
        verified_roster(unit, JAN)
    result = bills_generate(period=JAN, regency=world.kendari)
    assert result.created == 2
    assert set(Bill.objects.values_list("unit__code", flat=True)) == {
        "74.71-DLHK",
        "74.71-SATPOLPP",
    }
    result = bills_generate(period=JAN)
    assert (result.created, result.unchanged) == (2, 2)


def test_a_rate_corrected_later_recomputes_unpaid_bills(world):
    from enrollment.models import ContributionRate

    verified_roster(world.kdi_dlhk, JAN, [2_750_000])
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    ContributionRate.objects.filter(programme="JKM", basis="pu").update(percent="0.35")
    result = bill_generate(unit=world.kdi_dlhk, period=JAN)
    assert result.recomputed == 1
    assert bill_of(world.kdi_dlhk, JAN).total == 6_600 + 9_625


def test_a_month_without_rates_is_refused(world):
    verified_roster(world.kdi_dlhk, date(2010, 1, 1))
    with pytest.raises(ValidationError) as error:
        bill_generate(unit=world.kdi_dlhk, period=date(2010, 1, 1))
    assert error.value.messages == ["Tidak ada tarif iuran yang berlaku untuk bulan 2010-01."]


def test_a_period_that_is_not_the_first_of_the_month_is_refused(world):
    with pytest.raises(ValidationError):
        bill_generate(unit=world.kdi_dlhk, period=date(2025, 1, 2))


def test_bills_are_computed_in_chunks_with_the_same_result(world, monkeypatch):
    from enrollment.billing import services as service

    monkeypatch.setattr(service, "CHUNK", 2)
    monkeypatch.setattr(service, "PG_CHUNK", 2)
    units = [factories.OpdFactory(code=f"74.71-POTONG{i}") for i in range(5)]
    for index, unit in enumerate(units):
        verified_roster(unit, JAN, [2_750_000] * (index + 1))
    result = bills_generate(period=JAN, regency=world.kendari)
    assert result.created == 5
    assert [bill_of(u, JAN).total for u in units] == [14_850 * n for n in range(1, 6)]
    assert [bill_of(u, JAN).worker_count for u in units] == [1, 2, 3, 4, 5]


def test_a_bill_of_bpu_workers_only_is_due_in_its_own_month(world):
    verified_roster(world.kdi_dlhk, date(2025, 7, 1), [1_000_000], segment="vulnerable")
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 7, 1))
    bill = bill_of(world.kdi_dlhk, date(2025, 7, 1))
    assert (bill.bases, bill.due_date) == ("bpu", date(2025, 7, 15))


def test_a_roster_of_asn_only_gives_a_nil_bill_due_on_the_usual_date(world):
    verified_roster(world.kdi_dlhk, JAN, [5_000_000], segment="asn")
    bill_generate(unit=world.kdi_dlhk, period=JAN)
    bill = bill_of(world.kdi_dlhk, JAN)
    assert (bill.total, bill.worker_count, bill.bases, bill.due_date) == (
        0,
        0,
        "",
        date(2025, 2, 17),
    )
    assert bill.status_for(0) == Bill.Status.NIL


def test_refresh_for_a_roster_whose_month_has_no_rates_reports_it_and_bills_nothing(world):
    roster = verified_roster(world.kdi_dlhk, date(2010, 1, 1))
    result = bill_refresh_for_roster(roster=roster)
    assert result.problems == ["Tidak ada tarif iuran yang berlaku untuk bulan 2010-01."]
    assert not Bill.objects.exists()


def test_a_bill_states_its_rounding_rule_in_indonesian_whatever_the_users_language(world):
    from django.utils import translation

    verified_roster(world.kdi_dlhk, JAN)
    with translation.override("en"):
        bill_generate(unit=world.kdi_dlhk, period=JAN)
    assert bill_of(world.kdi_dlhk, JAN).rounding_rule.startswith("Iuran dihitung per pekerja")
