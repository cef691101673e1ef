"""seed_demo brings verified demo rosters of the four Kota Kendari units; a second run adds nothing.

The claims demo (claims/demo.py) adds its own rosters (Wunduhaka 2019, Kolaka Timur 2021),
checked in tests/claims/test_claims_demo.py, and the dashboard's Konawe Utara and Buton stories
theirs (tests/dashboard/test_demo_konawe_utara.py); this test looks at Kota Kendari's.
"""

from bpjs_tracker.demo import seed_demo
from enrollment.demo import demo_period
from enrollment.models import Membership, Roster, RosterEntry, Worker


def test_seed_demo_makes_verified_rosters_once(seeded_demo):
    first = seeded_demo  # what seed_demo() returned

    kendari = Roster.objects.filter(unit__code__startswith="74.71-")
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
    assert (
        Membership.objects.filter(end__isnull=True, unit__code__startswith="74.71-").count()
        == 2 * 1081
    )
    assert not Worker.objects.exclude(name__endswith="(demo)").exists()
    kendari_entries = RosterEntry.objects.filter(roster__in=kendari)
    assert not kendari_entries.exclude(worker__nik__startswith="7471").exists()
    assert first.rosters_created >= 4

    again = seed_demo()
    assert again.rosters_created == 0
    assert kendari_entries.count() == 1081
