"""The same NIK on another unit's roster for the same month is a double enrolment."""

import datetime as dt

from enrollment.selectors import roster_double_enrolments
from enrollment.services.rosters import DOUBLE_ENROLMENT, roster_import
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

A, B = make_nik(1), make_nik(2)
JAN = dt.date(2025, 1, 1)


def _satpol_january(world):
    roster_import(
        unit=world.kdi_satpol, period=JAN, upload=roster_csv([worker_row(A, "Ani")]), by=None
    )


def test_uploader_is_told_of_the_double_enrolment(world, branch_staff):
    _satpol_january(world)

    result = roster_import(
        unit=world.kdi_dlhk,
        period=JAN,
        upload=roster_csv([worker_row(B, "Budi"), worker_row(A, "Ani")]),
        by=branch_staff,
    )

    assert result.ok  # a warning: the other roster may be the wrong one
    assert [(p.location, p.message, p.severity) for p in result.problems] == [
        (
            "roster!3:NIK",
            str(DOUBLE_ENROLMENT % {"nik": A, "units": "74.71-SATPOLPP", "period": "2025-01"}),
            "warning",
        )
    ]
    assert [(d.nik, d.row, d.units) for d in result.double_enrolments] == [
        (A, 3, [("74.71-SATPOLPP", "Satpol PP")])
    ]


def test_a_treasurer_is_told_without_naming_a_unit_outside_their_scope(world, opd_treasurer):
    """#11: the warning must not let a treasurer probe who works where."""
    _satpol_january(world)
    result = roster_import(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv([worker_row(A, "Ani")]),
        by=opd_treasurer,
    )  # fmt: skip
    units = "1 unit lain di luar cakupan Anda"
    assert [p.message for p in result.problems] == [
        str(DOUBLE_ENROLMENT % {"nik": A, "units": units, "period": "2025-01"})
    ]
    assert "SATPOLPP" not in str(result.summary())
    lines = roster_double_enrolments(roster=result.roster, by=opd_treasurer)
    assert [line.units for line in lines] == [((units, units),)]


def test_another_month_is_no_double_enrolment(world, opd_treasurer):
    _satpol_january(world)
    result = roster_import(
        unit=world.kdi_dlhk, period=dt.date(2025, 2, 1), upload=roster_csv([worker_row(A, "Ani")]),
        by=opd_treasurer,
    )  # fmt: skip
    assert result.double_enrolments == []


def test_branch_staff_see_double_enrolments_of_a_roster(world, opd_treasurer):
    _satpol_january(world)
    result = roster_import(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv([worker_row(A, "Ani")]), by=opd_treasurer
    )

    lines = roster_double_enrolments(roster=result.roster)

    assert [(line.nik, line.row, line.units) for line in lines] == [
        (A, 2, (("74.71-SATPOLPP", "Satpol PP"),))
    ]
