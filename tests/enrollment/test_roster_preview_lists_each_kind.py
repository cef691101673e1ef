"""The preview lists the first changes of each kind with the true counts, and compares a
small file with a large roster in SQL rather than reading every stored row."""

import datetime as dt
from concurrent.futures import Future

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.models import Roster, RosterEntry
from enrollment.services import bulk, rosters
from enrollment.services.rosters import roster_import, roster_preview
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

JAN, MAR = dt.date(2025, 1, 1), dt.date(2025, 3, 1)


def _nik(n: int) -> str:
    return make_nik(n, birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=n))


def _rows(numbers, *, wage="2500000"):
    return [worker_row(_nik(n), f"Pekerja {n}", wage=wage) for n in numbers]


def _january(world, numbers):
    roster_import(unit=world.kdi_dlhk, period=JAN, upload=roster_csv(_rows(numbers)))


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr(rosters, "CHANGES_LISTED", 3)
    return 3


def test_leavers_are_listed_when_new_rows_exceed_the_cap(world, opd_treasurer, cap):
    _january(world, range(1, 9))  # 8 workers
    file = _rows([1]) + _rows(range(100, 110))  # 1 stays, 10 new, 7 leave

    result = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(file), by=opd_treasurer
    )

    summary = result.upload.summary
    listed = [(c["kind"], c["nik"]) for c in summary["changes"]]
    assert [nik for kind, nik in listed if kind == "left"] == [_nik(2), _nik(3), _nik(4)]  # by row
    assert [nik for kind, nik in listed if kind == "created"] == [_nik(100), _nik(101), _nik(102)]


def test_counts_per_kind_are_the_true_counts(world, opd_treasurer, cap):
    _january(world, range(1, 9))
    file = _rows([1]) + _rows([2], wage="3000000") + _rows(range(3, 7), wage="2600000")
    file += _rows(range(100, 110))

    result = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(file), by=opd_treasurer
    )

    summary = result.upload.summary
    assert {k: summary[k] for k in ("created", "updated", "unchanged", "left")} == {
        "created": 10, "updated": 5, "unchanged": 1, "left": 2,
    }  # fmt: skip
    assert summary["before_count"] == 8
    kinds = [c["kind"] for c in summary["changes"]]
    assert (kinds.count("created"), kinds.count("updated"), kinds.count("left")) == (3, 3, 2)


def _cut_preview(world, by):
    """Eight workers in January; March's file keeps one and brings ten: 10 new, 7 leaving."""
    _january(world, range(1, 9))
    file = _rows([1]) + _rows(range(100, 110))
    return roster_preview(unit=world.kdi_dlhk, period=MAR, upload=roster_csv(file), by=by).upload


def test_preview_page_shows_true_counts_and_says_when_a_list_is_cut(
    client, world, opd_treasurer, cap
):
    upload = _cut_preview(world, opd_treasurer)
    client.force_login(opd_treasurer)

    page = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))

    html = page.content.decode()
    assert "Pekerja baru (10)" in html and "Keluar dari roster (7)" in html
    assert "Ditampilkan 3 pertama dari 10" in html and "Ditampilkan 3 pertama dari 7" in html
    leavers = html.split('class="preview-changes preview-left"')[1].split("</table>")[0]
    assert leavers.count("<tr>") == 1 + 3  # the header and the first three who leave
    assert '<td>Pekerja 2</td><td class="money">Rp 2.500.000</td>' in leavers
    assert "Pekerja 9" not in html  # the eighth leaver is counted, not listed


def test_a_short_list_is_not_said_to_be_cut(client, world, opd_treasurer):
    _january(world, range(1, 4))
    upload = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(_rows([1, 2, 50])), by=opd_treasurer
    ).upload
    client.force_login(opd_treasurer)

    html = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))

    html = html.content.decode()
    assert "Pekerja baru (1)" in html and "Keluar dari roster (1)" in html
    assert "preview-cut" not in html


def test_the_preview_reads_only_the_stored_rows_of_the_files_niks(
    world, opd_treasurer, monkeypatch
):
    _january(world, range(1, 41))
    read = []
    fetch = bulk.fetch_roster_rows

    def spy(roster_id, niks=None):
        rows = fetch(roster_id, niks)
        read.append((niks is not None, len(rows)))
        return rows

    monkeypatch.setattr(bulk, "fetch_roster_rows", spy)
    file = _rows([1, 2]) + _rows(range(100, 103))

    result = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(file), by=opd_treasurer
    )

    assert read == [(True, 2)]
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 2, "left": 38}


def test_the_preview_of_a_large_diff_issues_as_many_queries_as_a_small_one(world, opd_treasurer):
    def queries(stored: int, unit) -> int:
        roster_import(unit=unit, period=JAN, upload=roster_csv(_rows(range(1, stored + 1))))
        file = roster_csv(_rows([1]) + _rows(range(1000, 1000 + stored)))
        with CaptureQueriesContext(connection) as captured:
            roster_preview(unit=unit, period=MAR, upload=file, by=None)
        return len(captured)

    assert queries(5, world.kdi_dlhk) == queries(60, world.kdi_satpol)


def test_read_ahead_and_sql_comparison_agree(world, cap):
    _january(world, range(1, 12))
    compared = Roster.objects.get()
    niks = [_nik(n) for n in (3, 5, 200)]
    whole = Future()
    whole.set_result(
        rosters._Prefetched(compared.pk, compared.updated_at, bulk.fetch_roster_rows(compared.pk))
    )

    in_sql = rosters._compare_with(compared, None, niks)
    from_read_ahead = rosters._compare_with(compared, whole, niks)

    assert in_sql == from_read_ahead
    assert (sorted(in_sql.matched), in_sql.left) == (sorted([_nik(3), _nik(5)]), 9)
    assert [s.nik for s in in_sql.left_first] == [_nik(1), _nik(2), _nik(4)]


def test_a_reupload_keeps_unchanged_entries_and_deletes_the_others(world, opd_treasurer, cap):
    _january(world, range(1, 9))
    kept = RosterEntry.objects.get(worker__nik=_nik(1)).pk
    file = _rows([1]) + _rows([3], wage="2700000") + _rows(range(100, 110))

    result = roster_import(
        unit=world.kdi_dlhk, period=JAN, upload=roster_csv(file), by=opd_treasurer
    )

    assert result.ok and result.replaces
    assert result.counts() == {"created": 10, "updated": 1, "unchanged": 1, "left": 6}
    entries = RosterEntry.objects.filter(roster=result.roster)
    assert sorted(entries.values_list("worker__nik", "row_number")) == sorted(
        (row[0], n) for n, row in enumerate(file, start=2)
    )
    assert entries.get(worker__nik=_nik(1)).pk == kept
    assert entries.get(worker__nik=_nik(3)).wage == 2_700_000


def test_a_cut_preview_offers_every_change_as_a_workbook(client, world, opd_treasurer, cap):
    import io

    from openpyxl import load_workbook

    _january(world, range(1, 9))
    file = _rows([1]) + _rows([2], wage="3000000") + _rows(range(100, 110))
    upload = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(file), by=opd_treasurer
    ).upload
    client.force_login(opd_treasurer)
    url = reverse("admin:enrollment_roster_upload_changes", args=[upload.pk])

    page = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))
    response = client.get(url)

    assert url in page.content.decode()
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(lines) == 10 + 1 + 6  # every new, changed and leaving worker
    assert {line[1] for line in lines} >= {_nik(100), _nik(109), _nik(2), _nik(3), _nik(8)}
    changed = next(line for line in lines if line[1] == _nik(2))
    assert "Rp 2.500.000 → Rp 3.000.000" in changed[-1]


def test_an_imported_upload_points_to_the_rosters_changes_instead(
    client, world, opd_treasurer, cap
):
    from enrollment.services.rosters import roster_upload_confirm

    upload = _cut_preview(world, opd_treasurer)
    roster = roster_upload_confirm(upload=upload, by=opd_treasurer, typed="7").roster
    client.force_login(opd_treasurer)
    url = reverse("admin:enrollment_roster_upload_changes", args=[upload.pk])

    html = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))

    html = html.content.decode()
    assert url not in html
    assert reverse("admin:enrollment_roster_changes", args=[roster.pk]) in html
    assert client.get(url).status_code == 302  # back to the preview: nothing pending to list


def test_the_workbook_of_a_preview_whose_file_is_gone_is_not_found(client, world, opd_treasurer):
    upload = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(_rows([1, 2])), by=opd_treasurer
    ).upload
    upload.file.storage.delete(upload.file.name)
    client.force_login(opd_treasurer)

    response = client.get(reverse("admin:enrollment_roster_upload_changes", args=[upload.pk]))

    assert response.status_code == 404


def test_the_summary_and_the_warning_write_large_counts_with_thousands_dots(
    client, world, opd_treasurer
):
    _january(world, range(1, 4))
    upload = roster_preview(
        unit=world.kdi_dlhk, period=MAR, upload=roster_csv(_rows([50])), by=opd_treasurer
    ).upload
    upload.summary.update(row_count=1000, created=1000, left=20000, before_count=20000)
    upload.save()
    client.force_login(opd_treasurer)

    page = client.get(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))

    html = page.content.decode()
    assert "<td>1.000</td><td>1.000</td><td>0</td><td>0</td><td>20.000</td>" in html
    assert "20.000 dari 20.000 pekerja" in html
