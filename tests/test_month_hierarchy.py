"""The admin's date drill-down reads the list's months once and shows what Django's shows."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpjs_tracker.templatetags.admin_months import month_hierarchy
from enrollment.models import Roster
from tests.factories import OpdFactory, RosterFactory

pytestmark = pytest.mark.django_db

SHAPES = {
    "no rosters": [],
    "one month": [(2025, 3)],
    "one year": [(2025, 1), (2025, 2), (2025, 11)],
    "several years": [(2023, 12), (2024, 6), (2025, 1), (2026, 2)],
}


def _changelist(user, params=None):
    request = RequestFactory().get(reverse("admin:enrollment_roster_changelist"), params or {})
    request.user = user
    return admin.site.get_model_admin(Roster).get_changelist_instance(request)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "params", [{}, {"period__year": "2025"}, {"period__year": "2025", "period__month": "3"}]
)
def test_the_drill_down_is_djangos_own(shape, params, province_admin):
    for index, (year, month) in enumerate(SHAPES[shape]):
        RosterFactory(
            unit=OpdFactory(code=f"74.71-MH{index}"), period=datetime.date(year, month, 1)
        )
    cl = _changelist(province_admin, params)

    assert month_hierarchy(cl) == date_hierarchy(cl)


def test_with_nothing_chosen_the_months_are_read_in_one_statement(province_admin):
    for index, (year, month) in enumerate(SHAPES["several years"]):
        RosterFactory(
            unit=OpdFactory(code=f"74.71-MH{index}"), period=datetime.date(year, month, 1)
        )
    cl = _changelist(province_admin)

    with CaptureQueriesContext(connection) as ours:
        shown = month_hierarchy(cl)
    with CaptureQueriesContext(connection) as djangos:
        date_hierarchy(cl)

    assert len(ours) == 1 and len(djangos) == 2
    assert [choice["title"] for choice in shown["choices"]] == ["2023", "2024", "2025", "2026"]


def test_the_roster_list_shows_the_drill_down(client, province_admin):
    RosterFactory(period=datetime.date(2025, 2, 1))
    RosterFactory(unit=OpdFactory(code="74.71-MHX"), period=datetime.date(2025, 5, 1))
    client.force_login(province_admin)

    page = client.get(reverse("admin:enrollment_roster_changelist")).content.decode()

    assert "?period__month=2&amp;period__year=2025" in page
    assert "?period__month=5&amp;period__year=2025" in page
