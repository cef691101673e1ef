"""The start page's "Semua tabel" (the admin's app list, rendered once for each app list the
site keeps) equals what `{% include "admin/app_list.html" %}` wrote, for every role and both
languages, and follows the app list when a user's permissions change."""

import pytest
from django.contrib.auth.models import Permission
from django.template.loader import get_template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from bpjs_tracker.roles import Role

pytestmark = pytest.mark.django_db


def section(html: str) -> str:
    body = html.split('<details class="all-tables" open>', 1)[1].split("</details>", 1)[0]
    return body.split("</summary>", 1)[1]


def included(page, language) -> str:
    """What the include wrote: the template rendered afresh with the page's app list."""
    with translation.override(language):
        return get_template("admin/app_list.html").render(
            {"app_list": page.context["app_list"], "show_changelinks": True,
             "request": page.wsgi_request}
        )  # fmt: skip


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_all_tables_section_equals_the_included_app_list(client, world, role, language):
    client.force_login(world.user(role))
    client.cookies["django_language"] = language
    for _ in range(2):  # rendered, then kept
        page = client.get(reverse("admin:index"))
        assert parse_html(section(page.content.decode())) == parse_html(included(page, language))


def test_all_tables_section_follows_a_permission_change(client, world):
    user = world.user(Role.SEKDA)
    client.force_login(user)
    before = section(client.get(reverse("admin:index")).content.decode())
    permission = Permission.objects.get(codename="add_regency")
    if user.has_perm("regencies.add_regency"):
        pytest.skip("the role already adds regencies")
    user.user_permissions.add(permission)
    page = client.get(reverse("admin:index"))
    after = section(page.content.decode())
    assert after != before
    assert reverse("admin:regencies_regency_add") in after
    assert parse_html(after) == parse_html(included(page, "id"))
