"""A changelist counts its rows once; the count shows beside a search or filter only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OpdFactory, RosterFactory

pytestmark = pytest.mark.django_db


def _counts(captured):
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


def test_an_unnarrowed_list_counts_once_and_offers_no_show_all(client, province_admin):
    for index in range(3):
        RosterFactory(unit=OpdFactory(code=f"74.71-CC{index}"), period=datetime.date(2025, 2, 1))
    client.force_login(province_admin)

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("admin:enrollment_roster_changelist")).content.decode()

    assert len(_counts(captured)) == 1
    assert "Tampilkan semua" not in page


@pytest.mark.parametrize("narrowed", [{"q": "CC1"}, {"status__exact": "submitted"}])
def test_a_search_or_filter_says_how_many_rows_it_found(client, province_admin, narrowed):
    for index in range(3):
        RosterFactory(unit=OpdFactory(code=f"74.71-CC{index}"), period=datetime.date(2025, 2, 1))
    client.force_login(province_admin)

    page = client.get(reverse("admin:enrollment_roster_changelist"), narrowed).content.decode()

    found = 1 if "q" in narrowed else 3
    assert f"{found} buah (" in page and "Tampilkan semua" in page
