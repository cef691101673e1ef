"""The branch queue's double enrolments: the province's short list is kept while nothing
changes, narrowed to each user's scope, and follows every membership or resolution write."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpjs_tracker.dashboard.queues import branch_queues, double_candidates
from bpjs_tracker.roles import Role
from enrollment.models import DoubleEnrolmentResolution, Membership
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


def _enrol(worker, unit, *, start=date(2025, 1, 1), end=None):
    for programme in ("JKK", "JKM"):
        factories.MembershipFactory(
            worker=worker, unit=unit, programme=programme, start=start, end=end
        )


def _queue(user) -> list[str]:
    return [d["worker__name"] for d in branch_queues(user=user, today=TODAY)["doubles"]]


def _expected(user) -> list[str]:
    """Brute force: active JKK memberships in the user's scope, two units or more, unresolved."""
    units = {}
    for m in Membership.objects.visible_to(user).filter(programme="JKK").select_related("worker"):
        if m.start <= TODAY and (m.end is None or m.end >= TODAY):
            if not m.worker.double_resolutions.exists():
                units.setdefault(m.worker.name, set()).add(m.unit_id)
    return sorted(name for name, held in units.items() if len(held) > 1)[:15]


def test_the_queue_equals_the_brute_force_on_a_random_world_as_it_changes(world):
    rng = random.Random(13)
    staff, sekda = world.user(Role.BRANCH_STAFF), world.user(Role.SEKDA)
    units = [world.kdi_dlhk, world.kdi_satpol, world.konut_village]
    workers = [factories.WorkerFactory(name=f"Pekerja {i:02d}") for i in range(12)]
    for worker in workers:
        for unit in rng.sample(units, rng.randint(1, 3)):
            ended = rng.random() < 0.25
            _enrol(worker, unit, end=date(2026, 10, 31) if ended else None)
    for user in (staff, sekda):
        assert _queue(user) == _expected(user)
    assert len(_expected(staff)) >= 3 and _expected(sekda) != _expected(staff)

    # a new double and a resolution: each shows at once
    fresh = factories.WorkerFactory(name="Pekerja baru")
    _enrol(fresh, units[0])
    _enrol(fresh, units[1], start=date(2026, 11, 1))
    named = next(w for w in workers if w.name in _expected(staff))
    DoubleEnrolmentResolution.objects.create(worker=named, decision="two_jobs")
    for user in (staff, sekda):
        assert _queue(user) == _expected(user)
    assert "Pekerja baru" in _expected(staff) and named.name not in _expected(staff)


def test_the_short_list_is_kept_while_nothing_changes_and_renewed_after_a_write(world):
    worker = factories.WorkerFactory(name="Wa Ode Ganda")
    _enrol(worker, world.kdi_dlhk)
    assert double_candidates(TODAY) == []
    with CaptureQueriesContext(connection) as kept:
        assert double_candidates(TODAY) == []
    assert not any("MIN(" in q["sql"].upper() for q in kept.captured_queries)  # no regrouping

    _enrol(worker, world.kdi_satpol)  # a new membership: the list is renewed
    assert double_candidates(TODAY) == [worker.pk]
    DoubleEnrolmentResolution.objects.create(worker=worker, decision="two_jobs")
    assert double_candidates(TODAY) == []
    assert double_candidates(date(2024, 12, 31)) == []  # before either membership started


def test_a_double_with_one_unit_outside_the_scope_is_not_in_the_queue(world):
    worker = factories.WorkerFactory(name="La Ode Dua")
    _enrol(worker, world.kdi_dlhk)  # Kendari
    _enrol(worker, world.konut_village)  # Konawe Utara
    assert double_candidates(TODAY) == [worker.pk]
    assert _queue(world.user(Role.SEKDA)) == []  # the Sekda of Kendari sees one unit of two
    assert _queue(world.user(Role.PROVINCE_ADMIN)) == ["La Ode Dua"]
