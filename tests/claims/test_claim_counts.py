"""claim_counts (the interface #10's dashboard reads): open, paid and late per unit on a day."""

from datetime import date

import pytest

from claims.models import Claim
from claims.selectors import ClaimCounts, claim_counts
from tests import factories

pytestmark = pytest.mark.django_db


def test_counts_open_paid_and_late_per_unit(world):
    unit, other = world.kdi_dlhk, world.kdi_satpol
    # JKM, checklist complete Fri 5 Nov 2021: 3 working days → Wed 10 Nov 2021.
    factories.ClaimFactory(
        unit=unit, status=Claim.Status.SUBMITTED, documents_complete_on=date(2021, 11, 5)
    )
    factories.ClaimFactory(unit=unit, status=Claim.Status.VERIFIED)  # clock not started
    factories.ClaimFactory(
        unit=unit, status=Claim.Status.PAID, paid_on=date(2021, 11, 8), paid_amount=42_000_000
    )
    factories.ClaimFactory(unit=unit, status=Claim.Status.DRAFT)
    factories.ClaimFactory(unit=other, status=Claim.Status.REJECTED, rejection_reason="x")

    on_deadline = claim_counts(unit_ids=[unit.pk, other.pk], as_of=date(2021, 11, 10))
    day_after = claim_counts(unit_ids=[unit.pk], as_of=date(2021, 11, 11))

    assert on_deadline == {unit.pk: ClaimCounts(open=2, paid=1, late=0)}
    assert day_after == {unit.pk: ClaimCounts(open=2, paid=1, late=1)}


def test_a_claim_paid_after_the_day_was_still_open_then(world):
    unit = world.kdi_dlhk
    factories.ClaimFactory(
        unit=unit,
        status=Claim.Status.PAID,
        documents_complete_on=date(2021, 11, 5),
        paid_on=date(2021, 11, 15),
        paid_amount=42_000_000,
    )
    assert claim_counts(unit_ids=None, as_of=date(2021, 11, 12)) == {
        unit.pk: ClaimCounts(open=1, paid=0, late=1)
    }
    assert claim_counts(unit_ids=None, as_of=date(2021, 11, 15)) == {
        unit.pk: ClaimCounts(open=0, paid=1, late=0)
    }
