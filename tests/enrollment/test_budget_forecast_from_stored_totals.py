"""The forecast reads stored bill totals and the coverage summary, not a million roster entries,
and says exactly what the sum over the entries says."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.billing import selectors
from enrollment.billing.selectors import budget_forecast
from enrollment.billing.services import bills_generate
from enrollment.models import CoverageSummary, Roster
from enrollment.summary import summary_rebuild
from tests import factories
from tests.enrollment.billing_helpers import reverify, verified_roster

OCT, NOV = date(2025, 10, 1), date(2025, 11, 1)


def figures(forecast):
    return [
        (u.unit.code, u.roster_period, u.workers, u.monthly, u.employer, u.worker_deduction)
        for r in forecast.regencies
        for u in r.units
    ]


def build(world, workers=3):
    wages = [2_750_000 + 1_000 * i for i in range(workers)]
    verified_roster(world.kdi_dlhk, OCT, wages)
    verified_roster(world.kdi_satpol, OCT, wages[:2])
    verified_roster(world.konut_village, OCT, wages, segment="village_official")
    verified_roster(world.konut_opd, OCT, [1_000_000] * workers, segment="vulnerable")
    bills_generate(period=OCT)
    # no bill yet for November's roster; a roster changed after its bill; a late starter
    verified_roster(world.buton_opd, NOV, wages)
    reverify(world.kdi_satpol.rosters.get(period=OCT), add=[3_000_000])
    roster = world.kdi_dlhk.rosters.get(period=OCT)
    factories.RosterEntryFactory(roster=roster, wage=4_000_000, start_date=date(2025, 12, 1))
    summary_rebuild(periods=[OCT, NOV])


def summed_over_entries(monkeypatch, **kwargs):
    """The computation before stored totals: every roster summed and counted over its entries."""
    CoverageSummary.objects.all().delete()
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "stored_monthly_sums", lambda *a, **k: {})
        return budget_forecast(**kwargs)


@pytest.mark.parametrize(
    "growth, wage_change", [(Decimal(0), Decimal(0)), (Decimal(10), Decimal(0)), (0, Decimal(5))]
)
def test_the_forecast_from_stored_totals_equals_the_sum_over_roster_entries(
    world, monkeypatch, growth, wage_change
):
    build(world)
    kwargs = dict(
        user=world.user("province_admin"),
        year=2026,
        growth_percent=growth,
        wage_change_percent=wage_change,
        as_of=date(2025, 11, 20),
    )
    summed = []
    real = selectors.roster_sums
    monkeypatch.setattr(
        selectors,
        "roster_sums",
        lambda rules, ids, **k: summed.append(set(ids)) or real(rules, ids, **k),
    )
    stored = budget_forecast(**kwargs)
    rosters_summed = set().union(*summed)
    reference = summed_over_entries(monkeypatch, **kwargs)
    assert figures(stored) == figures(reference)
    assert stored.annual == reference.annual > 0
    if wage_change == 0:
        # only the rosters whose bill does not say it: Buton (no bill), Satpol (changed),
        # DLHK (an entry starts after October)
        by_unit = {u.unit.code: u.unit.rosters for r in stored.regencies for u in r.units}
        assert rosters_summed == {
            by_unit[code].filter(status="verified").order_by("-period")[0].pk
            for code in ("74.04-SETDA", "74.71-SATPOLPP", "74.71-DLHK")
        }


def test_the_forecast_takes_the_same_number_of_queries_for_more_workers(world):
    build(world, workers=2)
    counts = []
    for _more in (0, 1):
        with CaptureQueriesContext(connection) as queries:
            forecast = budget_forecast(
                user=world.user("province_admin"), year=2026, as_of=date(2025, 11, 20)
            )
        counts.append((len(queries), sum(r.workers for r in forecast.regencies)))
        for roster in Roster.objects.filter(status="verified"):
            reverify(roster, add=[2_750_000] * 30)
        bills_generate(period=OCT)
        summary_rebuild(periods=[OCT, NOV])
    assert counts[0][0] == counts[1][0]
    assert counts[1][1] == counts[0][1] + 5 * 30
