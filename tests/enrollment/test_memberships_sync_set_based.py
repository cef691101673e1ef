"""Verification's set-based membership sync gives what the ORM path gave, in a fixed number of statements.

The reference below is the ORM implementation `memberships_sync` had before it
became SQL (issue #13): model instances, `bulk_create_with_history`,
`bulk_update_with_history` and per-row deletes. Kept here only as the oracle.
"""

import datetime as dt
import random
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _g
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from enrollment.models import Membership, Programme, Roster, RosterEntry
from enrollment.selectors import roster_verify_effect
from enrollment.services.memberships import ROSTER_PROGRAMMES, memberships_sync
from tests.factories import MembershipFactory, RosterFactory, WorkerFactory

MONTHS = [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]


def _orm_memberships_sync(*, roster, by=None):
    """The former ORM implementation, verbatim but for the batch constant."""
    period, unit_id = roster.period, roster.unit_id
    on_roster = dict(RosterEntry.objects.filter(roster=roster).values_list("worker_id", "kpj"))
    open_memberships = list(
        Membership.objects.filter(
            unit_id=unit_id, end__isnull=True, programme__in=ROSTER_PROGRAMMES
        )
    )
    have = {(m.worker_id, m.programme) for m in open_memberships}
    reason = _g("Verifikasi roster %(roster)s") % {"roster": roster}
    now = timezone.now()
    last_day = period - timedelta(days=1)
    to_open = [
        Membership(worker_id=worker_id, programme=programme, unit_id=unit_id, kpj=kpj, start=period)
        for worker_id, kpj in on_roster.items()
        for programme in ROSTER_PROGRAMMES
        if (worker_id, programme) not in have
    ]
    to_update, to_remove = [], []
    closed = 0
    for membership in open_memberships:
        if membership.worker_id in on_roster:
            kpj = on_roster[membership.worker_id]
            if kpj and not membership.kpj:
                membership.kpj, membership.updated_at = kpj, now
                to_update.append(membership)
        elif membership.start < period:
            membership.end, membership.updated_at = last_day, now
            to_update.append(membership)
            closed += 1
        elif membership.start == period:
            to_remove.append(membership.pk)
    bulk_create_with_history(
        to_open, Membership, batch_size=500, default_user=by, default_change_reason=reason
    )
    if to_update:
        bulk_update_with_history(
            to_update, Membership, ["end", "kpj", "updated_at"], batch_size=500,
            default_user=by, default_change_reason=reason,
        )  # fmt: skip
    for membership in Membership.objects.filter(pk__in=to_remove):
        membership._history_user = by
        membership._change_reason = reason
        membership.delete()
    return (len(to_open), closed, len(to_remove))


class _Rollback(Exception):
    pass


def _state(since):
    memberships = sorted(
        (  # keyed by repr: `end` and the user may be None
            (m.worker_id, m.programme, m.unit_id, m.kpj, m.start, m.end, m.updated_at >= since)
            for m in Membership.objects.all()
        ),
        key=repr,
    )
    history = sorted((
        (h.worker_id, h.programme, h.unit_id, h.kpj, h.start, h.end, h.history_type,
         h.history_user_id, h.history_change_reason)
        for h in Membership.history.all()
    ), key=repr)  # fmt: skip
    return memberships, history


def _roster(rng, unit, period, workers):
    """A roster of `unit` for `period` (a re-upload replaces the entries of an existing one)."""
    roster = Roster.objects.filter(unit=unit, period=period).first() or RosterFactory(
        unit=unit, period=period
    )
    roster.entries.all().delete()
    chosen = rng.sample(workers, rng.randint(0, len(workers)))
    RosterEntry.objects.bulk_create(
        RosterEntry(
            roster=roster, worker=w, row_number=i + 2, segment="non_asn", wage=3_000_000,
            start_date=dt.date(2020, 1, 1),
            kpj=rng.choice(["", "", f"{w.pk:011d}", f"9{w.pk:010d}"]),
        )
        for i, w in enumerate(chosen)
    )  # fmt: skip
    return Roster.objects.select_related("unit").get(pk=roster.pk)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_set_based_sync_equals_the_orm_path_on_a_random_world(world, branch_staff, seed):
    rng = random.Random(seed)
    units = [world.kdi_dlhk, world.kdi_satpol]
    workers = [WorkerFactory() for _ in range(30)]
    # Memberships the sync must respect: another programme, and a KPJ already set.
    MembershipFactory(worker=workers[0], unit=units[0], programme=Programme.JHT)
    MembershipFactory(worker=workers[1], unit=units[0], programme=Programme.JKK, kpj="11111111111")
    compared = 0
    for _step in range(12):
        unit, period = rng.choice(units), rng.choice(MONTHS)
        roster = _roster(rng, unit, period, workers)
        by = rng.choice([None, branch_staff])
        since = timezone.now()
        try:
            with transaction.atomic():
                expected_counts = _orm_memberships_sync(roster=roster, by=by)
                expected = _state(since)
                raise _Rollback
        except _Rollback:
            pass

        effect = roster_verify_effect(roster=roster)  # in people, before the change
        result = memberships_sync(roster=roster, by=by)

        assert (result.opened, result.closed, result.removed) == expected_counts
        # The people counted from the rows written equal the selector's count beforehand.
        assert (result.workers_started, result.workers_ended) == (
            effect.workers_starting,
            effect.workers_ending,
        )
        assert _state(since) == expected
        compared += sum(expected_counts)
    assert compared > 0  # the random world did open, close or remove something


def _statements(world, size):
    workers = [WorkerFactory() for _ in range(size)]
    january = RosterFactory(unit=world.kdi_dlhk, period=MONTHS[0])
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=january, worker=w, row_number=i + 2, segment="non_asn", wage=1,
                    start_date=MONTHS[0], kpj="")
        for i, w in enumerate(workers)
    )  # fmt: skip
    memberships_sync(roster=Roster.objects.select_related("unit").get(pk=january.pk))
    february = RosterFactory(unit=world.kdi_dlhk, period=MONTHS[1])
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=february, worker=w, row_number=i + 2, segment="non_asn", wage=1,
                    start_date=MONTHS[0], kpj=f"{i:011d}")
        for i, w in enumerate(workers[: size // 2] + [WorkerFactory() for _ in range(size // 2)])
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        result = memberships_sync(roster=Roster.objects.select_related("unit").get(pk=february.pk))
    assert (result.opened, result.closed) == (size, size)  # half joined, half left, × 2
    return len(queries)


def test_statement_count_does_not_grow_with_the_roster(world):
    small = _statements(world, 4)
    Membership.objects.all().delete()
    Roster.objects.all().delete()

    assert _statements(world, 600) == small


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL planner settings")
def test_planner_settings_are_restored_for_the_rest_of_the_transaction(world):
    roster = RosterFactory(unit=world.kdi_dlhk, period=MONTHS[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('jit')")
        before = cursor.fetchone()
        with transaction.atomic():
            memberships_sync(roster=Roster.objects.select_related("unit").get(pk=roster.pk))
            cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('jit')")
            during = cursor.fetchone()
    assert during == before
    assert before[0] == "on"
