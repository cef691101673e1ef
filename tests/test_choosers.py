"""Choosers that can pass a few dozen entries search as the user types, and offer only
what the user may see (#12): the admin's autocomplete, scoped per role."""

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from regencies.models import District, Village, WorkUnit
from tests import factories

AUTOCOMPLETE = reverse("admin:autocomplete")
UPLOAD = reverse("admin:enrollment_roster_upload")


def offered(client, source: str, term: str = "") -> set[str]:
    """The ids an autocomplete box offers for `source` ("app.model.field"), every page read."""
    app_label, model_name, field_name = source.split(".")
    ids, page = set(), 1
    while True:
        response = client.get(
            AUTOCOMPLETE,
            {"app_label": app_label, "model_name": model_name, "field_name": field_name,
             "term": term, "page": page},
        )  # fmt: skip
        assert response.status_code == 200, response.content
        data = response.json()
        ids |= {row["id"] for row in data["results"]}
        if not data["pagination"]["more"]:
            return ids
        page += 1


def ids(*objects) -> set[str]:
    return {str(o.pk) for o in objects}


@pytest.mark.parametrize("source", ["enrollment.roster.unit", "claims.claim.unit"])
@pytest.mark.parametrize("role", [Role.OPD_TREASURER, Role.VILLAGE_TREASURER])
def test_a_treasurer_is_offered_only_their_own_units(client, world, role, source):
    client.force_login(world.user(role))

    assert offered(client, source) == ids(world.home_unit(role))


def test_a_treasurer_of_one_regency_never_gets_another_regencys_units(client, world):
    # Fifteen Kendari units: more than the plain list holds, so the upload form searches.
    units = [world.kdi_dlhk, *factories.OpdFactory.create_batch(14, regency=world.kendari)]
    treasurer = factories.UserFactory(role=Role.OPD_TREASURER, work_units=units)
    client.force_login(treasurer)

    for source in ("enrollment.roster.unit", "claims.claim.unit"):
        assert offered(client, source) == ids(*units)
        # "Setda" names Konawe Utara's and Buton's secretariats, none of the treasurer's units
        assert offered(client, source, "Setda") == set()
        assert offered(client, source, "74.09") == set()
    page = client.get(UPLOAD).content.decode()
    assert 'class="admin-autocomplete' in page and 'data-model-name="roster"' in page


def test_branch_staff_are_offered_the_units_of_their_branchs_regencies(client, world, branch_staff):
    client.force_login(branch_staff)

    found = offered(client, "enrollment.roster.unit")

    assert found == ids(world.kdi_dlhk, world.kdi_satpol, world.konut_village, world.konut_opd)
    assert offered(client, "enrollment.roster.unit", "Buton") == set()


def test_the_upload_chooser_offers_active_units_only(client, world, province_admin):
    world.kdi_satpol.is_active = False
    world.kdi_satpol.save()
    client.force_login(province_admin)

    assert str(world.kdi_satpol.pk) not in offered(client, "enrollment.roster.unit", "Satpol")
    # a claim may concern a unit closed since the death
    assert str(world.kdi_satpol.pk) in offered(client, "claims.claim.unit", "Satpol")


def test_a_treasurer_with_a_few_units_gets_a_plain_list(client, world, opd_treasurer):
    client.force_login(opd_treasurer)

    page = client.get(UPLOAD).content.decode()

    assert '<select name="unit"' in page and 'class="admin-autocomplete' not in page
    assert world.kdi_dlhk.name in page and world.kdi_satpol.name not in page


def test_upload_by_autocomplete_still_refuses_a_unit_outside_the_scope(client, world):
    units = [world.kdi_dlhk, *factories.OpdFactory.create_batch(13, regency=world.kendari)]
    treasurer = factories.UserFactory(role=Role.OPD_TREASURER, work_units=units)
    client.force_login(treasurer)

    page = client.post(UPLOAD, {"unit": world.buton_opd.pk, "period": "2025-01"})

    assert page.status_code == 200
    assert page.context["form"].errors["unit"]


@pytest.mark.parametrize(
    ("source", "home", "elsewhere"),
    [
        ("regencies.village.district", "74.71", "74.09"),
        ("regencies.workunit.village", "74.71", "74.09"),
    ],
)
def test_region_choosers_follow_the_scope(client, world, sekda, source, home, elsewhere):
    client.force_login(sekda)  # Kota Kendari's

    found = offered(client, source)

    model = District if source.endswith("district") else Village
    prefix = "regency__code" if model is District else "district__regency__code"
    assert found == {str(pk) for pk in model.objects.filter(**{prefix: home}).values_list("pk", flat=True)}
    assert not found & {
        str(pk) for pk in model.objects.filter(**{prefix: elsewhere}).values_list("pk", flat=True)
    }


@pytest.mark.parametrize(
    ("change_url", "field"),
    [
        ("admin:regencies_regency_add", "province"),
        ("admin:regencies_district_add", "regency"),
        ("admin:regencies_village_add", "district"),
        ("admin:regencies_branchoffice_add", "parent"),
        ("admin:regencies_branchoffice_add", "village"),
        ("admin:regencies_workunit_add", "village"),
        ("admin:claims_claim_add", "unit"),
        ("admin:claims_claim_add", "worker"),
    ],
)
def test_long_choice_lists_are_searchable_boxes(client, world, province_admin, change_url, field):
    client.force_login(province_admin)

    page = client.get(reverse(change_url)).content.decode()

    assert f'name="{field}"' in page
    select = page[page.index(f'name="{field}"') - 400 : page.index(f'name="{field}"') + 400]
    assert "admin-autocomplete" in select and f'data-field-name="{field}"' in select


def test_the_claims_list_has_no_filter_over_every_unit(client, world, province_admin):
    factories.ClaimFactory(unit=world.kdi_dlhk)
    client.force_login(province_admin)

    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()

    assert "unit__id__exact" not in page
    found = client.get(reverse("admin:claims_claim_changelist"), {"q": "Lingkungan"})
    assert found.context["cl"].result_count == 1


def test_work_units_beyond_the_scope_stay_out_of_the_unit_admins_own_chooser(client, world, sekda):
    """The user form's unit box (the province's) and any other box over units: scoped too."""
    client.force_login(sekda)

    found = offered(client, "bpjs_tracker.user.work_units")

    assert found == ids(*WorkUnit.objects.filter(regency=world.kendari))


def test_a_claims_worker_box_offers_only_workers_on_the_treasurers_rosters(
    client, world, opd_treasurer
):
    mine = factories.RosterEntryFactory(roster=factories.RosterFactory(unit=world.kdi_dlhk)).worker
    other = factories.RosterEntryFactory(roster=factories.RosterFactory(unit=world.buton_opd)).worker
    client.force_login(opd_treasurer)

    assert offered(client, "claims.claim.worker") == ids(mine)
    assert offered(client, "claims.claim.worker", other.nik) == set()
    assert offered(client, "claims.claim.worker", other.name) == set()
