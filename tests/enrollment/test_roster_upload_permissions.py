"""Treasurers upload only to their own units; branch staff to the units their office serves."""

import pytest
from django.core.exceptions import PermissionDenied

from enrollment.models import Roster, RosterUpload, Worker
from enrollment.services.rosters import UPLOAD_NOT_ALLOWED, roster_import, roster_preview
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik


def _upload():
    return roster_csv([worker_row(make_nik(1), "Ani")])


@pytest.mark.parametrize("service", [roster_import, roster_preview])
def test_treasurer_cannot_upload_to_or_preview_another_unit(world, opd_treasurer, period, service):
    with pytest.raises(PermissionDenied) as raised:
        service(unit=world.kdi_satpol, period=period, upload=_upload(), by=opd_treasurer)

    assert str(raised.value) == str(UPLOAD_NOT_ALLOWED % {"unit": "74.71-SATPOLPP"})
    assert (Roster.objects.count(), RosterUpload.objects.count(), Worker.objects.count()) == (
        0,
        0,
        0,
    )


def test_village_treasurer_uploads_only_for_its_village(world, village_treasurer, period):
    rows = [worker_row(make_nik(1), "Ani", segment="perangkat_desa")]
    roster_import(
        unit=world.konut_village, period=period, upload=roster_csv(rows), by=village_treasurer
    )
    with pytest.raises(PermissionDenied):
        roster_import(unit=world.konut_opd, period=period, upload=_upload(), by=village_treasurer)
    assert Roster.objects.get().unit == world.konut_village


def test_branch_staff_upload_for_units_their_office_serves(world, branch_staff, period):
    roster_import(unit=world.konut_opd, period=period, upload=_upload(), by=branch_staff)
    with pytest.raises(PermissionDenied):
        roster_import(unit=world.buton_opd, period=period, upload=_upload(), by=branch_staff)
    assert Roster.objects.get().unit == world.konut_opd


def test_sekda_may_look_but_not_upload(world, sekda, period):
    with pytest.raises(PermissionDenied):
        roster_import(unit=world.kdi_dlhk, period=period, upload=_upload(), by=sekda)


def test_province_admin_uploads_anywhere(world, province_admin, period):
    roster_import(unit=world.buton_opd, period=period, upload=_upload(), by=province_admin)
    assert Roster.objects.get().uploaded_by == province_admin
