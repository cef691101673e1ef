"""Re-uploading a unit's roster for the same month replaces it; the earlier file stays."""

import datetime as dt

from enrollment.models import Roster, RosterEntry, RosterUpload, Worker
from enrollment.services.rosters import roster_import, roster_verify
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

A, B, C, D = (make_nik(n) for n in (1, 2, 3, 4))


def _first_upload(world, user, period):
    rows = [worker_row(A, "Ani"), worker_row(B, "Budi"), worker_row(C, "Citra")]
    return roster_import(
        unit=world.kdi_dlhk, period=period, upload=roster_csv(rows, name="jan.csv"), by=user
    )


def test_reupload_replaces_entries_and_keeps_one_roster(world, opd_treasurer, period):
    first = _first_upload(world, opd_treasurer, period)
    rows = [worker_row(A, "Ani", wage="3000000"), worker_row(C, "Citra"), worker_row(D, "Dedi")]

    second = roster_import(
        unit=world.kdi_dlhk,
        period=period,
        upload=roster_csv(rows, name="jan-fixed.csv"),
        by=opd_treasurer,
    )

    assert second.ok and second.replaces
    assert second.compared_with == period
    assert second.counts() == {"created": 1, "updated": 1, "unchanged": 1, "left": 1}
    roster = Roster.objects.get()
    assert roster.pk == first.roster.pk
    assert (roster.entry_count, roster.created_count, roster.left_count) == (3, 1, 1)
    assert sorted(RosterEntry.objects.values_list("worker__nik", "wage")) == sorted(
        [(A, 3_000_000), (C, 2_500_000), (D, 2_500_000)]
    )
    assert Worker.objects.count() == 4  # Budi left the roster, not the register


def test_earlier_file_stays_on_disk_and_in_history(world, opd_treasurer, period):
    first = _first_upload(world, opd_treasurer, period)
    first_file = first.roster.file.name
    roster_import(
        unit=world.kdi_dlhk, period=period, upload=roster_csv([worker_row(A, "Ani")], name="feb.csv"),
        by=opd_treasurer,
    )  # fmt: skip

    roster = Roster.objects.get()
    assert roster.file.name != first_file
    assert roster.file.storage.exists(first_file)
    assert first_file in roster.history.values_list("file", flat=True)
    assert roster.history.first().history_user == opd_treasurer
    assert RosterUpload.objects.filter(status=RosterUpload.Status.IMPORTED).count() == 2


def test_unchanged_reupload_rewrites_nothing(world, opd_treasurer, period):
    _first_upload(world, opd_treasurer, period)
    before = dict(RosterEntry.objects.values_list("worker__nik", "pk"))
    history = Worker.history.count()

    result = _first_upload(world, opd_treasurer, period)

    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 3, "left": 0}
    assert dict(RosterEntry.objects.values_list("worker__nik", "pk")) == before
    assert Worker.history.count() == history


def test_reupload_of_a_verified_roster_puts_it_back_to_submitted(
    world, opd_treasurer, branch_staff, period
):
    first = _first_upload(world, opd_treasurer, period)
    roster_verify(roster=first.roster, by=branch_staff)

    _first_upload(world, opd_treasurer, period)

    roster = Roster.objects.get()
    assert roster.status == Roster.Status.SUBMITTED
    assert roster.verified_by is None


def test_worker_data_changes_are_recorded_in_history(world, opd_treasurer, period):
    _first_upload(world, opd_treasurer, period)
    rows = [worker_row(A, "Ani Rahmawati"), worker_row(B, "Budi"), worker_row(C, "Citra")]

    roster_import(unit=world.kdi_dlhk, period=period, upload=roster_csv(rows), by=opd_treasurer)

    worker = Worker.objects.get(nik=A)
    assert worker.name == "Ani Rahmawati"
    # Creation is recorded by the roster upload (no "+" row, see bulk.insert_workers);
    # a change to an existing worker gets its history row.
    assert list(worker.history.values_list("history_type", "name")) == [("~", "Ani Rahmawati")]
    assert worker.history.first().history_user == opd_treasurer


def test_a_rejected_reupload_leaves_the_roster_as_it_was(world, opd_treasurer, period):
    first = _first_upload(world, opd_treasurer, period)
    rows = [worker_row(A, "Ani", wage="-1")]

    result = roster_import(
        unit=world.kdi_dlhk, period=period, upload=roster_csv(rows), by=opd_treasurer
    )

    assert not result.ok
    roster = Roster.objects.get()
    assert roster.file.name == first.roster.file.name
    assert roster.entries.count() == 3


def test_period_is_stored_as_the_first_of_the_month(world, opd_treasurer):
    result = roster_import(
        unit=world.kdi_dlhk, period=dt.date(2025, 3, 17), upload=roster_csv([worker_row(A, "Ani")]),
        by=opd_treasurer,
    )  # fmt: skip
    assert result.roster.period == dt.date(2025, 3, 1)
