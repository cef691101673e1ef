"""The dashboard's regency facts (target, agreement in force / expiring, Perda) read in one
query with the agreements joined and their status decided in Python equal what the EXISTS
subqueries of `status_conditions` said, for agreements in every state and many days."""

import random
from datetime import date, timedelta

import pytest
from django.db.models import Exists, OuterRef

from bpjs_tracker.dashboard.selectors import EXPIRING_DAYS, _with_regency_facts
from mou.models import Agreement, RegionalRegulation
from mou.status import RecordedState
from regencies.models import Regency
from tests import factories

pytestmark = pytest.mark.django_db


def _by_exists(regencies, as_of):
    """The facts as the dashboard read them before: EXISTS of each status condition."""
    agreements = Agreement.objects.filter(regency=OuterRef("pk"))
    return {
        pk: (bool(in_force), bool(expiring))
        for pk, in_force, expiring in regencies.annotate(
            in_force=Exists(agreements.in_force(as_of)),
            expiring=Exists(agreements.expiring_within(EXPIRING_DAYS, as_of)),
        ).values_list("pk", "in_force", "expiring")
    }


def _random_agreement(rng, regency):
    base = date(2025, 1, 1) + timedelta(days=rng.randint(0, 700))
    state = rng.choice([RecordedState.DRAFT, RecordedState.SIGNED, RecordedState.TERMINATED])
    signed_on = None if state == RecordedState.DRAFT else base
    valid_from = rng.choice([None, base, base + timedelta(days=rng.randint(1, 60))])
    start = valid_from or base
    valid_until = rng.choice([None, start + timedelta(days=rng.randint(0, 500))])
    terminated_on = (
        start + timedelta(days=rng.randint(-30, 400)) if state == RecordedState.TERMINATED else None
    )
    factories.AgreementFactory(
        regency=regency, state=state, signed_on=signed_on, valid_from=valid_from,
        valid_until=valid_until, terminated_on=terminated_on,
    )  # fmt: skip


def test_regency_facts_agreement_states_equal_the_sql_conditions(world):
    rng = random.Random(7)
    regencies = [world.kendari, world.konut, world.buton]
    for _ in range(24):
        _random_agreement(rng, rng.choice(regencies[:2]))  # Buton: none at all
    factories.RegionalRegulationFactory(regency=world.konut, kind=RegionalRegulation.Kind.PERDA)
    factories.RegionalRegulationFactory(regency=world.kendari)  # not a Perda
    factories.CoverageTargetFactory(regency=world.kendari, year=2026, target=40)
    scope = Regency.objects.filter(pk__in=[r.pk for r in regencies])
    seen = set()
    for offset in range(0, 1200, 9):
        as_of = date(2025, 1, 1) + timedelta(days=offset)
        facts = _with_regency_facts(scope, year=2026, as_of=as_of)
        assert [f[1] for f in facts] == sorted(r.code for r in regencies)  # one row each, by code
        expected = _by_exists(scope, as_of)
        assert {f[0]: (f[4], f[5]) for f in facts} == expected, as_of
        seen |= set(expected.values())
        assert {f[0]: (f[3], f[6]) for f in facts} == {
            world.kendari.pk: (40, False), world.konut.pk: (None, True),
            world.buton.pk: (None, False),
        }  # fmt: skip
    assert seen == {(False, False), (True, False), (True, True)}  # every state was met
