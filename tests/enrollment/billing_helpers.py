"""Verified rosters, re-verification and payments for billing tests, without the roster import."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from enrollment.billing.services import bill_generate
from enrollment.models import Bill, Roster, RosterEntry
from tests import factories


def verified_roster(
    unit, period: date, wages=(2_750_000,), *, segment="non_asn", status="verified", **entry
):
    """A roster of `unit` for `period` (verified unless `status` says), one worker per wage."""
    roster = factories.RosterFactory(unit=unit, period=period, status=status)
    for wage in wages:
        factories.RosterEntryFactory(roster=roster, wage=wage, segment=segment, **entry)
    return roster


def reverify(roster: Roster, *, wages: dict | None = None, add=(), remove=()) -> Roster:
    """Change a verified roster the way a re-upload + verification would, and bump verified_at.

    `wages`: {worker: new wage}; `add`: wages of new workers; `remove`: workers who left.
    """
    for worker, wage in (wages or {}).items():
        RosterEntry.objects.filter(roster=roster, worker=worker).update(wage=wage)
    for wage in add:
        factories.RosterEntryFactory(roster=roster, wage=wage)
    RosterEntry.objects.filter(roster=roster, worker__in=list(remove)).delete()
    roster.status = Roster.Status.VERIFIED
    roster.verified_at = (roster.verified_at or timezone.now()) + timedelta(seconds=1)
    roster.save()
    return roster


@pytest.fixture(name="bills")
def two_units_billed_jan_feb(world):
    """The `bills` of the payment import tests (in process and as jobs): DLHK and Satpol PP
    of Kendari billed January and February 2025, Rp 14.850 a month each, nothing paid.
    Import it where it is used (`# noqa: F401`)."""
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        for period in (date(2025, 1, 1), date(2025, 2, 1)):
            verified_roster(unit, period, [2_750_000])  # Rp 14.850 a month
            bill_generate(unit=unit, period=period)
    return world


def bill_of(unit, period: date) -> Bill:
    return Bill.objects.get(unit=unit, period=period)


def line_amounts(bill: Bill, kind: str = "contribution") -> dict:
    """{(nik, programme): amount} of a bill's lines of `kind`."""
    return {
        (line.nik, part.programme): part.amount
        for line in bill.lines.filter(kind=kind)
        for part in line.parts()
    }


def programme_amounts(bill: Bill) -> dict:
    """{programme: amount} of a one-worker bill."""
    return {programme: amount for (_nik, programme), amount in line_amounts(bill).items()}
