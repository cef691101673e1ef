"""Who sees what: scopes per role, users without a role or scope, role permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from bpjs_tracker.roles import ROLE_PERMISSIONS, Role, role_group_name, scope_for, sync_roles
from bpjs_tracker.services import user_set_role
from regencies.models import Regency, Village, WorkUnit
from tests import factories

pytestmark = pytest.mark.django_db


def test_user_without_a_role_sees_nothing(world):
    user = factories.UserFactory(is_staff=True)
    assert scope_for(user) is None
    assert not WorkUnit.objects.visible_to(user).exists()
    assert not Regency.objects.visible_to(user).exists()


def test_inactive_user_sees_nothing(world, sekda):
    sekda.is_active = False
    assert not WorkUnit.objects.visible_to(sekda).exists()


def test_treasurer_without_units_sees_nothing(world):
    user = factories.UserFactory()
    user.role = Role.OPD_TREASURER
    user.save()
    assert not Regency.objects.visible_to(user).exists()


def test_opd_treasurer_cannot_see_another_unit_of_the_same_regency(world, opd_treasurer):
    visible = set(WorkUnit.objects.visible_to(opd_treasurer))
    assert visible == {world.kdi_dlhk}


def test_village_treasurer_cannot_see_another_village(world, village_treasurer):
    other = factories.VillageUnitFactory(village=Village.objects.get(code="74.09.01.2033"))
    visible = WorkUnit.objects.visible_to(village_treasurer)
    assert world.konut_village in visible
    assert other not in visible


def test_sekda_sees_every_unit_of_the_regency_and_nothing_else(world, sekda):
    assert set(WorkUnit.objects.visible_to(sekda)) == {world.kdi_dlhk, world.kdi_satpol}


def test_branch_staff_see_the_regencies_their_office_serves_today(world, branch_staff):
    codes = set(Regency.objects.visible_to(branch_staff).values_list("code", flat=True))
    assert {"74.71", "74.09", "74.02"} <= codes
    assert "74.04" not in codes
    assert "74.05" not in codes  # served from Kendari until 2021, now Konsel–Bombana


def test_province_admin_sees_everything(world, province_admin):
    assert WorkUnit.objects.visible_to(province_admin).count() == WorkUnit.objects.count()


def test_superuser_without_role_gets_the_province(world):
    root = factories.UserFactory(is_superuser=True, is_staff=True)
    assert scope_for(root).is_province


def test_sekda_needs_a_regency():
    user = factories.UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        user_set_role(user=user, role=Role.SEKDA)
    assert excinfo.value.message_dict["regency"] == ["Sekda harus diberi satu kabupaten/kota."]


def test_village_treasurer_holds_exactly_one_village(world):
    user = factories.UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        user_set_role(user=user, role=Role.VILLAGE_TREASURER, work_units=[world.kdi_dlhk])
    assert excinfo.value.message_dict["work_units"] == [
        "Unit 74.71-DLHK bukan unit jenis village untuk peran ini."
    ]


def test_sync_roles_is_idempotent_and_matches_the_table():
    sync_roles()
    again = sync_roles()
    assert (again.groups_created, again.permissions_added, again.permissions_removed) == (0, 0, 0)
    for role, models in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role_group_name(role))
        expected = sum(len(actions) for actions in models.values())
        assert group.permissions.count() == expected


def test_sync_roles_removes_a_permission_added_by_hand():
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=role_group_name(Role.OPD_TREASURER))
    group.permissions.add(Permission.objects.get(codename="delete_regency"))
    assert sync_roles().permissions_removed == 1


def test_role_permissions_come_from_the_role(world, opd_treasurer, province_admin):
    assert opd_treasurer.has_perm("regencies.view_regency")
    assert not opd_treasurer.has_perm("regencies.change_regency")
    assert province_admin.has_perm("regencies.change_regency")
