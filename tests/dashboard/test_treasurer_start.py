"""A treasurer's start page: a roster sent back by the branch office shows its reason and a
button that opens the upload with the unit and the month already chosen."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(world):
    return factories.RosterFactory(
        unit=world.konut_village, period=date(2025, 3, 1), status="returned",
        return_reason="Kolom Jabatan kosong untuk Kepala Dusun II",
    )  # fmt: skip


def test_a_returned_roster_shows_its_reason_and_a_fix_button_on_the_start_page(
    client, world, returned
):
    client.force_login(world.user(Role.VILLAGE_TREASURER))
    page = client.get(reverse("admin:index"))
    html = page.content.decode()
    assert "Kolom Jabatan kosong untuk Kepala Dusun II" in html
    fix = page.context["treasurer"].returned[0].fix_url
    assert fix == (
        reverse("admin:enrollment_roster_upload") + f"?unit={world.konut_village.pk}&period=2025-03"
    )
    assert f'href="{fix.replace("&", "&amp;")}">Perbaiki dan unggah ulang</a>' in html
    assert page.context["treasurer"].next_url == fix  # the first thing to do


def test_the_fix_button_opens_the_upload_with_unit_and_month_chosen(client, world, returned):
    client.force_login(world.user(Role.VILLAGE_TREASURER))
    fix = client.get(reverse("admin:index")).context["treasurer"].returned[0].fix_url
    form = client.get(fix).context["form"]
    assert str(form["unit"].value()) == str(world.konut_village.pk)
    assert form["period"].value() == "2025-03"
    html = client.get(fix).content.decode()
    assert 'value="2025-03"' in html
    assert f'<option value="{world.konut_village.pk}" selected>' in html


def test_another_units_returned_roster_is_not_on_the_start_page(client, world):
    factories.RosterFactory(
        unit=world.kdi_dlhk, period=date(2025, 3, 1), status="returned",
        return_reason="Alasan untuk DLHK saja",
    )  # fmt: skip
    client.force_login(world.user(Role.VILLAGE_TREASURER))
    page = client.get(reverse("admin:index"))
    assert page.context["treasurer"].returned == []
    assert "Alasan untuk DLHK saja" not in page.content.decode()


def test_once_uploaded_again_the_returned_box_is_gone(client, world, returned):
    returned.status = "submitted"
    returned.save()
    client.force_login(world.user(Role.VILLAGE_TREASURER))
    page = client.get(reverse("admin:index"))
    assert "Perbaiki dan unggah ulang" not in page.content.decode()
    month = f"{timezone.localdate():%Y-%m}"
    assert page.context["treasurer"].next_url.endswith(
        f"?unit={world.konut_village.pk}&period={month}"
    )  # this month's roster is still missing
