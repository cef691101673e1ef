"""The admin as the working surface: Indonesian, read-only regions, history, no N+1 queries."""

import pytest
from django.contrib import admin
from django.urls import reverse

from bpjs_tracker.roles import Role
from regencies.models import Regency, WorkUnit
from tests.factories import CoverageTargetFactory

pytestmark = pytest.mark.django_db


def test_login_page_speaks_indonesian(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert "Pemantauan Kepesertaan BPJS Ketenagakerjaan" in response.content.decode()
    assert "Sandi" in response.content.decode()


def test_indonesian_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("admin:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="id"' in response.content.decode()


def test_english_is_available_from_the_language_switch(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("admin:login")}
    )
    assert response.status_code == 302
    response = client.get(reverse("admin:login"))
    assert '<html lang="en"' in response.content.decode()
    assert "Password" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("admin:regencies_regency_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_user_without_role_cannot_enter_the_admin(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("role", [r for r in Role if r != Role.PROVINCE_ADMIN])
def test_region_models_are_read_only_for_everyone_but_the_province_admin(client, world, role):
    client.force_login(world.user(role))
    regency = world.home_regency(role)
    url = reverse("admin:regencies_regency_change", args=[regency.pk])
    response = client.post(
        url,
        {
            "code": regency.code,
            "name": "Diubah",
            "kind": regency.kind,
            "province": regency.province_id,
        },
    )
    assert response.status_code == 403
    regency.refresh_from_db()
    assert regency.name != "Diubah"


def test_province_admin_can_rename_a_regency_and_history_records_who(client, world, province_admin):
    client.force_login(province_admin)
    regency = Regency.objects.get(code="74.14")
    url = reverse("admin:regencies_regency_change", args=[regency.pk])
    response = client.post(
        url,
        {
            "code": "74.14",
            "name": "Kabupaten Buton Tengah (uji)",
            "kind": "kabupaten",
            "province": regency.province_id,
        },
    )
    assert response.status_code == 302, response.content
    latest = regency.history.first()
    assert latest.name == "Kabupaten Buton Tengah (uji)"
    assert latest.history_user == province_admin
    history_page = client.get(reverse("admin:regencies_regency_history", args=[regency.pk]))
    assert "province_admin" in history_page.content.decode()


def test_sekda_edits_a_work_unit_of_the_regency_with_history(client, world, sekda):
    client.force_login(sekda)
    unit = world.kdi_satpol
    url = reverse("admin:regencies_workunit_change", args=[unit.pk])
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": "opd",
        "regency": unit.regency_id,
        "npp": "12345678",
        "jkk_risk_class": "low",
        "expected_workers": "353",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.npp == "12345678"
    assert unit.history.first().history_user == sekda


def test_sekda_cannot_move_a_unit_to_a_regency_outside_scope(client, world, sekda):
    client.force_login(sekda)
    unit = world.kdi_satpol
    url = reverse("admin:regencies_workunit_change", args=[unit.pk])
    data = {
        "code": "74.04-SATPOLPP",
        "name": unit.name,
        "kind": "opd",
        "regency": world.buton.pk,
        "jkk_risk_class": "very_low",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "regency" in response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.regency == world.kendari


MODEL_ADMINS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", MODEL_ADMINS, ids=lambda m: m._meta.label)
def test_changelists_have_no_n_plus_one_queries(
    client, world, province_admin, model, django_assert_max_num_queries
):
    client.force_login(province_admin)
    regencies = list(Regency.objects.all())
    WorkUnit.objects.bulk_create(
        WorkUnit(code=f"{r.code}-UJI{i}", name="Uji", kind="opd", regency=r)
        for r in regencies
        for i in range(3)
    )
    for r in regencies:
        CoverageTargetFactory(regency=r)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


def test_changelist_search_by_code_and_filter_by_regency(client, world, province_admin):
    client.force_login(province_admin)
    url = reverse("admin:regencies_village_changelist")
    response = client.get(url, {"q": "74.09.01.2020"})
    assert [v.code for v in response.context["cl"].result_list] == ["74.09.01.2020"]
    response = client.get(url, {"regency": "74.71"})
    assert response.context["cl"].result_count == 65


def test_regency_filter_offers_only_visible_regencies(client, world, sekda):
    client.force_login(sekda)
    response = client.get(reverse("admin:regencies_village_changelist"))
    spec = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "regency")
    assert [code for code, _ in spec.lookup_choices] == ["74.71"]


def test_index_lists_the_daily_work_first(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    apps = client.get(reverse("admin:index")).context["app_list"]
    assert apps[0]["name"] == "Kepesertaan & iuran"
    assert [m["object_name"] for m in apps[0]["models"]][:3] == ["Roster", "RosterUpload", "Bill"]
