"""KPJ numbers from a BPJS NIK → KPJ file: preview, then all or nothing, within scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from enrollment.models import Membership
from enrollment.services.memberships import KPJ_NIK_UNKNOWN, KPJ_TAKEN, membership_kpj_import
from enrollment.services.rosters import roster_import, roster_verify
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

A, B, C = make_nik(1), make_nik(2), make_nik(3)
JAN = dt.date(2025, 1, 1)


@pytest.fixture
def members(world):
    for unit, niks in ((world.kdi_dlhk, [A, B]), (world.buton_opd, [C])):
        rows = [worker_row(nik, f"Pekerja {nik[-1]}") for nik in niks]
        roster_verify(roster=roster_import(unit=unit, period=JAN, upload=roster_csv(rows)).roster)


def _kpj_file(rows):
    return roster_csv(rows, name="kpj.csv", headers=["NIK", "KPJ"])


def _kpjs():
    return dict(Membership.objects.values_list("worker__nik", "kpj").distinct())


def test_preview_changes_nothing_and_import_sets_both_programmes(members, branch_staff):
    upload = _kpj_file([[A, "12345678901"], [B, "12345678902"]])

    preview = membership_kpj_import(upload=upload, by=branch_staff, dry_run=True)
    assert (preview.ok, preview.updated) == (True, 4)  # JKK and JKM of two workers
    assert _kpjs()[A] == ""

    result = membership_kpj_import(upload=upload, by=branch_staff)
    assert result.updated == 4
    assert _kpjs() == {A: "12345678901", B: "12345678902", C: ""}
    assert Membership.history.filter(history_user=branch_staff, kpj="12345678901").count() == 2


def test_nik_outside_scope_is_skipped_with_a_warning(members, branch_staff):
    result = membership_kpj_import(
        upload=_kpj_file([[A, "12345678901"], [C, "12345678903"]]), by=branch_staff
    )
    assert result.ok and result.skipped == 1
    assert [(p.location, p.message, p.severity) for p in result.problems] == [
        ("kpj!3:NIK", str(KPJ_NIK_UNKNOWN % {"nik": C}), "warning")
    ]
    assert _kpjs()[C] == ""


def test_a_kpj_held_by_someone_else_rejects_the_whole_file(members, branch_staff):
    membership_kpj_import(upload=_kpj_file([[A, "12345678901"]]), by=branch_staff)

    result = membership_kpj_import(
        upload=_kpj_file([[B, "12345678909"], [A, "12345678900"], [C, "12345678901"]]),
        by=None,
    )

    assert not result.ok
    assert [(p.location, p.message) for p in result.problems if p.is_error] == [
        ("kpj!4:KPJ", str(KPJ_TAKEN % {"kpj": "12345678901", "other": A}))
    ]
    assert _kpjs() == {A: "12345678901", B: "", C: ""}


def test_treasurers_may_not_set_kpj(members, opd_treasurer):
    with pytest.raises(PermissionDenied):
        membership_kpj_import(upload=_kpj_file([[A, "12345678901"]]), by=opd_treasurer)


def test_kpj_page_previews_then_confirms(client, members, branch_staff, settings):
    client.force_login(branch_staff)
    url = reverse("admin:enrollment_membership_kpj")
    page = client.post(url, {"file": _kpj_file([[A, "12345678901"]])})
    assert page.context["result"].updated == 2
    assert _kpjs()[A] == ""

    client.post(url, {"confirm": "1"})

    assert _kpjs()[A] == "12345678901"
    assert "kpj_upload" not in client.session
