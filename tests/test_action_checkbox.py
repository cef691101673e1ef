"""The changelist's row checkbox is written directly, and is exactly Django's."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.utils import translation

from tests.factories import OpdFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_row_checkbox_is_the_html_django_renders(language):
    unit = OpdFactory(name="Dinas <b>\"Pendidikan\"</b> & Kebudayaan 'Kota'")
    model_admin = admin.site.get_model_admin(type(unit))
    with translation.override(language):
        ours = model_admin.action_checkbox(unit)
        djangos = ModelAdmin.action_checkbox(model_admin, unit)
    assert ours == djangos
    assert "<b>" not in ours  # the name is escaped once, as Django does
