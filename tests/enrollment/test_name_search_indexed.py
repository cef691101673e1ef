"""Name searches in the admin an index serves, with Django's results (issue #13).

Django's admin search tests ``UPPER(worker.name) LIKE '%…%' OR UPPER(unit.code) LIKE '%…%'``
on every joined row (7.8 s over a province's roster entries). `NikSearchMixin` searches each
related table on its own (``worker_id IN (SELECT id FROM worker WHERE UPPER(name) LIKE …)``),
which the trigram index of migration 0015 serves on PostgreSQL. The rows found must be
exactly Django's, for every kind of term.
"""

import random
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.db import connection, transaction
from django.test import RequestFactory

from enrollment.models import Membership, RosterEntry, Worker
from tests import factories

pytestmark = pytest.mark.django_db

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
SYLLABLES = ["Wa", "Ode", "La", "Nur", "Hay", "ati", "Bas", "o", "DLHK", "74.71", "Sat", "pol"]


def _random_world(world, rng):
    units = [world.kdi_dlhk, world.kdi_satpol, world.konut_opd, world.buton_opd]
    workers = [
        factories.WorkerFactory(
            nik=f"74710117089{i:05d}",
            name=" ".join(rng.choice(SYLLABLES) + rng.choice(SYLLABLES) for _ in range(2)),
        )
        for i in range(40)
    ]
    for unit in units:
        for period in (JAN, FEB):
            roster = factories.RosterFactory(unit=unit, period=period)
            for row, worker in enumerate(rng.sample(workers, rng.randint(3, 15))):
                factories.RosterEntryFactory(roster=roster, worker=worker, row_number=row + 2)
                if period == FEB:
                    factories.MembershipFactory(worker=worker, unit=unit)
    return workers


def _terms(rng, workers):
    """Single words, several words, words in the name and the unit code at once, quotes."""
    terms = ["ode", "DLHK", "74.71-dlhk", "pol nur", "Wa ati", "sat", "o", "zzz", '"Wa Ode"']
    for _ in range(25):
        worker = rng.choice(workers)
        words = worker.name.split() + ["DLHK", "SATPOLPP", "74.09", "setda"]
        terms.append(" ".join(w[: rng.randint(1, len(w))] for w in rng.sample(words, 2)))
    return terms


def _django_search(model_admin, request, term):
    """What Django's own ModelAdmin.get_search_results finds (the reference)."""
    queryset = model_admin.model._base_manager.all()
    found, _duplicates = ModelAdmin.get_search_results(model_admin, request, queryset, term)
    return set(found.values_list("pk", flat=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("model", [RosterEntry, Worker, Membership])
def test_name_search_finds_what_django_finds_on_a_random_world(world, seed, model):
    rng = random.Random(seed)
    workers = _random_world(world, rng)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    compared = 0
    for term in _terms(rng, workers):
        queryset = model._base_manager.all()
        found, duplicates = model_admin.get_search_results(request, queryset, term)
        expected = _django_search(model_admin, request, term)
        assert set(found.values_list("pk", flat=True)) == expected, term
        assert not duplicates
        compared += len(expected)
    assert compared > 0


def test_nik_search_is_unchanged_exact_or_prefix(world):
    worker = factories.WorkerFactory(nik="7471011708900001", name="Wa Ode Nurhayati")
    factories.WorkerFactory(nik="7471021708900002", name="La Ode 7471011708900001")
    model_admin = admin.site._registry[Worker]
    request = RequestFactory().get("/", {"q": "7471011708900001"})

    found, _d = model_admin.get_search_results(request, Worker.objects.all(), "7471011708900001")
    prefix, _d = model_admin.get_search_results(request, Worker.objects.all(), "747101")

    assert list(found) == [worker]  # the NIK, not a name that contains the digits
    assert list(prefix) == [worker]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
@pytest.mark.parametrize("model", [Worker, RosterEntry, Membership])
def test_the_trigram_index_serves_a_name_search(world, model):
    factories.WorkerFactory(name="Wa Ode Nurhayati")
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    found, _d = model_admin.get_search_results(request, model._base_manager.all(), "Nurhayati")
    sql, params = found.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A test table is tiny: a sequential scan is cheaper there; forbid it to see that the
        # index can serve the condition Django writes (the same expression, UPPER(name)).
        # Plain index scans are off as well: walking the primary key and filtering each row
        # by name is the other way around the table; bitmap scans are what is left.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "worker_name_upper_trgm" in plan, plan
