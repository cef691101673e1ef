"""Verifying a roster bills its month at once (issue #3 meets issue #4)."""

from datetime import date

import pytest
from django.core.management import call_command

from enrollment.models import Bill
from enrollment.services.rosters import roster_verify
from tests import factories

pytestmark = pytest.mark.django_db


def test_verifying_a_roster_creates_its_bill(world, branch_staff):
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=date(2025, 1, 1))
    factories.RosterEntryFactory(roster=roster, wage=2_750_000)
    result = roster_verify(roster=roster, by=branch_staff)
    bill = Bill.objects.get(unit=world.kdi_dlhk, period=date(2025, 1, 1))
    assert result.billing.created == 1
    assert bill.total == 6_600 + 8_250


def test_verify_roster_command_reports_the_bill(world, capsys):
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=date(2025, 1, 1))
    factories.RosterEntryFactory(roster=roster, wage=2_750_000)
    call_command("verify_roster", "--unit", "74.71-DLHK", "--period", "2025-01")
    assert "bill: 74.71-DLHK 2025-01 created: 1" in capsys.readouterr().out
