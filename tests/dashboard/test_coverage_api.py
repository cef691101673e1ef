"""The read-only JSON API: same figures and scoping as the dashboard, session or token auth."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from bpjs_tracker.roles import Role
from enrollment.summary import summary_rebuild
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def covered(world):
    roster = factories.RosterFactory(
        unit=world.kdi_dlhk, period=date(2025, 3, 1), status="verified"
    )
    entry = factories.RosterEntryFactory(roster=roster)
    for programme in ("JKK", "JKM"):
        factories.MembershipFactory(worker=entry.worker, unit=world.kdi_dlhk, programme=programme)
    summary_rebuild(periods=[date(2025, 3, 1)])


def test_branch_staff_with_a_token_reads_its_regencies(world, covered, capsys):
    call_command("api_token", "branch_staff")
    token = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = client.get(reverse("api_coverage"), {"period": "2025-03"}).json()
    codes = [row["code"] for row in data["rows"]]
    assert "74.71" in codes and "74.09" in codes and "74.04" not in codes
    kendari = next(row for row in data["rows"] if row["code"] == "74.71")
    assert (kendari["covered"], kendari["units_verified"], kendari["level"]) == (1, 1, "regency")
    units = client.get(reverse("api_units", args=["74.71"]), {"period": "2025-03"}).json()
    assert [row["code"] for row in units["rows"]] == ["74.71-DLHK", "74.71-SATPOLPP"]
    assert client.get(reverse("api_units", args=["74.04"])).status_code == 404


def test_session_login_works_and_a_sekda_gets_units(client, world, covered):
    client.force_login(world.user(Role.SEKDA))
    data = client.get(reverse("api_coverage"), {"period": "2025-03"}).json()
    assert data["level"] == "unit"
    assert [row["code"] for row in data["rows"]] == ["74.71-DLHK", "74.71-SATPOLPP"]


def test_anonymous_and_bad_period_are_refused(client, world):
    assert client.get(reverse("api_coverage")).status_code in (401, 403)
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    response = client.get(reverse("api_coverage"), {"period": "2025-13"})
    assert response.status_code == 400
    assert "period" in response.json()


def test_the_api_is_read_only(client, world):
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    assert client.post(reverse("api_coverage"), {}).status_code in (403, 405)
