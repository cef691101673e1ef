"""Verification opens JKK and JKM memberships and ends them for workers who left."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enrollment.models import Membership, Roster
from enrollment.services.rosters import (
    RETURN_REASON_REQUIRED,
    roster_import,
    roster_return,
    roster_verify,
)
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

A, B, C = make_nik(1), make_nik(2), make_nik(3)
JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
HEADERS_KPJ = [
    "NIK",
    "Nama",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Jabatan",
    "Kategori",
    "Upah",
    "TMT",
    "KPJ",
]


def _import(world, period, rows, user=None):
    return roster_import(
        unit=world.kdi_dlhk, period=period, upload=roster_csv(rows), by=user
    ).roster


def _open(unit):
    return sorted(
        Membership.objects.filter(unit=unit, end__isnull=True).values_list(
            "worker__nik", "programme", "start"
        )
    )


def test_verification_opens_jkk_and_jkm_from_the_roster_month(world, branch_staff):
    roster = _import(world, JAN, [worker_row(A, "Ani"), worker_row(B, "Budi")])

    result = roster_verify(roster=roster, by=branch_staff)

    assert (result.opened, result.closed) == (4, 0)
    assert _open(world.kdi_dlhk) == [
        (A, "JKK", JAN), (A, "JKM", JAN), (B, "JKK", JAN), (B, "JKM", JAN),
    ]  # fmt: skip
    roster.refresh_from_db()
    assert (roster.status, roster.verified_by) == (Roster.Status.VERIFIED, branch_staff)
    assert Membership.history.filter(history_user=branch_staff).count() == 4


def test_worker_who_left_is_no_member_from_that_month(world, branch_staff):
    roster_verify(
        roster=_import(world, JAN, [worker_row(A, "Ani"), worker_row(B, "Budi")]), by=None
    )

    result = roster_verify(
        roster=_import(world, FEB, [worker_row(A, "Ani"), worker_row(C, "Citra")]), by=branch_staff
    )

    assert (result.opened, result.closed) == (2, 2)
    assert _open(world.kdi_dlhk) == [
        (A, "JKK", JAN), (A, "JKM", JAN), (C, "JKK", FEB), (C, "JKM", FEB),
    ]  # fmt: skip
    ended = Membership.objects.filter(worker__nik=B)
    assert set(ended.values_list("end", flat=True)) == {dt.date(2025, 1, 31)}


def test_kpj_from_the_roster_lands_on_the_membership(world):
    rows = [[*worker_row(A, "Ani"), "12345678901"]]
    roster = roster_import(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv(rows, headers=HEADERS_KPJ), by=None
    ).roster

    roster_verify(roster=roster)

    assert set(Membership.objects.values_list("kpj", flat=True)) == {"12345678901"}


def test_reverified_month_drops_memberships_opened_for_a_removed_worker(world):
    roster_verify(roster=_import(world, JAN, [worker_row(A, "Ani"), worker_row(B, "Budi")]))
    roster = _import(world, JAN, [worker_row(A, "Ani")])  # B was a mistake

    result = roster_verify(roster=roster)

    assert (result.opened, result.closed, result.removed) == (0, 0, 2)
    assert _open(world.kdi_dlhk) == [(A, "JKK", JAN), (A, "JKM", JAN)]


def test_treasurer_cannot_verify(world, opd_treasurer):
    roster = _import(world, JAN, [worker_row(A, "Ani")])
    with pytest.raises(PermissionDenied):
        roster_verify(roster=roster, by=opd_treasurer)
    assert Membership.objects.count() == 0


def test_branch_staff_of_another_office_cannot_verify(world, branch_staff):
    roster = roster_import(
        unit=world.buton_opd, period=JAN, upload=roster_csv([worker_row(A, "Ani")]), by=None
    ).roster
    with pytest.raises(PermissionDenied):
        roster_verify(roster=roster, by=branch_staff)


def test_return_needs_a_reason_and_blocks_verification(world, branch_staff):
    roster = _import(world, JAN, [worker_row(A, "Ani")])
    with pytest.raises(ValidationError) as raised:
        roster_return(roster=roster, by=branch_staff, reason="  ")
    assert raised.value.messages == [str(RETURN_REASON_REQUIRED)]

    roster_return(roster=roster, by=branch_staff, reason="Upah Ani di bawah UMP")

    roster.refresh_from_db()
    assert (roster.status, roster.return_reason) == (
        Roster.Status.RETURNED,
        "Upah Ani di bawah UMP",
    )
    with pytest.raises(ValidationError, match="tidak dapat diverifikasi"):
        roster_verify(roster=roster, by=branch_staff)
    assert Membership.objects.count() == 0


def test_verified_roster_cannot_be_returned(world, branch_staff):
    roster = _import(world, JAN, [worker_row(A, "Ani")])
    roster_verify(roster=roster, by=branch_staff)
    with pytest.raises(ValidationError, match="tidak dapat dikembalikan"):
        roster_return(roster=roster, by=branch_staff, reason="terlambat")


def test_reupload_after_return_can_be_verified(world, opd_treasurer, branch_staff):
    roster = _import(world, JAN, [worker_row(A, "Ani")], opd_treasurer)
    roster_return(roster=roster, by=branch_staff, reason="NIK salah")
    roster = _import(world, JAN, [worker_row(B, "Budi")], opd_treasurer)

    roster_verify(roster=roster, by=branch_staff)

    assert _open(world.kdi_dlhk) == [(B, "JKK", JAN), (B, "JKM", JAN)]
