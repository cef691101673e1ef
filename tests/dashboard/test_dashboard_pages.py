"""The dashboard as each role's start page: scoped, a fixed number of queries, safe exports."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from bpjs_tracker.roles import Role
from enrollment.summary import summary_rebuild
from tests import factories

pytestmark = pytest.mark.django_db
MARCH = "2025-03"
ROLES = list(Role)


def login(client, world, role):
    client.force_login(world.user(role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_a_dashboard_of_its_scope(client, world, role):
    page = login(client, world, role).get(reverse("admin:index"), {"period": MARCH})
    assert page.status_code == 200
    codes = [row.code for row, _links in page.context["rows"]]
    if role == Role.PROVINCE_ADMIN:
        assert {"74.71", "74.09", "74.04"} <= set(codes)
    elif role == Role.BRANCH_STAFF:
        assert {"74.71", "74.09"} <= set(codes) and "74.04" not in codes
    elif role == Role.SEKDA:
        assert codes == ["74.71-DLHK", "74.71-SATPOLPP"]  # Kota Kendari's units
    else:
        assert codes == [world.home_unit(role).code]
    html = page.content.decode()
    assert "Perlindungan berisiko hari ini" in html
    assert ("Antrean kerja" in html) == (role == Role.BRANCH_STAFF)


@pytest.mark.parametrize("role", [Role.SEKDA, Role.BRANCH_STAFF, Role.OPD_TREASURER])
def test_a_regency_outside_the_scope_is_not_found(client, world, role):
    login(client, world, role)
    assert client.get(reverse("admin:index"), {"regency": "74.04"}).status_code == 404
    summary = reverse("admin:dashboard_regency_summary", args=["74.04"])
    assert client.get(summary).status_code == 404
    assert client.get(reverse("admin:dashboard_csv"), {"regency": "74.04"}).status_code == 404


def test_branch_staff_drill_down_into_a_regency_shows_its_units(client, world):
    login(client, world, Role.BRANCH_STAFF)
    page = client.get(reverse("admin:index"), {"regency": "74.09", "period": MARCH})
    assert [row.code for row, _ in page.context["rows"]] == ["74.09-SETDA", "74.09.01.2020"]
    summary = client.get(reverse("admin:dashboard_regency_summary", args=["74.09"]))
    assert summary.status_code == 200
    assert "Konawe Utara" in summary.content.decode()


def test_each_figure_links_to_the_filtered_list(client, world):
    login(client, world, Role.PROVINCE_ADMIN)
    page = client.get(reverse("admin:index"), {"period": MARCH})
    links = dict((row.code, links) for row, links in page.context["rows"])["74.71"]
    assert links["units_verified"] == (
        reverse("admin:enrollment_roster_changelist")
        + "?status=verified&regency=74.71&period__year=2025&period__month=3"
    )
    assert client.get(links["units_verified"]).status_code == 200
    assert client.get(links["name"]).status_code == 200  # the drill-down


def _more_units(world, n):
    for i in range(n):
        unit = factories.OpdFactory(regency=world.kendari, code=f"74.71-UJI{i}")
        roster = factories.RosterFactory(unit=unit, period=date(2025, 3, 1), status="verified")
        entry = factories.RosterEntryFactory(roster=roster)
        for programme in ("JKK", "JKM"):
            factories.MembershipFactory(worker=entry.worker, unit=unit, programme=programme)
    summary_rebuild(periods=[date(2025, 3, 1)])


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.SEKDA])
def test_dashboard_queries_stay_within_15_whatever_the_units(
    client, world, role, django_assert_max_num_queries
):
    login(client, world, role)
    _more_units(world, 2)
    with django_assert_max_num_queries(15):
        client.get(reverse("admin:index"), {"period": MARCH})
    _more_units(world, 0)
    for i in range(2, 8):
        factories.OpdFactory(regency=world.buton, code=f"74.04-UJI{i}")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("admin:index"), {"period": MARCH}).status_code == 200


def test_exports_neutralise_formulas_in_names(client, world):
    world.kdi_dlhk.name = '=HYPERLINK("http://x")'
    world.kdi_dlhk.save()
    login(client, world, Role.SEKDA)
    response = client.get(reverse("admin:dashboard_csv"), {"period": MARCH})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Kode", "Nama"]
    names = [r[1] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    response = client.get(reverse("admin:dashboard_xlsx"), {"period": MARCH})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_coverage_rebuild_command_rejects_a_bad_period(world):
    with pytest.raises(SystemExit) as raised:
        call_command("coverage_rebuild", "--period", "2025-13")
    assert raised.value.code == 2
