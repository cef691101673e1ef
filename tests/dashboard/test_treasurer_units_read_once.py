"""A treasurer's start page reads the treasurer's units once, for the coverage table and the
month's roster list: the table equals the one `coverage_table` reads for itself (an inactive
unit stays out of it, and stays in the month's list as before)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpjs_tracker.dashboard.selectors import coverage_table
from bpjs_tracker.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db
MARCH = date(2025, 3, 1)


@pytest.fixture
def two_units(world):
    user = world.user(Role.OPD_TREASURER)
    closed = factories.OpdFactory(regency=world.kendari, code="74.71-LAMA", name="Dinas Lama")
    closed.is_active = False
    closed.save()
    user.work_units.add(closed, world.kdi_satpol)
    factories.RosterFactory(unit=world.kdi_satpol, period=MARCH, status="verified")
    return user, closed


def test_treasurer_start_page_table_equals_the_table_read_alone(client, world, two_units):
    user, closed = two_units
    client.force_login(user)
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(reverse("admin:index"), {"period": "2025-03"})
    alone = coverage_table(user=user, period=MARCH)
    shown = page.context["table"]
    assert [r.code for r in shown.rows] == ["74.71-DLHK", "74.71-SATPOLPP"]
    assert shown.rows == alone.rows and shown.total == alone.total
    assert shown.at_risk == alone.at_risk and shown.regency == alone.regency
    assert [m.unit.code for m in page.context["treasurer"].units] == [
        "74.71-DLHK", "74.71-LAMA", "74.71-SATPOLPP",
    ]  # fmt: skip
    unit_reads = [
        q["sql"] for q in page_queries.captured_queries
        if q["sql"].startswith('SELECT "regencies_workunit".')  # units read, not a subquery
        and "bpjs_tracker_user_work_units" not in q["sql"]  # nor the scope's unit ids
    ]  # fmt: skip
    assert len(unit_reads) == 1, unit_reads
