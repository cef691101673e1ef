"""The preview shows new / changed / unchanged / leaving workers against the previous month."""

import datetime as dt

from enrollment.models import Roster, RosterEntry, RosterUpload, Worker
from enrollment.services.rosters import roster_import, roster_preview
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

A, B, C, D = (make_nik(n) for n in (1, 2, 3, 4))
JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


def _january(world, user):
    rows = [worker_row(A, "Ani"), worker_row(B, "Budi", position="Sopir"), worker_row(C, "Citra")]
    roster_import(unit=world.kdi_dlhk, period=JAN, upload=roster_csv(rows), by=user)


def _february_rows():
    return [
        worker_row(A, "Ani"),
        worker_row(B, "Budi", position="Kepala Regu", wage="2.750.000"),
        worker_row(D, "Dedi"),
    ]


def test_preview_counts_against_the_latest_earlier_roster(world, opd_treasurer):
    _january(world, opd_treasurer)

    result = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(_february_rows()), by=opd_treasurer
    )

    assert result.ok and not result.replaces
    assert result.compared_with == JAN
    assert result.counts() == {"created": 1, "updated": 1, "unchanged": 1, "left": 1}
    assert [(c.kind, c.nik, c.row) for c in result.changes] == [
        ("updated", B, 3),
        ("created", D, 4),
        ("left", C, None),
    ]
    assert result.changes[0].changes == {
        "position": ("Sopir", "Kepala Regu"),
        "wage": (2_500_000, 2_750_000),
    }


def test_preview_saves_nothing_but_the_pending_upload(world, opd_treasurer):
    _january(world, opd_treasurer)
    counts = (Roster.objects.count(), RosterEntry.objects.count(), Worker.objects.count())

    result = roster_preview(
        unit=world.kdi_dlhk, period=FEB, upload=roster_csv(_february_rows()), by=opd_treasurer
    )

    assert (Roster.objects.count(), RosterEntry.objects.count(), Worker.objects.count()) == counts
    assert result.upload.status == RosterUpload.Status.PENDING
    assert result.upload.summary["created"] == 1
    assert result.upload.summary["changes"][0]["changes"]["wage"] == ["2500000", "2750000"]


def test_dry_run_keeps_not_even_the_file(world, opd_treasurer):
    result = roster_import(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv(_february_rows()), by=opd_treasurer,
        dry_run=True,
    )  # fmt: skip

    assert result.ok and result.counts()["created"] == 3
    assert RosterUpload.objects.count() == 0
    assert Roster.objects.count() == 0


def test_first_roster_of_a_unit_has_nothing_to_compare_with(world, opd_treasurer):
    result = roster_import(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv(_february_rows()), by=opd_treasurer,
        dry_run=True,
    )  # fmt: skip
    assert result.compared_with is None
    assert [c.kind for c in result.changes] == ["created"] * 3


def test_a_known_nik_with_another_name_is_a_warning(world, opd_treasurer):
    roster_import(
        unit=world.kdi_satpol, period=JAN, upload=roster_csv([worker_row(A, "Ani")]), by=None
    )

    result = roster_import(
        unit=world.kdi_dlhk, period=FEB, upload=roster_csv([worker_row(A, "Rudi")]),
        by=opd_treasurer, dry_run=True,
    )  # fmt: skip

    assert result.ok
    assert [(p.location, p.severity) for p in result.problems] == [("roster!2:NIK", "warning")]
    assert "sudah terdaftar atas nama lain" in result.problems[0].message
