"""Dates read one way on every page, in both languages: dd-mm-yyyy, as the forms take them."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from bpjs_tracker.roles import Role
from enrollment.billing.services import bills_generate
from tests.enrollment.billing_helpers import verified_roster


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_date_filter_writes_day_month_year_in_every_language(language):
    template = Template("{{ day|date }} / {{ moment|date:'DATETIME_FORMAT' }}")
    with translation.override(language):
        context = Context({"day": date(2026, 12, 15), "moment": datetime(2026, 11, 27, 9, 5)})
        text = template.render(context)
    assert text == "15-12-2026 / 27-11-2026 09:05"


@pytest.mark.django_db
def test_a_bill_page_shows_its_due_date_one_way(client, world):
    jan = date(2025, 1, 1)
    verified_roster(world.kdi_dlhk, jan, [2_500_000])
    bills_generate(period=jan, regency=world.kendari)
    bill = world.kdi_dlhk.bills.get(period=jan)
    client.force_login(world.user(Role.SEKDA))

    page = client.get(reverse("admin:enrollment_bill_change", args=[bill.pk])).content.decode()

    assert bill.due_date.strftime("%d-%m-%Y") in page
    assert "Feb. 2025" not in page and "Feb 2025" not in page


def test_a_month_is_named_in_the_language_active_when_asked_each_time():
    from datetime import date

    from django.utils import translation

    from enrollment.models import month_name

    names = []
    for language in ("id", "en", "id", "en"):
        with translation.override(language):
            names.append(month_name(date(2026, 2, 14)))
    assert names == ["Februari 2026", "February 2026", "Februari 2026", "February 2026"]
