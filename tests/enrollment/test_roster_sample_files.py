"""Every broken sample file in tests/data/rosters/ is rejected at one exact place, nothing saved.

The files come from tests/data/rosters/make_samples.py; each differs from the
good three-worker roster in one way.
"""

import pytest

from enrollment.imports import parsing, reading, rows
from enrollment.models import Roster, RosterEntry, RosterUpload, Worker
from enrollment.services.rosters import roster_import
from tests.enrollment.conftest import PERIOD, SAMPLES, sample

EXPECTED_HEADERS = reading.ROSTER_LAYOUT.expected

BROKEN = {
    "rounded_nik_number.xlsx": [
        ("Sheet1!3:NIK", parsing.NIK_ROUNDED % {"value": "7471011203850000"}),
    ],
    "rounded_nik_scientific.csv": [
        ("rounded_nik_scientific!2:NIK", parsing.NIK_ROUNDED % {"value": "7,47102E+15"}),
    ],
    "rounded_nik_trailing_zeros.csv": [
        (
            "rounded_nik_trailing_zeros!4:NIK",
            parsing.NIK_SERIAL_ZERO % {"value": "7471020101950000"},
        ),
    ],
    "rounded_nik_float_text.csv": [
        ("rounded_nik_float_text!4:NIK", parsing.NIK_ROUNDED % {"value": "7471020101950003.0"}),
    ],
    "nik_too_short.xlsx": [
        ("Sheet1!2:NIK", parsing.NIK_LENGTH % {"value": "747101570890001", "length": 15}),
    ],
    "nik_with_letters.csv": [
        ("nik_with_letters!3:NIK", parsing.NIK_NOT_DIGITS % {"value": "74710112O3850002"}),
    ],
    "nik_unknown_province.xlsx": [
        ("Sheet1!4:NIK", parsing.NIK_PROVINCE % {"value": "9971020101950003", "code": "99"}),
    ],
    "nik_impossible_date.xlsx": [
        ("Sheet1!4:NIK", parsing.NIK_DATE % {"value": "7471023201950003", "digits": "320195"}),
    ],
    "duplicate_nik.xlsx": [
        ("Sheet1!5:NIK", rows.DUPLICATE_NIK % {"nik": "7471015708900001", "row": 2}),
    ],
    "wage_negative.xlsx": [
        ("Sheet1!3:Upah", parsing.WAGE_NEGATIVE % {"value": -2500000}),
    ],
    "wage_text.csv": [
        ("wage_text!2:Upah", parsing.WAGE_NOT_NUMBER % {"value": "dua juta lima ratus"}),
    ],
    "wage_fraction.xlsx": [
        ("Sheet1!4:Upah", parsing.WAGE_FRACTION % {"value": 2750000.5}),
    ],
    "birth_date_future.xlsx": [
        ("Sheet1!4:Tanggal Lahir", parsing.BIRTH_DATE_FUTURE % {"date": "01-01-2095"}),
    ],
    "birth_date_impossible.csv": [
        (
            "birth_date_impossible!2:Tanggal Lahir",
            parsing.DATE_IMPOSSIBLE % {"value": "31-02-1990"},
        ),
    ],
    "date_unknown_format.csv": [
        ("date_unknown_format!3:TMT", parsing.DATE_FORMAT % {"value": "1 Mei 2019"}),
    ],
    "start_before_age_15.xlsx": [
        (
            "Sheet1!4:TMT",
            parsing.START_BEFORE_AGE_15 % {"start": "01-07-2005", "birth": "01-01-1995"},
        ),
    ],
    "sex_invalid.csv": [
        ("sex_invalid!3:Jenis Kelamin", parsing.SEX_INVALID % {"value": "X"}),
    ],
    "segment_invalid.xlsx": [
        ("Sheet1!2:Kategori", parsing.SEGMENT_INVALID % {"value": "PNS"}),
    ],
    "kpj_invalid.csv": [
        ("kpj_invalid!3:KPJ", parsing.KPJ_INVALID % {"value": "12-34"}),
    ],
    "name_missing.csv": [
        ("name_missing!4:Nama", parsing.NAME_REQUIRED),
    ],
    "missing_required_column.xlsx": [
        ("Sheet1!1:Upah", reading.HEADER_MISSING % {"header": "Upah"}),
    ],
    "unknown_header.xlsx": [
        (
            "Sheet1!1:Alamat",
            reading.HEADER_UNKNOWN % {"header": "Alamat", "expected": EXPECTED_HEADERS},
        ),
    ],
    "duplicate_header.csv": [
        ("duplicate_header!1:name", reading.HEADER_DUPLICATE % {"header": "name", "other": "B"}),
    ],
    "column_without_header.xlsx": [
        ("Sheet1!2:J", reading.COLUMN_WITHOUT_HEADER % {"letter": "J"}),
    ],
    "empty.csv": [("empty!1:A", reading.FILE_EMPTY)],
    "empty_sheet.xlsx": [("Sheet!1:A", reading.FILE_EMPTY)],
    "header_only.xlsx": [("Sheet1!2:A", reading.FILE_HEADER_ONLY)],
    "header_only.csv": [("header_only!2:A", reading.FILE_HEADER_ONLY)],
    "header_not_first_row.xlsx": [("Sheet1!1:A", reading.HEADER_NOT_FIRST_ROW % {"row": 3})],
    "extra_sheet.xlsx": [
        ("Sheet2!1:A", reading.EXTRA_SHEETS % {"sheets": "'Sheet2'", "first": "Sheet1"}),
    ],
    "merged_cells.xlsx": [("Sheet1!3:Jabatan", reading.MERGED_CELLS % {"ranges": "E3:F3"})],
    "formula.xlsx": [
        (
            "Sheet1!4:Upah",
            reading.FORMULAS % {"cell": "G4", "formula": "=G3+250000", "more": ""},
        ),
    ],
    "old_excel.xls": [("old_excel!1:A", reading.FILE_OLD_EXCEL)],
    "not_a_spreadsheet.pdf": [("not_a_spreadsheet!1:A", reading.FILE_UNREADABLE)],
    "too_large.csv": [
        ("too_large!1:A", reading.FILE_TOO_LARGE % {"size": "5 KB", "limit": "2 KB"}),
    ],
}


def test_there_are_at_least_25_broken_sample_files():
    assert len(BROKEN) >= 25
    on_disk = {p.name for p in SAMPLES.iterdir() if p.suffix != ".py"}
    assert set(BROKEN) <= on_disk


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_rejected_at_its_place_and_nothing_is_saved(
    name, world, opd_treasurer, settings
):
    if name == "too_large.csv":
        settings.ROSTER_MAX_UPLOAD_BYTES = 2048
    result = roster_import(
        unit=world.kdi_dlhk, period=PERIOD, upload=sample(name), by=opd_treasurer
    )

    errors = [(p.location, p.message) for p in result.errors]
    assert errors == [(location, str(message)) for location, message in BROKEN[name]]
    assert not result.ok
    assert Roster.objects.count() == 0
    assert RosterEntry.objects.count() == 0
    assert Worker.objects.count() == 0
    if name == "too_large.csv":  # over the byte limit: refused before it is stored (#11)
        assert RosterUpload.objects.count() == 0
        return
    upload = RosterUpload.objects.get()  # the rejected file is kept, and only that
    assert upload.status == RosterUpload.Status.REJECTED
    assert upload.file.read() == (SAMPLES / name).read_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "good_roster.xlsx",
        "good_roster_english_headers.csv",
        "good_roster_semicolon_windows1252.csv",
    ],
)
def test_good_file_imports_three_workers(name, world, opd_treasurer):
    result = roster_import(
        unit=world.kdi_dlhk, period=PERIOD, upload=sample(name), by=opd_treasurer
    )

    assert result.problems == []
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0, "left": 0}
    roster = Roster.objects.get(unit=world.kdi_dlhk, period=PERIOD)
    assert roster.entry_count == 3
    assert sorted(Worker.objects.values_list("name", flat=True)) == [
        "Andi Baso",
        "La Ode Mu’min" if "1252" in name else "La Ode Mu'min",
        "Wa Ode Sitti",
    ]
    entry = RosterEntry.objects.get(worker__nik="7471011203850002")
    assert (entry.wage, entry.kpj, entry.row_number) == (2_500_000, "12345678901", 3)
