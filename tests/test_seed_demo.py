"""`manage.py seed_demo` (contract, DESIGN.md "Interfaces")."""

import pytest
from django.core.management import call_command
from django.http import HttpRequest

from bpjs_tracker.demo import DEMO_PASSWORD
from bpjs_tracker.models import User
from bpjs_tracker.roles import Role, scope_for
from regencies.models import CoverageTarget, WorkUnit

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "demo_opd_treasurer": Role.OPD_TREASURER,
    "demo_village_treasurer": Role.VILLAGE_TREASURER,
    "demo_branch_staff": Role.BRANCH_STAFF,
    "demo_sekda": Role.SEKDA,
    "demo_province_admin": Role.PROVINCE_ADMIN,
}


@pytest.fixture
def seeded(capsys):
    """The command run for real (its output); tests that only read the data use `seeded_demo`."""
    call_command("seed_demo")
    return capsys.readouterr().out


def test_seed_demo_creates_one_user_per_role_and_prints_credentials(seeded):
    for username, role in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert scope_for(user) is not None
        assert username in seeded
    assert DEMO_PASSWORD in seeded
    assert "DEMO" in seeded


def test_seed_demo_creates_the_kendari_units_with_expected_workers(seeded_demo):
    expected = {"74.71-DLHK": 501, "74.71-SATPOLPP": 353, "74.71-DAMKAR": 217, "74.71-SDA": 10}
    units = dict(WorkUnit.objects.filter(code__in=expected).values_list("code", "expected_workers"))
    assert units == expected


def test_seed_demo_creates_one_unit_per_desa_of_konawe_utara_and_20_opds(seeded_demo):
    villages = WorkUnit.objects.filter(regency__code="74.09", kind="village")
    assert villages.count() == 159
    assert all(unit.code == unit.village.code for unit in villages.select_related("village"))
    assert WorkUnit.objects.filter(regency__code="74.09", kind="opd").count() == 20


def test_seed_demo_has_units_in_buton_buton_tengah_and_kolaka_timur(seeded_demo):
    for code in ["74.04", "74.14", "74.11"]:
        assert WorkUnit.objects.filter(regency__code=code).exists()


def test_seed_demo_coverage_targets_carry_their_source(seeded_demo):
    target = CoverageTarget.objects.get(
        regency__code="74.09", year=2019, segment="village_official"
    )
    assert target.target == 1590
    assert "Wanggudu" in target.source


def test_seed_demo_is_idempotent(seeded_demo, capsys):
    counts = (User.objects.count(), WorkUnit.objects.count(), CoverageTarget.objects.count())
    call_command("seed_demo")
    assert "0 baru" in capsys.readouterr().out
    assert (
        User.objects.count(),
        WorkUnit.objects.count(),
        CoverageTarget.objects.count(),
    ) == counts


def test_demo_treasurer_logs_in_and_sees_only_its_units(seeded_demo, client):
    # django-axes checks every authentication against its request.
    assert client.login(
        request=HttpRequest(), username="demo_opd_treasurer", password=DEMO_PASSWORD
    )
    response = client.get("/admin/regencies/workunit/")
    codes = {u.code for u in response.context["cl"].queryset}
    assert codes == {"74.71-DLHK", "74.71-SATPOLPP", "74.71-DAMKAR", "74.71-SDA"}


def test_seed_demo_refuses_in_production_unless_forced(db, monkeypatch):
    """#11: no active province administrator with a printed password on a production server."""
    from django.core.management.base import CommandError

    monkeypatch.setenv("DJANGO_DEBUG", "0")
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="demo_province_admin").exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="demo_province_admin").exists()
