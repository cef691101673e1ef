"""Verifying a roster of a month long past copies the months that cannot differ (issue #13).

`summary_refresh` recomputes the month of the change, then copies its covered figures to the
following months while no JKK/JKM membership of the workers involved starts or ends and no
unit involved has a verified roster (`_unchanged_until`). The stored summary must still
equal the live computation of every month, on a random world of past rosters, shared workers,
segments, leavers and memberships ending by hand.
"""

import random
from datetime import date, timedelta
from unittest import mock

import pytest

from enrollment import summary
from enrollment.models import CoverageSummary, Membership
from enrollment.services.rosters import roster_verify
from enrollment.summary import coverage_live, months_between, this_month
from tests import factories

pytestmark = pytest.mark.django_db

FIRST = date(2025, 1, 1)
SEGMENTS = ["non_asn", "vulnerable"]


def _stored(unit_ids, period):
    return {
        (r.unit_id, r.segment): (r.on_roster, r.covered, r.covered_regency, r.covered_province)
        for r in CoverageSummary.objects.filter(unit_id__in=unit_ids, period=period)
    }


def _live(unit_ids, period):
    return {
        key: (f.on_roster, f.covered, f.covered_regency, f.covered_province)
        for key, f in coverage_live(unit_ids=unit_ids, period=period).items()
    }


def _roster(rng, unit, period, workers):
    roster = factories.RosterFactory(unit=unit, period=period)
    for row, worker in enumerate(rng.sample(workers, rng.randint(1, len(workers)))):
        factories.RosterEntryFactory(
            roster=roster, worker=worker, row_number=row + 2, segment=rng.choice(SEGMENTS)
        )
    return roster


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_copied_months_equal_the_full_recomputation_on_a_random_world(world, branch_staff, seed):
    rng = random.Random(seed)
    units = [world.kdi_dlhk, world.kdi_satpol, world.konut_opd, world.buton_opd]
    ids = [u.pk for u in units]
    workers = [factories.WorkerFactory() for _ in range(14)]
    months = months_between(FIRST, FIRST + timedelta(days=330))
    real_live = summary.coverage_live
    computed = []

    def counting(**kwargs):
        computed.append(kwargs["period"])
        return real_live(**kwargs)

    with mock.patch.object(summary, "coverage_live", side_effect=counting):
        for _step in range(8):
            unit = rng.choice(units)
            period = rng.choice(months)
            if unit.rosters.filter(period=period).exists():
                continue
            roster_verify(roster=_roster(rng, unit, period, workers), by=None)
            if rng.random() < 0.8:  # a membership ended by hand some month later
                membership = Membership.objects.filter(end__isnull=True).order_by("?").first()
                if membership is not None:
                    membership.end = max(
                        membership.start, rng.choice(months) + timedelta(days=rng.randint(0, 27))
                    )
                    membership.save()
                    summary.summary_refresh(unit_ids=[membership.unit_id], since=membership.start)

    for period in months_between(FIRST, this_month()):
        assert _stored(ids, period) == _live(ids, period), period
    every_month = len(months_between(FIRST, this_month()))
    assert len(computed) < every_month * 3  # months were copied, not all recomputed


def test_a_roster_long_past_computes_its_month_and_copies_the_rest(world, branch_staff):
    workers = [factories.WorkerFactory() for _ in range(3)]
    rng = random.Random(5)
    real_live = summary.coverage_live
    computed = []

    def counting(**kwargs):
        computed.append(kwargs["period"])
        return real_live(**kwargs)

    with mock.patch.object(summary, "coverage_live", side_effect=counting):
        roster_verify(roster=_roster(rng, world.kdi_dlhk, FIRST, workers), by=branch_staff)

    assert computed == [FIRST]  # nothing changes after January: every later month a copy
    for period in months_between(FIRST, this_month()):
        stored = _stored([world.kdi_dlhk.pk], period)
        live = _live([world.kdi_dlhk.pk], period)
        assert stored == live, period
        assert sum(covered for _r, covered, _g, _p in stored.values()) == 3
