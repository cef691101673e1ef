"""seed_demo brings verified demo rosters of the four Kota Kendari units (and Konawe Utara's 2019
villages, tests/dashboard/test_demo_konawe_utara.py); a second run adds nothing."""

import time

from bpjs_tracker.demo import seed_demo
from enrollment.demo import demo_period
from enrollment.models import Membership, Roster, RosterEntry, Worker


def test_seed_demo_makes_verified_rosters_once(db):
    started = time.perf_counter()
    first = seed_demo()
    elapsed = time.perf_counter() - started

    kendari = Roster.objects.filter(unit__regency__code="74.71")
    rosters = dict(kendari.values_list("unit__code", "entry_count"))
    assert rosters == {
        "74.71-DLHK": 501,
        "74.71-SATPOLPP": 353,
        "74.71-DAMKAR": 217,
        "74.71-SDA": 10,
    }
    assert set(kendari.values_list("status", "period").distinct()) == {
        (Roster.Status.VERIFIED, demo_period())
    }
    assert Membership.objects.filter(end__isnull=True).count() == 2 * 1081 + 2 * 1590 + 2 * 3800
    assert not Worker.objects.exclude(name__endswith="(demo)").exists()
    assert (
        not Worker.objects.exclude(nik__startswith="7471")
        .exclude(nik__startswith="7409")
        .exclude(nik__startswith="7404")
        .exists()
    )
    assert first.rosters_created == 4 + 159 * 12 + 4
    assert (
        elapsed < 90
    )  # generous for a loaded CI box; Konawe Utara's 19.080 entries are most of it

    again = seed_demo()
    assert again.rosters_created == 0
    assert RosterEntry.objects.count() == 1081 + 1590 * 12 + 3800
