"""The admin's app list (the sidebar) is built once per role, permission set and language."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from bpjs_tracker import admin_site
from bpjs_tracker.roles import Role
from regencies.models import Village
from tests.factories import UserFactory, VillageUnitFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    return request


def _shape(app_list):
    return [
        (app["app_label"], str(app["name"]), [
            (m["object_name"], str(m["name"]), m["perms"], m["admin_url"], m["add_url"],
             m.get("view_only"))
            for m in app["models"]
        ])
        for app in app_list
    ]  # fmt: skip


def _second_user(world, role):
    """Another user of the same role in another scope."""
    scopes = {
        Role.OPD_TREASURER: {"work_units": [world.kdi_satpol]},
        Role.VILLAGE_TREASURER: {
            "work_units": [
                VillageUnitFactory(village=Village.objects.exclude(code="74.09.01.2020").first())
            ]
        },
        Role.BRANCH_STAFF: {"branch_office": world.baubau_branch},
        Role.SEKDA: {"regency": world.buton},
        Role.PROVINCE_ADMIN: {},
    }
    return UserFactory(username=f"second_{role}", role=role, **scopes[role])


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_kept_app_list_is_what_a_fresh_build_gives_for_every_role_and_scope(
    world, role, language
):
    with translation.override(language):
        for user in (world.user(role), _second_user(world, role)):
            kept = admin.site.get_app_list(_request(user))
            fresh = admin.site._ordered_app_list(_request(user), None)
            assert _shape(kept) == _shape(fresh)
            for label in {app["app_label"] for app in fresh}:
                kept_app = admin.site.get_app_list(_request(user), label)
                assert _shape(kept_app) == _shape(
                    admin.site._ordered_app_list(_request(user), label)
                )


def test_a_role_with_other_permissions_gets_its_own_list(world):
    treasurer = admin.site.get_app_list(_request(world.user(Role.OPD_TREASURER)))
    province = admin.site.get_app_list(_request(world.user(Role.PROVINCE_ADMIN)))

    assert _shape(treasurer) != _shape(province)
    assert len(admin_site._APP_LISTS) == 2


def test_the_list_is_built_once_for_many_requests_of_one_role(world):
    user = world.user(Role.BRANCH_STAFF)
    admin.site.get_app_list(_request(user))
    kept = dict(admin_site._APP_LISTS)

    admin.site.get_app_list(_request(_second_user(world, Role.BRANCH_STAFF)))

    assert admin_site._APP_LISTS == kept  # the second branch officer reused the first's list
