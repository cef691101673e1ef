"""seed_demo brings verified demo rosters of the four Kota Kendari units; a second run adds nothing."""

import time

from bpjs_tracker.demo import seed_demo
from enrollment.demo import demo_period
from enrollment.models import Membership, Roster, RosterEntry, Worker


def test_seed_demo_makes_verified_rosters_once(db):
    started = time.perf_counter()
    first = seed_demo()
    elapsed = time.perf_counter() - started

    rosters = dict(Roster.objects.values_list("unit__code", "entry_count"))
    assert rosters == {
        "74.71-DLHK": 501,
        "74.71-SATPOLPP": 353,
        "74.71-DAMKAR": 217,
        "74.71-SDA": 10,
    }
    assert set(Roster.objects.values_list("status", "period").distinct()) == {
        (Roster.Status.VERIFIED, demo_period())
    }
    assert Membership.objects.filter(end__isnull=True).count() == 2 * 1081
    assert not Worker.objects.exclude(name__endswith="(demo)").exists()
    assert not Worker.objects.exclude(nik__startswith="7471").exists()
    assert first.rosters_created == 4
    assert elapsed < 20  # generous for a loaded CI box; about 2 s on a quiet one

    again = seed_demo()
    assert again.rosters_created == 0
    assert RosterEntry.objects.count() == 1081
