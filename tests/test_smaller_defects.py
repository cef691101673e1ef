"""Smaller defects found by the probe of issue #11 (item 8), each with its recipe."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings

from enrollment.models import Roster
from tests import factories


@pytest.mark.parametrize(
    "url",
    [
        "/admin/enrollment/rosterentry/export/?foo=1",
        "/admin/enrollment/rosterentry/export/?roster__unit__nope=xx",
        "/admin/enrollment/membership/export/?zzz=1",
    ],
)
def test_an_export_url_with_an_unknown_filter_is_a_400_not_a_500(
    client, world, province_admin, url
):
    client.force_login(province_admin)
    response = client.post(url, {"format": "0"})
    assert response.status_code == 400


@override_settings(DEBUG=True)
def test_view_on_site_answers_alike_for_missing_and_out_of_scope_rows(client, world, opd_treasurer):
    content_type = ContentType.objects.get_for_model(Roster)
    outside = factories.RosterFactory(unit=world.buton_opd)
    inside = factories.RosterFactory(unit=world.kdi_dlhk)
    client.force_login(opd_treasurer)
    answers = {
        pk: client.get(f"/admin/r/{content_type.pk}/{pk}/")
        for pk in (outside.pk, inside.pk, 999_999, "abc")
    }
    assert {r.status_code for r in answers.values()} == {404}
    for response in answers.values():  # one message: nothing tells missing from out of scope
        body = response.content.decode()
        assert "Data tidak ditemukan." in body
        assert "get_absolute_url" not in body and "doesn&#x27;t exist" not in body
