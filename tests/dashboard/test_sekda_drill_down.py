"""The Sekda's dashboard: each unit row leads to that unit's rosters, month by month."""

from datetime import date

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_unit_row_links_to_the_units_rosters_month_by_month(client, world):
    for month in (1, 2, 3):
        factories.RosterFactory(unit=world.kdi_dlhk, period=date(2025, month, 1))
    factories.RosterFactory(unit=world.kdi_satpol, period=date(2025, 3, 1))
    client.force_login(world.user(Role.SEKDA))
    page = client.get(reverse("admin:index"), {"period": "2025-03"})
    links = {row.code: links for row, links in page.context["rows"]}
    drill = links["74.71-DLHK"]["name"]
    assert drill == reverse("admin:enrollment_roster_changelist") + (
        f"?unit__id__exact={world.kdi_dlhk.pk}"
    )
    assert f'href="{drill}">Dinas Lingkungan Hidup</a>' in page.content.decode()
    rosters = client.get(drill)
    assert rosters.status_code == 200
    shown = [(r.unit.code, f"{r.period:%Y-%m}") for r in rosters.context["cl"].result_list]
    assert shown == [("74.71-DLHK", "2025-03"), ("74.71-DLHK", "2025-02"), ("74.71-DLHK", "2025-01")]


def test_another_regencys_unit_through_the_drill_down_link_shows_nothing(client, world):
    factories.RosterFactory(unit=world.buton_opd, period=date(2025, 3, 1))
    client.force_login(world.user(Role.SEKDA))
    url = reverse("admin:enrollment_roster_changelist") + f"?unit__id__exact={world.buton_opd.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == []
