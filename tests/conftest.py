"""Shared fixtures: reference data loaded once, one user per role, a two-regency world.

The world: Kota Kendari (74.71) and Konawe Utara (74.09) are served by the
Kendari branch; Buton (74.04) by Baubau and is outside every scope but the
province's.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import translation

from bpjs_tracker import admin_site
from bpjs_tracker.roles import Role, sync_roles
from regencies.models import BranchOffice, Regency, Village, WorkUnit
from regencies.services import reference_load
from tests import demo_snapshot, factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Regions and role groups are loaded once per session (tests roll back around them)."""
    with django_db_blocker.unblock():
        reference_load()
        sync_roles()


@pytest.fixture(autouse=True)
def fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "id"
    cache.clear()  # no test sees what another kept (ids repeat after a rollback on SQLite)
    admin_site._APP_LISTS.clear()  # nor the admin's app lists (a test may patch permissions)


@pytest.fixture(scope="session")
def demo_snapshots():
    """The session's snapshots of `seed_demo` (see tests/demo_snapshot.py)."""
    return []


@pytest.fixture
def seeded_demo(db, demo_snapshots):
    """The database as `seed_demo()` leaves it, restored from a snapshot taken once per session.

    Returns what `seed_demo()` returned. Ask for it before any fixture that adds rows.
    """
    from bpjs_tracker.demo import seed_demo

    snapshot = next((s for s in demo_snapshots if demo_snapshot.matches(s)), None)
    if snapshot is None:
        snapshot = demo_snapshot.take(seed_demo)
        demo_snapshots.append(snapshot)
    demo_snapshot.restore(snapshot)
    return snapshot.result


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts and ends in the default language (Indonesian).

    The locale middleware activates the request's language on the thread and nothing
    deactivates it, so a test that switches the client to English would otherwise leave
    English active for the code (and the assertions) of the tests after it.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class World:
    kendari: Regency
    konut: Regency
    buton: Regency
    kendari_branch: BranchOffice
    baubau_branch: BranchOffice
    kdi_dlhk: WorkUnit
    kdi_satpol: WorkUnit
    konut_village: WorkUnit
    konut_opd: WorkUnit
    buton_opd: WorkUnit
    users: dict

    def user(self, role: str):
        return self.users[role]

    def home_regency(self, role: str) -> Regency:
        """The regency whose rows each role's scope must show."""
        return self.konut if role == Role.VILLAGE_TREASURER else self.kendari

    def home_unit(self, role: str) -> WorkUnit:
        return self.konut_village if role == Role.VILLAGE_TREASURER else self.kdi_dlhk


@pytest.fixture
def world(db) -> World:
    regencies = {r.code: r for r in Regency.objects.filter(code__in=["74.71", "74.09", "74.04"])}
    kendari, konut, buton = regencies["74.71"], regencies["74.09"], regencies["74.04"]
    kdi_dlhk = factories.OpdFactory(
        regency=kendari, code="74.71-DLHK", name="Dinas Lingkungan Hidup"
    )
    kdi_satpol = factories.OpdFactory(regency=kendari, code="74.71-SATPOLPP", name="Satpol PP")
    konut_village = factories.VillageUnitFactory(village=Village.objects.get(code="74.09.01.2020"))
    konut_opd = factories.OpdFactory(regency=konut, code="74.09-SETDA", name="Setda Konawe Utara")
    buton_opd = factories.OpdFactory(regency=buton, code="74.04-SETDA", name="Setda Buton")
    kendari_branch = BranchOffice.objects.get(short_name="Kendari")
    users = {
        Role.OPD_TREASURER: factories.UserFactory(
            username="opd_treasurer", role=Role.OPD_TREASURER, work_units=[kdi_dlhk]
        ),
        Role.VILLAGE_TREASURER: factories.UserFactory(
            username="village_treasurer", role=Role.VILLAGE_TREASURER, work_units=[konut_village]
        ),
        Role.BRANCH_STAFF: factories.UserFactory(
            username="branch_staff", role=Role.BRANCH_STAFF, branch_office=kendari_branch
        ),
        Role.SEKDA: factories.UserFactory(username="sekda", role=Role.SEKDA, regency=kendari),
        Role.PROVINCE_ADMIN: factories.UserFactory(
            username="province_admin", role=Role.PROVINCE_ADMIN
        ),
    }
    return World(
        kendari=kendari,
        konut=konut,
        buton=buton,
        kendari_branch=kendari_branch,
        baubau_branch=BranchOffice.objects.get(short_name="Baubau"),
        kdi_dlhk=kdi_dlhk,
        kdi_satpol=kdi_satpol,
        konut_village=konut_village,
        konut_opd=konut_opd,
        buton_opd=buton_opd,
        users=users,
    )


@pytest.fixture
def opd_treasurer(world):
    return world.user(Role.OPD_TREASURER)


@pytest.fixture
def village_treasurer(world):
    return world.user(Role.VILLAGE_TREASURER)


@pytest.fixture
def branch_staff(world):
    return world.user(Role.BRANCH_STAFF)


@pytest.fixture
def sekda(world):
    return world.user(Role.SEKDA)


@pytest.fixture
def province_admin(world):
    return world.user(Role.PROVINCE_ADMIN)
