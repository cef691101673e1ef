"""Verifying a roster asks first and speaks of people, not programme memberships (#12)."""

import datetime as dt

from django.contrib.messages import get_messages
from django.urls import reverse

from enrollment.models import Membership, Roster
from enrollment.selectors import roster_verify_effect
from enrollment.services.rosters import roster_import, roster_verify
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)


def _roster(unit, period, names):
    rows = [worker_row(make_nik(n), name) for n, name in names]
    return roster_import(unit=unit, period=period, upload=roster_csv(rows)).roster


def test_the_verify_page_asks_first_and_counts_people(client, world, branch_staff):
    names = [(n, f"Pekerja {n}") for n in range(1, 13)]
    roster = _roster(world.kdi_dlhk, JAN, names)
    client.force_login(branch_staff)

    page = client.get(reverse("admin:enrollment_roster_verify", args=[roster.pk]))

    assert page.status_code == 200
    assert page.context["rosters"][0][1].workers_starting == 12
    assert "Ya, verifikasi" in page.content.decode()
    roster.refresh_from_db()
    assert roster.status == Roster.Status.SUBMITTED and not Membership.objects.exists()


def test_the_verified_message_counts_people_covered(client, world, branch_staff):
    roster = _roster(world.kdi_dlhk, JAN, [(n, f"Pekerja {n}") for n in range(1, 13)])
    client.force_login(branch_staff)

    response = client.post(reverse("admin:enrollment_roster_verify", args=[roster.pk]))

    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.endswith(
        "terverifikasi: 12 pekerja mulai terlindungi (JKK + JKM), 0 pekerja berhenti terlindungi."
    )
    assert Membership.objects.count() == 24  # two programmes each: what the old message counted


def test_effect_counts_who_starts_and_who_ends(world):
    january = _roster(world.kdi_dlhk, JAN, [(1, "Ani"), (2, "Budi"), (3, "Citra")])
    roster_verify(roster=january)
    february = _roster(world.kdi_dlhk, FEB, [(1, "Ani"), (4, "Dedi"), (5, "Eka")])

    effect = roster_verify_effect(roster=february)

    assert (effect.workers_starting, effect.workers_ending) == (2, 2)  # Dedi, Eka; Budi, Citra
    result = roster_verify(roster=february)
    assert (result.workers_started, result.workers_ended) == (2, 2)
    assert (result.opened, result.closed) == (4, 4)


def test_treasurer_cannot_open_the_verify_page(client, world, opd_treasurer):
    roster = _roster(world.kdi_dlhk, JAN, [(1, "Ani")])
    client.force_login(opd_treasurer)
    assert client.get(reverse("admin:enrollment_roster_verify", args=[roster.pk])).status_code == 403
