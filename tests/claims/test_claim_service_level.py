"""The service-level clock: deadline in working days from a complete checklist, 1% a day late."""

from datetime import date
from decimal import Decimal

import pytest

from claims.assessment import claim_assess
from claims.benefits import late_compensation, service_deadline
from claims.models import Claim
from claims.selectors import ClaimCounts, claim_counts, claim_deadline
from enrollment.billing.calendar import add_working_days
from tests import factories

pytestmark = pytest.mark.django_db

# 17 Aug 2021 (Tuesday) is Independence Day (fixtures/public_holidays.csv).
HOLIDAYS = {date(2021, 8, 17)}


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (date(2021, 8, 13), 3, date(2021, 8, 19)),  # Fri → Mon 16, (Tue 17 holiday), Wed 18, Thu 19
        (date(2021, 8, 13), 7, date(2021, 8, 25)),  # JKK: 16, 18, 19, 20, 23, 24, 25
        (date(2021, 8, 11), 3, date(2021, 8, 16)),  # Wed → Thu 12, Fri 13, (weekend), Mon 16
        (
            date(2021, 8, 14),
            3,
            date(2021, 8, 19),
        ),  # complete on a Saturday: the clock starts Monday
    ],
)
def test_the_deadline_skips_weekends_and_holidays(start, days, deadline):
    assert service_deadline(start, days, HOLIDAYS) == deadline
    assert add_working_days(start, days) == deadline  # the due dates' calendar agrees


@pytest.mark.parametrize(
    ("paid_on", "days_late", "owed"),
    [
        (date(2021, 8, 19), 0, 0),  # on the deadline
        (date(2021, 8, 20), 1, 420_000),  # 1% of Rp 42.000.000
        (date(2021, 8, 23), 4, 1_680_000),  # across the weekend: calendar days count
    ],
)
def test_late_payment_owes_one_percent_of_the_cash_benefit_per_day(paid_on, days_late, owed):
    lateness = late_compensation(
        cash_total=42_000_000, deadline=date(2021, 8, 19), day=paid_on, percent_per_day=Decimal(1)
    )
    assert (lateness.is_late, lateness.days_late, lateness.amount_owed) == (
        bool(days_late),
        days_late,
        owed,
    )
    assert "1% dari santunan tunai Rp 42.000.000 untuk setiap hari kalender" in lateness.rule


def test_a_jkm_claim_complete_before_a_holiday_is_late_after_the_third_working_day(world):
    claim = factories.ClaimFactory(
        unit=world.kdi_dlhk,
        status=Claim.Status.VERIFIED,
        date_of_death=date(2021, 8, 5),
        documents_complete_on=date(2021, 8, 13),
    )
    factories.HeirFactory(claim=claim, is_recipient=True)
    assert claim_deadline(claim) == date(2021, 8, 19)

    on_time = claim_assess(claim, today=date(2021, 8, 19))
    late = claim_assess(claim, today=date(2021, 8, 23))

    assert (on_time.lateness.is_late, on_time.days_left) == (False, 0)
    assert (late.lateness.days_late, late.lateness.amount_owed, late.days_left) == (
        4,
        1_680_000,
        -4,
    )
    assert claim_counts(unit_ids=[world.kdi_dlhk.pk], as_of=date(2021, 8, 19)) == {
        world.kdi_dlhk.pk: ClaimCounts(open=1, paid=0, late=0)
    }
    assert claim_counts(unit_ids=[world.kdi_dlhk.pk], as_of=date(2021, 8, 20)) == {
        world.kdi_dlhk.pk: ClaimCounts(open=1, paid=0, late=1)
    }


def test_the_scholarship_is_not_in_the_late_amount(world):
    claim = factories.ClaimFactory(
        unit=world.kdi_dlhk, programme="JKK", accident_date=date(2021, 8, 1),
        date_of_death=date(2021, 8, 2), reported_on=date(2021, 8, 3), wage=3_000_000,
        status=Claim.Status.APPROVED, documents_complete_on=date(2021, 8, 13),
    )  # fmt: skip
    factories.HeirFactory(
        claim=claim, relationship="child", scholarship_eligible=True, school_level="sma"
    )
    claim.status, claim.paid_on, claim.paid_amount = Claim.Status.PAID, date(2021, 8, 27), 1
    assessment = claim_assess(claim, today=date(2021, 9, 30))
    # JKK deadline Wed 25 Aug; paid Fri 27 Aug: 2 days × 1% × Rp 166.000.000 (cash only).
    assert assessment.breakdown.scholarship.max_total == 87_000_000
    assert (assessment.lateness.days_late, assessment.lateness.amount_owed) == (2, 3_320_000)


def test_the_clock_does_not_run_while_the_checklist_is_incomplete(world):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, status=Claim.Status.SUBMITTED)
    assert claim_deadline(claim) is None
    assert claim_assess(claim, today=date(2030, 1, 1)).lateness is None
