"""For every model the admin shows: one row each role must see, one it must not.

`test_scoping_matrix.py` runs every role against every registered admin with
these; `test_every_registered_admin_has_a_scoping_case` fails when a model is
registered without a case here, so a new admin cannot skip the matrix.
Each case maps (world, role) to the in-scope object and world to the
out-of-scope one (None when every role may see every row, e.g. the province).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from axes.models import AccessAttempt

from bpjs_tracker.models import User
from bpjs_tracker.roles import Role
from claims.models import BenefitSchedule, Claim
from enrollment.billing.services import bill_generate
from enrollment.models import (
    Bill,
    BillLine,
    ContributionRate,
    ContributionRelief,
    Membership,
    Payment,
    PaymentRule,
    PublicHoliday,
    Roster,
    RosterEntry,
    RosterUpload,
    Worker,
)
from mou.models import Agreement, FollowUp, MonitoringMeeting, RegionalRegulation
from regencies.models import (
    BranchAssignment,
    BranchOffice,
    CoverageTarget,
    District,
    Province,
    Regency,
    Village,
    WorkUnit,
)
from tests import factories


@dataclass
class Case:
    inside: Callable[[Any, str], Any]
    outside: Callable[[Any], Any] | None


def _target(regency):
    return factories.CoverageTargetFactory(regency=regency, year=2025)


def _bill(unit):
    roster = factories.RosterFactory(unit=unit, period=date(2025, 1, 1), status="verified")
    factories.RosterEntryFactory(roster=roster)
    bill_generate(unit=unit, period=roster.period)
    return Bill.objects.get(unit=unit, period=roster.period)


def _payment(unit):
    return Payment.objects.create(
        unit=unit, amount=14_850, paid_on=date(2025, 2, 10), reference=f"UJI-{unit.code}"
    )


def _entry(unit):
    """A roster entry of `unit` (its roster and worker come with it)."""
    return factories.RosterEntryFactory(roster=factories.RosterFactory(unit=unit))


def _upload(unit):
    return RosterUpload.objects.create(
        unit=unit, period=datetime.date(2025, 1, 1), file="rosters/x.csv", original_name="x.csv"
    )


def _login_lock(world, role):
    return AccessAttempt.objects.get_or_create(
        username="dicoba", ip_address="10.0.0.1",
        defaults={"user_agent": "x", "failures_since_start": 5},
    )[0]  # fmt: skip


CASES: dict[type, Case] = {
    # Failed logins (django-axes): the province administrator only, who unlocks.
    AccessAttempt: Case(_login_lock, None),
    Province: Case(lambda w, role: Province.objects.get(code="74"), None),
    Regency: Case(lambda w, role: w.home_regency(role), lambda w: w.buton),
    District: Case(
        lambda w, role: w.home_regency(role).districts.first(), lambda w: w.buton.districts.first()
    ),
    Village: Case(
        lambda w, role: Village.objects.filter(district__regency=w.home_regency(role)).first(),
        lambda w: Village.objects.filter(district__regency=w.buton).first(),
    ),
    BranchOffice: Case(lambda w, role: w.kendari_branch, lambda w: w.baubau_branch),
    BranchAssignment: Case(
        lambda w, role: BranchAssignment.objects.get(regency=w.home_regency(role)),
        lambda w: BranchAssignment.objects.get(regency=w.buton),
    ),
    WorkUnit: Case(lambda w, role: w.home_unit(role), lambda w: w.buton_opd),
    CoverageTarget: Case(lambda w, role: _target(w.home_regency(role)), lambda w: _target(w.buton)),
    User: Case(lambda w, role: w.user(role), lambda w: w.user(Role.SEKDA)),
    Agreement: Case(
        lambda w, role: factories.AgreementFactory(regency=w.home_regency(role)),
        lambda w: factories.AgreementFactory(regency=w.buton, branch_office=w.baubau_branch),
    ),
    RegionalRegulation: Case(
        lambda w, role: factories.RegionalRegulationFactory(regency=w.home_regency(role)),
        lambda w: factories.RegionalRegulationFactory(regency=w.buton),
    ),
    MonitoringMeeting: Case(
        lambda w, role: factories.MonitoringMeetingFactory(regency=w.home_regency(role)),
        lambda w: factories.MonitoringMeetingFactory(regency=w.buton),
    ),
    FollowUp: Case(
        lambda w, role: factories.FollowUpFactory(meeting__regency=w.home_regency(role)),
        lambda w: factories.FollowUpFactory(meeting__regency=w.buton),
    ),
    # Contributions (issue #4): bills and payments belong to a unit; rules are province-wide.
    Bill: Case(lambda w, role: _bill(w.home_unit(role)), lambda w: _bill(w.buton_opd)),
    BillLine: Case(
        lambda w, role: _bill(w.home_unit(role)).lines.first(),
        lambda w: _bill(w.buton_opd).lines.first(),
    ),
    Payment: Case(lambda w, role: _payment(w.home_unit(role)), lambda w: _payment(w.buton_opd)),
    ContributionRate: Case(lambda w, role: ContributionRate.objects.first(), None),
    ContributionRelief: Case(lambda w, role: ContributionRelief.objects.first(), None),
    PaymentRule: Case(lambda w, role: PaymentRule.objects.first(), None),
    PublicHoliday: Case(
        lambda w, role: PublicHoliday.objects.get_or_create(
            date=datetime.date(2025, 8, 19), defaults={"name": "uji", "certainty": "unconfirmed"}
        )[0],
        None,
    ),
    Roster: Case(
        lambda w, role: factories.RosterFactory(unit=w.home_unit(role)),
        lambda w: factories.RosterFactory(unit=w.buton_opd),
    ),
    RosterEntry: Case(lambda w, role: _entry(w.home_unit(role)), lambda w: _entry(w.buton_opd)),
    RosterUpload: Case(lambda w, role: _upload(w.home_unit(role)), lambda w: _upload(w.buton_opd)),
    Worker: Case(
        lambda w, role: _entry(w.home_unit(role)).worker, lambda w: _entry(w.buton_opd).worker
    ),
    Membership: Case(
        lambda w, role: factories.MembershipFactory(unit=w.home_unit(role)),
        lambda w: factories.MembershipFactory(unit=w.buton_opd),
    ),
    # Claims (issue #9): a claim belongs to a unit; benefit schedules are province-wide.
    Claim: Case(
        lambda w, role: factories.ClaimFactory(unit=w.home_unit(role)),
        lambda w: factories.ClaimFactory(unit=w.buton_opd),
    ),
    BenefitSchedule: Case(lambda w, role: BenefitSchedule.objects.first(), None),
}
