"""Row hashes: unchanged rows skip their per-cell checks, and nothing else changes (issue #13).

Which checks of ``check_rows`` may be skipped for a row whose cells and stored values give
the stored entry's hash, and which still run for every row:

- row-local and period-independent, skipped: every cell parser (NIK format and province,
  name, dates, sex, category, wage, KPJ), NIK vs birth date and sex, TMT before the age of
  15, wage 0 (a row with any warning gets no hash, so its checks run every time);
- beyond the row, still run: the NIK earlier in the file (duplicate), the NIK's regency
  (the Regency table), the category for the unit's kind, a TMT after the roster's month,
  a birth date after today, values in columns without a header; and everything the plan
  does (double enrolment across units, the worker's stored name and birth date, identities
  kept outside the uploader's scope), which reads every row as before.
"""

import datetime as dt
import io
import random

import pytest
from django.db import transaction
from openpyxl import load_workbook

from enrollment.imports import rows as rows_module
from enrollment.imports.reading import read_roster_file
from enrollment.imports.rows import DUPLICATE_NIK, check_rows, row_hash
from enrollment.imports.template import error_workbook
from enrollment.models import Roster, RosterEntry, Worker
from enrollment.services import bulk, rosters
from enrollment.services.rosters import roster_import
from tests.enrollment.conftest import HEADERS, roster_csv, roster_xlsx, worker_row
from tests.factories import make_nik

JAN, FEB = dt.date(2025, 1, 1), dt.date(2025, 2, 1)
KNOWN_REGENCIES = frozenset({"74.71", "74.09", "74.04"})
TODAY = dt.date(2026, 11, 27)


def _rows(count, *, seed=0):
    rng = random.Random(seed)
    rows = []
    for serial in range(1, count + 1):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
        sex = rng.choice("LP")
        rows.append(
            worker_row(
                make_nik(serial, sex=sex, birth_date=birth),
                f"Pekerja {serial}",
                birth=birth.strftime("%d-%m-%Y"),
                sex=sex,
                position=rng.choice(["Staf", "Sopir", "Caraka"]),
                wage=str(rng.randrange(20, 60) * 100_000),
                start="01-01-2020",
            )
        )
    return rows


def _import(world, user, rows, period, *, xlsx=False, name=None):
    make = roster_xlsx if xlsx else roster_csv
    upload = make(rows, name=name or ("roster.xlsx" if xlsx else "roster.csv"))
    return roster_import(unit=world.kdi_dlhk, period=period, upload=upload, by=user)


def _outcome(result, data: bytes, filename: str) -> dict:
    """Everything a user or the database sees of an import, without ids and file names."""
    summary = result.summary()
    workbook = load_workbook(
        io.BytesIO(error_workbook(data, filename=filename, problems=result.problems))
    )
    return {
        "ok": result.ok,
        "summary": summary,
        "problems": [p.as_dict() for p in result.problems],
        "workbook": {
            ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook
        },
        "entries": sorted(
            RosterEntry.objects.filter(roster__unit=result.unit).values_list(
                "roster__period",
                "worker__nik",
                "row_number",
                "position",
                "segment",
                "wage",
                "start_date",
                "kpj",
                "row_hash",
            )
        ),  # fmt: skip
        "workers": sorted(Worker.objects.values_list("nik", "name", "birth_date", "sex")),
        "roster": list(
            Roster.objects.filter(unit=result.unit)
            .order_by("period")
            .values_list("period", "entry_count", "created_count", "updated_count", "left_count")
        ),
    }


def _both_ways(monkeypatch, world, user, rows, period, *, xlsx=False, dry_run=False):
    """Import the same file with and without the row-hash shortcut, from the same state."""
    make = roster_xlsx if xlsx else roster_csv
    filename = "roster.xlsx" if xlsx else "roster.csv"
    data = make(rows, name=filename).read()
    outcomes, reused = [], []
    for use in (True, False):
        monkeypatch.setattr(rosters, "USE_ROW_HASHES", use)
        point = transaction.savepoint()
        try:
            result = roster_import(
                unit=world.kdi_dlhk,
                period=period,
                upload=make(rows, name=filename),
                by=user,
                dry_run=dry_run,
            )
            outcomes.append(_outcome(result, data, filename))
            reused.append(result.reused)
        finally:
            transaction.savepoint_rollback(point)
    assert reused[1] == 0
    return outcomes, reused[0]


# --- the same outcome both ways, on random worlds -------------------------------------------------


def _mutate(rng, rows):
    """Next month's file: most rows unchanged, some changed in one cell, bad rows, new rows."""
    out = []
    for row in rows:
        roll = rng.random()
        row = list(row)
        if roll < 0.05:
            continue  # left
        if roll < 0.10:
            row[6] = str(int(row[6]) + 100_000)  # new wage
        elif roll < 0.13:
            row[1] = row[1] + " Baru"  # new name: the worker is updated
        elif roll < 0.15:
            row[6] = "dua juta"  # bad wage
        elif roll < 0.17:
            row[2] = "31-02-1990"  # impossible date
        elif roll < 0.19:
            row[2] = "01-01-1991"  # birth date against the NIK: a warning
        elif roll < 0.21:
            row[7] = "15-03-2025"  # TMT after the month: a warning
        elif roll < 0.23:
            row[5] = "perangkat_desa"  # unusual for an OPD: a warning
        elif roll < 0.25:
            row[6] = "0"  # wage 0: a warning
        elif roll < 0.27:
            row[6] = "2.500.000"  # another spelling of the same wage
        elif roll < 0.29:
            out.append(list(row))  # the same NIK twice
        out.append(row)
    rng.shuffle(out)
    for serial in range(900, 900 + rng.randrange(1, 6)):
        out.append(worker_row(make_nik(serial), f"Baru {serial}"))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_random_worlds_import_the_same_with_and_without_row_hashes(
    world, opd_treasurer, monkeypatch, seed
):
    rng = random.Random(seed)
    xlsx = seed % 2 == 1
    first = _rows(40, seed=seed)
    _import(world, opd_treasurer, first, JAN, xlsx=xlsx)
    later = _mutate(rng, first)
    # The next month, a dry run of it, and (after the good part is imported) a re-import.
    for dry_run in (False, True):
        (with_hash, without), reused = _both_ways(
            monkeypatch, world, opd_treasurer, later, FEB, xlsx=xlsx, dry_run=dry_run
        )
        assert with_hash == without
        assert reused > 20
    good = [r for r in later if r[6] not in {"dua juta"} and r[2] != "31-02-1990"]
    good = list({r[0]: r for r in good}.values())
    assert _import(world, opd_treasurer, good, FEB, xlsx=xlsx).ok
    (with_hash, without), reused = _both_ways(
        monkeypatch, world, opd_treasurer, _mutate(rng, good), FEB, xlsx=xlsx
    )
    assert with_hash == without
    assert reused > 20


# --- each case by name ----------------------------------------------------------------------------


def test_unchanged_reimport_takes_every_row_from_the_stored_roster(world, opd_treasurer):
    rows = _rows(10)
    _import(world, opd_treasurer, rows, JAN)

    again = _import(world, opd_treasurer, rows, JAN)

    assert again.ok and again.reused == 10
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 10, "left": 0}
    assert RosterEntry.objects.filter(row_hash__isnull=True).count() == 0


def test_next_month_takes_unchanged_rows_from_the_previous_roster(world, opd_treasurer):
    rows = _rows(10)
    _import(world, opd_treasurer, rows, JAN)

    feb = _import(world, opd_treasurer, rows, FEB)

    assert feb.ok and feb.reused == 10 and feb.compared_with == JAN
    jan_hashes = set(
        RosterEntry.objects.filter(roster__period=JAN).values_list("row_hash", flat=True)
    )
    feb_hashes = set(
        RosterEntry.objects.filter(roster__period=FEB).values_list("row_hash", flat=True)
    )
    assert jan_hashes == feb_hashes


def test_a_row_changed_in_one_cell_is_checked_in_full(world, opd_treasurer, monkeypatch):
    rows = _rows(5)
    _import(world, opd_treasurer, rows, JAN)
    changed = [list(r) for r in rows]
    changed[2][6] = "dua juta"

    (with_hash, without), reused = _both_ways(monkeypatch, world, opd_treasurer, changed, FEB)

    assert reused == 4
    assert with_hash == without
    assert [(p["row"], p["column"]) for p in with_hash["problems"]] == [(4, "Upah")]


def test_another_spelling_of_the_same_value_is_checked_and_keeps_the_entry(
    world, opd_treasurer, monkeypatch
):
    rows = _rows(3)
    _import(world, opd_treasurer, rows, JAN)
    respelt = [list(r) for r in rows]
    respelt[0][6] = f"Rp {int(respelt[0][6]):,}".replace(",", ".")

    result = _import(world, opd_treasurer, respelt, JAN)

    assert result.reused == 2 and result.counts()["unchanged"] == 3
    # The entry now carries the hash of the new spelling, so the next import reuses it.
    assert _import(world, opd_treasurer, respelt, JAN).reused == 3


def test_a_row_with_a_warning_gets_no_hash_and_is_checked_every_time(world, opd_treasurer):
    rows = _rows(3)
    rows[1][6] = "0"  # wage 0: a warning
    first = _import(world, opd_treasurer, rows, JAN)
    assert [p.column for p in first.warnings] == ["Upah"]

    again = _import(world, opd_treasurer, rows, JAN)

    assert again.reused == 2
    assert [p.column for p in again.warnings] == ["Upah"]
    nik = rows[1][0]
    assert RosterEntry.objects.get(worker__nik=nik).row_hash is None


def test_duplicate_nik_of_an_unchanged_row_is_still_an_error(world, opd_treasurer, monkeypatch):
    rows = _rows(3)
    _import(world, opd_treasurer, rows, JAN)

    (with_hash, without), reused = _both_ways(
        monkeypatch, world, opd_treasurer, [*rows, rows[0]], FEB
    )

    assert reused == 3 and with_hash == without
    assert not with_hash["ok"]
    assert with_hash["problems"][0]["message"] == str(DUPLICATE_NIK % {"nik": rows[0][0], "row": 2})


def test_double_enrolment_is_still_reported_for_unchanged_rows(world, opd_treasurer, monkeypatch):
    rows = _rows(3)
    _import(world, opd_treasurer, rows, JAN)
    other = roster_csv([rows[1]], name="satpol.csv")
    assert roster_import(unit=world.kdi_satpol, period=FEB, upload=other, by=None).ok

    (with_hash, without), reused = _both_ways(monkeypatch, world, opd_treasurer, rows, FEB)

    assert reused == 3 and with_hash == without
    assert [d["nik"] for d in with_hash["summary"]["double_enrolments"]] == [rows[1][0]]


def test_worker_renamed_on_another_roster_is_checked_in_full(world, opd_treasurer, monkeypatch):
    rows = _rows(3)
    _import(world, opd_treasurer, rows, JAN)
    Worker.objects.filter(nik=rows[0][0]).update(name="Nama Lain Sekali")

    (with_hash, without), reused = _both_ways(monkeypatch, world, opd_treasurer, rows, FEB)

    assert reused == 2 and with_hash == without
    assert with_hash["summary"]["updated"] == 1


def test_an_entry_edited_after_the_import_no_longer_vouches_for_its_row(world, opd_treasurer):
    rows = _rows(3)
    _import(world, opd_treasurer, rows, JAN)
    RosterEntry.objects.filter(worker__nik=rows[0][0]).update(wage=1)

    again = _import(world, opd_treasurer, rows, JAN)

    assert again.reused == 2 and again.counts()["updated"] == 1


def test_entries_stored_without_a_hash_get_one_on_an_unchanged_reimport(world, opd_treasurer):
    rows = _rows(4)
    _import(world, opd_treasurer, rows, JAN)
    RosterEntry.objects.update(row_hash=None)  # entries written before the column existed

    again = _import(world, opd_treasurer, rows, JAN)

    assert again.reused == 0 and again.counts()["unchanged"] == 4
    assert not RosterEntry.objects.filter(row_hash__isnull=True).exists()
    assert _import(world, opd_treasurer, rows, JAN).reused == 4


# --- checks beyond the row, on check_rows directly ------------------------------------------------


def _check_both_ways(rows, known, **context):
    """check_rows of a csv with and without `known` (stored rows by NIK)."""
    context = {"unit_kind": "opd", "period": FEB, "known_regencies": KNOWN_REGENCIES,
               "today": TODAY, **context}  # fmt: skip
    results = []
    for stored in (known, None):
        data = roster_csv(rows).read()
        sheet = read_roster_file(data, filename="roster.csv")
        checked = check_rows(sheet, known=stored, **context)
        results.append(checked)
    with_hash, without = results
    assert with_hash.rows == without.rows
    assert with_hash.problems == without.problems
    return with_hash


def _stored(world, user, rows, period, unit=None):
    upload = roster_csv(rows)
    result = roster_import(unit=unit or world.kdi_dlhk, period=period, upload=upload, by=user)
    assert result.ok and not result.warnings, result.problems
    return bulk.fetch_roster_rows(result.roster.pk)


def test_tmt_after_the_month_still_warns_for_a_stored_row(world, opd_treasurer):
    rows = _rows(2)
    rows[0][7] = "10-03-2025"
    known = _stored(world, opd_treasurer, rows, dt.date(2025, 3, 1))

    checked = _check_both_ways(rows, known, period=FEB)  # the same cell, an earlier month

    assert checked.reused == 1
    assert [(p.row, p.column, p.severity) for p in checked.problems] == [(2, "TMT", "warning")]


def test_birth_date_after_today_is_still_refused_for_a_stored_row(world, opd_treasurer):
    rows = _rows(2, seed=3)
    known = _stored(world, opd_treasurer, rows, JAN)
    birth = dt.date.fromisoformat("-".join(reversed(rows[0][2].split("-"))))

    checked = _check_both_ways(rows, known, today=birth - dt.timedelta(days=1))

    assert (2, "Tanggal Lahir") in [(p.row, p.column) for p in checked.problems]


def test_unknown_regency_still_warns_for_a_stored_row(world, opd_treasurer):
    rows = _rows(2)
    known = _stored(world, opd_treasurer, rows, JAN)

    checked = _check_both_ways(rows, known, known_regencies=frozenset({"74.09"}))

    assert checked.reused == 0
    assert {(p.column, p.severity) for p in checked.problems} == {("NIK", "warning")}


def test_category_unusual_for_the_unit_kind_still_warns_for_a_stored_row(world, opd_treasurer):
    rows = [worker_row(make_nik(1), "Kades", segment="perangkat_desa"), *_rows(1)]
    known = _stored(world, None, rows, JAN, unit=world.konut_village)

    checked = _check_both_ways(rows, known, unit_kind="opd")

    assert checked.reused == 1
    assert [(p.row, p.column) for p in checked.problems] == [(2, "Kategori")]


def test_a_value_in_a_column_without_header_is_still_refused(world, opd_treasurer):
    rows = _rows(2)
    known = _stored(world, opd_treasurer, rows, JAN)
    data_rows = [[*r, "catatan"] for r in rows]
    headers = [*HEADERS, ""]

    results = []
    for stored in (known, None):
        sheet = read_roster_file(roster_csv(data_rows, headers=headers).read(), filename="r.csv")
        results.append(
            check_rows(
                sheet,
                unit_kind="opd",
                period=FEB,
                known_regencies=KNOWN_REGENCIES,
                today=TODAY,
                known=stored,
            )  # fmt: skip
        )
    assert results[0].reused == 2
    assert results[0].problems == results[1].problems and len(results[0].problems) == 1


# --- the hash itself ------------------------------------------------------------------------------


def test_row_hash_keeps_cell_types_apart():
    parsed = (
        "7471011708900001",
        "1",
        dt.date(1990, 8, 17),
        "L",
        "",
        "non_asn",
        1,
        dt.date(2020, 1, 1),
        "",
    )
    base = ("7471011708900001", "1", "17-08-1990", "L", None, "non_asn", "1", "01-01-2020", None)
    variants = [
        base,
        (base[0], 1, *base[2:]),
        (base[0], 1.0, *base[2:]),
        (*base[:6], 1, *base[7:]),
        (*base[:2], dt.datetime(1990, 8, 17), *base[3:]),
        (*base[:4], "", *base[5:]),
    ]
    assert len({row_hash(v, parsed) for v in variants}) == len(variants)


def test_row_hash_is_stable_and_names_its_version(monkeypatch):
    raw = ("7471011708900001", "Ani", dt.datetime(1990, 8, 17), "L", "Staf", "non_asn",
           2500000.0, dt.datetime(2020, 1, 1), None)  # fmt: skip
    parsed = ("7471011708900001", "Ani", dt.date(1990, 8, 17), "L", "Staf", "non_asn",
              2500000, dt.date(2020, 1, 1), "")  # fmt: skip
    # The same in every process and on every machine (no hash() of str): a stored value.
    assert row_hash(raw, parsed) == STABLE_HASH
    monkeypatch.setattr(rows_module, "ROW_HASH_VERSION", rows_module.ROW_HASH_VERSION + 1)
    assert row_hash(raw, parsed) != STABLE_HASH


STABLE_HASH = 1914045732084410228  # ROW_HASH_VERSION 1
