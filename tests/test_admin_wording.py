"""Django's own admin wording, as an Indonesian user reads it.

Django's Indonesian catalogue says "Rubah" (a misspelling of "Ubah") in the model table of
the start page and "merubah" on the user form; locale/id overrides those entries.
"""

import pytest
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
def test_admin_start_page_says_ubah_not_rubah(client, province_admin):
    client.force_login(province_admin)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Tautan ubah atau lihat daftar" in page
    assert "rubah" not in page.lower().replace("perubahan", "").replace("berubah", "")


def test_overrides_win_over_djangos_catalogue():
    with translation.override("id"):
        assert translation.gettext("Change or view list link") == "Tautan ubah atau lihat daftar"
        assert "merubah" not in translation.gettext(
            "After you’ve created a user, you’ll be able to edit more user options."
        )
        # Entries not overridden still come from Django's catalogue.
        assert translation.gettext("Change") == "Ubah"
