"""Eligibility on the date of death, each check with its result and rule, in Indonesian."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from claims.assessment import FAIL, OK, WARN, claim_assess
from claims.models import Claim
from claims.selectors import contribution_months, wage_on
from claims.services import claim_save, claim_verify
from enrollment.billing.services import bill_generate
from enrollment.models import Programme
from tests import factories
from tests.enrollment.billing_helpers import verified_roster

pytestmark = pytest.mark.django_db


def check(claim, key):
    return next(c for c in claim_assess(claim).checks if c.key == key)


def member(worker, unit, start, end=None):
    for programme in (Programme.JKK, Programme.JKM):
        factories.MembershipFactory(
            worker=worker, unit=unit, programme=programme, start=start, end=end
        )


def test_a_death_during_an_active_membership_passes(world):
    worker = factories.WorkerFactory()
    member(worker, world.kdi_dlhk, date(2019, 1, 1))
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, worker=worker)
    result = check(claim, "membership")
    assert result.outcome == OK
    assert result.result.startswith("Aktif: JKM melalui 74.71-DLHK")


def test_a_death_after_the_worker_left_the_roster_is_refused_with_the_reason(world, branch_staff):
    worker = factories.WorkerFactory()
    member(worker, world.kdi_dlhk, date(2019, 1, 1), end=date(2021, 6, 30))
    claim = claim_save(
        claim=Claim(unit=world.kdi_dlhk, worker=worker, programme="JKM",
                    date_of_death=date(2021, 10, 10), reported_on=date(2021, 10, 12)),
        by=branch_staff,
    )  # fmt: skip
    result = check(claim, "membership")
    assert result.outcome == FAIL
    assert "berakhir 30-06-2021" in result.result
    assert "sebelum tanggal meninggal 10-10-2021" in result.result
    assert claim.membership is None
    assert not claim_assess(claim).eligible


def test_verifying_an_ineligible_claim_is_refused_with_the_reason(world, branch_staff):
    worker = factories.WorkerFactory()
    member(worker, world.kdi_dlhk, date(2019, 1, 1), end=date(2021, 6, 30))
    claim = factories.ClaimFactory(
        unit=world.kdi_dlhk, worker=worker, status=Claim.Status.SUBMITTED
    )
    with pytest.raises(ValidationError) as raised:
        claim_verify(claim=claim, by=branch_staff)
    assert "berakhir 30-06-2021" in raised.value.messages[0]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert claim.status_changes.count() == 0


def test_the_units_arrears_on_the_date_of_death_are_shown_and_flagged_beyond_3_months(world):
    # One worker at Rp 2.750.000: JKK 0,24% = 6.600 + JKM 0,30% = 8.250 → Rp 14.850 a month.
    # Feb–Jul 2021 unpaid; on 10 Oct 2021 all six are past due (Feb's since 15 Mar: 7 months).
    unit = world.kdi_dlhk
    for month in range(2, 8):
        verified_roster(unit, date(2021, month, 1))
        bill_generate(unit=unit, period=date(2021, month, 1))
    claim = factories.ClaimFactory(unit=unit, date_of_death=date(2021, 10, 10))
    result = check(claim, "arrears")
    assert result.outcome == WARN
    assert (
        result.result == "Rp 89.100 dari 6 tagihan, terlambat 7 bulan (sejak bulan iuran 02-2021)."
    )


def test_arrears_of_one_month_are_shown_without_the_flag(world):
    unit = world.kdi_dlhk
    verified_roster(unit, date(2021, 6, 1))
    bill_generate(unit=unit, period=date(2021, 6, 1))  # due Thu 15 Jul 2021
    claim = factories.ClaimFactory(unit=unit, date_of_death=date(2021, 8, 10))
    result = check(claim, "arrears")
    assert result.outcome == "info"
    assert result.result.startswith("Rp 14.850 dari 1 tagihan, terlambat 1 bulan")


def test_no_arrears_reads_so(world):
    assert (
        check(factories.ClaimFactory(unit=world.kdi_dlhk), "arrears").result
        == "Tidak ada tunggakan."
    )


@pytest.mark.parametrize(
    ("accident", "reported", "outcome"),
    [
        (date(2021, 1, 10), date(2026, 1, 10), OK),  # PP 82/2019: 5 years, the last day
        (date(2021, 1, 10), date(2026, 1, 11), FAIL),
        (date(2018, 5, 1), date(2020, 5, 1), OK),  # accident before PP 82/2019: 2 years
        (date(2018, 5, 1), date(2020, 5, 2), FAIL),
    ],
)
def test_a_jkk_claim_lodged_after_the_limit_is_refused(world, accident, reported, outcome):
    claim = factories.ClaimFactory(
        unit=world.kdi_dlhk, programme="JKK", accident_date=accident,
        date_of_death=accident, reported_on=reported, wage=3_000_000,
    )  # fmt: skip
    assert check(claim, "jkk_lapse").outcome == outcome


def test_the_jkk_wage_comes_from_the_verified_roster_in_force(world, branch_staff):
    unit = world.kdi_dlhk
    worker = factories.WorkerFactory()
    for month, wage, status in [
        (8, 2_900_000, "verified"),
        (9, 3_000_000, "verified"),
        (10, 3_500_000, "submitted"),
    ]:
        roster = factories.RosterFactory(unit=unit, period=date(2021, month, 1), status=status)
        factories.RosterEntryFactory(roster=roster, worker=worker, wage=wage)
    assert wage_on(worker, unit, date(2021, 10, 14)) == 3_000_000  # October's is not verified
    claim = claim_save(
        claim=Claim(unit=unit, worker=worker, programme="JKK", accident_date=date(2021, 10, 14),
                    date_of_death=date(2021, 10, 14), reported_on=date(2021, 10, 15)),
        by=branch_staff,
    )  # fmt: skip
    assert claim.wage == 3_000_000
    factories.HeirFactory(claim=claim)
    assert claim_assess(claim).breakdown.total == 144_000_000 + 12_000_000 + 10_000_000


def test_contribution_months_count_each_month_once(world):
    worker = factories.WorkerFactory()
    factories.MembershipFactory(
        worker=worker,
        programme="JKM",
        unit=world.kdi_dlhk,
        start=date(2018, 11, 1),
        end=date(2019, 12, 31),
    )
    factories.MembershipFactory(worker=worker, programme="JKM", unit=world.kdi_satpol,
                                start=date(2019, 12, 1))  # fmt: skip
    # Nov 2018 – Oct 2021 = 36 months (Dec 2019 counted once).
    assert contribution_months(worker, until=date(2021, 10, 14)) == 36
    assert contribution_months(worker, until=date(2021, 9, 30)) == 35


# --- BPU lapse (issue #8's enrollment.billing.lapse.cover_on) ---------------------------------


def test_a_bpu_death_in_an_inactive_month_is_refused_with_the_reason(world):
    unit = world.konut_village
    worker = factories.WorkerFactory()
    # Jan–Apr 2025 BPU bills never paid: inactive from 1 Apr 2025 (3 unpaid months).
    for month in (1, 2, 3, 4):
        roster = verified_roster(unit, date(2025, month, 1), [], segment="vulnerable")
        factories.RosterEntryFactory(
            roster=roster, worker=worker, wage=1_000_000, segment="vulnerable"
        )
        bill_generate(unit=unit, period=date(2025, month, 1))
    member(worker, unit, date(2025, 1, 1))
    claim = factories.ClaimFactory(unit=unit, worker=worker, date_of_death=date(2025, 4, 20))
    result = check(claim, "membership")
    assert result.outcome == FAIL
    assert "tidak aktif sejak 01-04-2025" in result.result
    assert not claim_assess(claim).eligible
