"""benchmarks/admin_pages.py's load-test step: five accounts with real scopes, a few claims."""

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from bpjs_tracker.models import User
from bpjs_tracker.roles import Role
from claims.models import Claim
from enrollment.models import Membership, Roster, RosterEntry, Worker
from regencies.models import Regency, Village, WorkUnit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def admin_pages():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("admin_pages", ROOT / "benchmarks/admin_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _unit_with_roster(unit: WorkUnit, first_worker: int, count: int, period: date) -> None:
    roster = Roster.objects.create(
        unit=unit, period=period, file="rosters/bench.xlsx", status="verified",
        verified_at=timezone.now(), entry_count=count,
    )  # fmt: skip
    for i in range(first_worker, first_worker + count):
        worker = Worker.objects.create(
            nik=f"74{i:014d}", name=f"Pekerja {i}", birth_date=date(1990, 1, 1), sex="L"
        )
        segment = "village_official" if unit.kind == "village" else "non_asn"
        RosterEntry.objects.create(
            roster=roster, worker=worker, row_number=i, position="Staf", segment=segment,
            wage=2_500_000, start_date=date(2020, 1, 1),
        )  # fmt: skip
        for programme in ("JKK", "JKM"):
            Membership.objects.create(
                worker=worker, programme=programme, unit=unit, start=date(2024, 2, 1)
            )


@pytest.fixture
def province(db, admin_pages):
    baubau = Regency.objects.get(code="74.72")
    big = WorkUnit.objects.create(
        code=admin_pages.BIG_UNIT, name="OPD terbesar", kind="opd", regency=baubau
    )
    village = Village.objects.filter(kind="desa").select_related("district").first()
    desa = WorkUnit.objects.create(
        code=village.code, name="Pemerintah Desa", kind="village",
        regency_id=village.district.regency_id, village=village,
    )  # fmt: skip
    other = WorkUnit.objects.create(
        code="74.01-BENCH0", name="OPD uji 0", kind="opd", regency=Regency.objects.get(code="74.01")
    )
    _unit_with_roster(big, 1, 5, admin_pages.PERIOD)
    _unit_with_roster(desa, 101, 3, admin_pages.PERIOD)
    _unit_with_roster(other, 201, 2, admin_pages.PERIOD)
    return big, desa


def test_accounts_have_real_roles_scopes_and_the_password(admin_pages, province):
    big, desa = province
    names = admin_pages.accounts("sandi-uji-beban")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    assert len(users) == 5 and all(u.check_password("sandi-uji-beban") for u in users.values())
    assert all(u.is_staff for u in users.values())
    opd = users["bench_opd_treasurer"]
    assert opd.role == Role.OPD_TREASURER and list(opd.work_units.all()) == [big]
    village = users["bench_village_treasurer"]
    assert village.role == Role.VILLAGE_TREASURER and list(village.work_units.all()) == [desa]
    branch = users["bench_branch_staff"]
    assert branch.role == Role.BRANCH_STAFF and branch.branch_office.short_name == "Baubau"
    sekda = users["bench_sekda"]
    assert sekda.role == Role.SEKDA and sekda.regency == big.regency
    assert users["bench_province_admin"].role == Role.PROVINCE_ADMIN


def test_claims_go_through_the_services_and_a_second_run_adds_none(admin_pages, province):
    admin_pages.accounts()
    claims = Claim.objects.filter(note__startswith="Klaim uji beban")
    # 4 at the largest OPD, 2 at the village, 1 at the other OPD
    assert claims.count() == 7
    assert all(c.membership_id for c in claims)  # claim_save found the cover
    assert claims.filter(status=Claim.Status.SUBMITTED).count() == 4  # every other one: 2 + 1 + 1
    admin_pages.accounts("another-password")
    assert claims.count() == 7
    assert User.objects.get(username="bench_sekda").check_password("another-password")
