"""NIK rules of DOMAIN.md §5: hard errors raise, disagreements with the row are warnings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enrollment.imports import parsing
from enrollment.imports.parsing import parse_nik

TODAY = dt.date(2026, 1, 15)
SULTRA = frozenset({"74.01", "74.04", "74.09", "74.11", "74.15", "74.71", "74.72"})


def test_a_woman_s_nik_carries_day_plus_40():
    result = parse_nik("7471015708900001", sex="P", birth_date=dt.date(1990, 8, 17))
    assert (result.nik, result.birth_date, result.sex, result.warnings) == (
        "7471015708900001",
        dt.date(1990, 8, 17),
        "P",
        (),
    )


def test_century_comes_from_the_row_birth_date():
    # stdnum guesses 19xx first; a worker born in 2005 is not 121 years old.
    result = parse_nik("7471011708050002", birth_date=dt.date(2005, 8, 17), today=TODAY)
    assert result.birth_date == dt.date(2005, 8, 17)
    assert result.warnings == ()


def test_without_a_row_birth_date_the_worker_is_assumed_at_least_15():
    assert parse_nik("7471011708050002", today=TODAY).birth_date == dt.date(2005, 8, 17)
    assert parse_nik("7471011708150002", today=TODAY).birth_date == dt.date(1915, 8, 17)


def test_regency_stdnum_does_not_know_is_accepted_against_our_regency_table():
    # Kolaka Timur (74.11) was formed after stdnum's table, which also uses BPS numbering.
    result = parse_nik("7411011708900002", known_regencies=SULTRA)
    assert result.warnings == ()


def test_unknown_regency_is_a_warning():
    result = parse_nik("7499011708900002", known_regencies=SULTRA)
    assert result.warnings == (str(parsing.NIK_REGENCY_UNKNOWN % {"code": "74.99"}),)


def test_other_province_is_fine_and_its_regency_is_not_checked():
    assert parse_nik("7371011708900002", known_regencies=SULTRA).warnings == ()


def test_newer_provinces_are_known():
    assert parse_nik("6501011708900002").nik == "6501011708900002"  # Kalimantan Utara


def test_birth_date_and_sex_disagreeing_with_the_row_are_warnings():
    result = parse_nik("7471011708900002", sex="P", birth_date=dt.date(1990, 8, 18))
    assert result.warnings == (
        str(parsing.NIK_BIRTH_DATE_MISMATCH % {"nik_date": "17-08-1990", "row_date": "18-08-1990"}),
        str(parsing.NIK_SEX_MISMATCH % {"nik_sex": "laki-laki", "row_sex": "perempuan"}),
    )


def test_a_number_cell_is_accepted_when_no_digit_can_have_been_lost():
    # DESIGN.md: only a number whose last digit is 0 (or scientific notation) is refused.
    result = parse_nik(7471011708900002.0)
    assert (result.nik, result.warnings) == ("7471011708900002", ())


def test_leading_apostrophe_and_spaces_are_ignored():
    assert parse_nik(" '7471 0117 0890 0002 ").nik == "7471011708900002"


@pytest.mark.parametrize(
    ("value", "message", "params"),
    [
        ("", parsing.NIK_REQUIRED, {}),
        (None, parsing.NIK_REQUIRED, {}),
        (7471011708900000.0, parsing.NIK_ROUNDED, {"value": "7471011708900000"}),
        (7471011708900000, parsing.NIK_ROUNDED, {"value": "7471011708900000"}),
        (9.471011708900001e15, parsing.NIK_ROUNDED, {"value": "9.4710117089e+15"}),
        ("7.47101E+15", parsing.NIK_ROUNDED, {"value": "7.47101E+15"}),
        ("7,47101E+15", parsing.NIK_ROUNDED, {"value": "7,47101E+15"}),
        ("7471011708900002.0", parsing.NIK_ROUNDED, {"value": "7471011708900002.0"}),
        ("7471011708900000", parsing.NIK_SERIAL_ZERO, {"value": "7471011708900000"}),
        ("747101170890002", parsing.NIK_LENGTH, {"value": "747101170890002", "length": 15}),
        (747101170890002.0, parsing.NIK_LENGTH, {"value": "747101170890002", "length": 15}),
        ("74710117089000021", parsing.NIK_LENGTH, {"value": "74710117089000021", "length": 17}),
        ("7471O11708900002", parsing.NIK_NOT_DIGITS, {"value": "7471O11708900002"}),
        ("9971011708900002", parsing.NIK_PROVINCE, {"value": "9971011708900002", "code": "99"}),
        ("7471013208900002", parsing.NIK_DATE, {"value": "7471013208900002", "digits": "320890"}),
        ("7471017213900002", parsing.NIK_DATE, {"value": "7471017213900002", "digits": "721390"}),
        ("7471013102900002", parsing.NIK_DATE, {"value": "7471013102900002", "digits": "310290"}),
    ],
)
def test_bad_nik_is_rejected_with_its_message(value, message, params):
    with pytest.raises(ValidationError) as raised:
        parse_nik(value)
    assert raised.value.messages == [str(message % params if params else message)]


def test_rounded_message_says_to_format_the_column_as_text():
    with pytest.raises(ValidationError) as raised:
        parse_nik("7.47101E+15")
    assert "Teks (Text)" in raised.value.messages[0]


def test_29_february_2000_is_a_real_birth_date():
    # 1900 was no leap year: stdnum would fail 19xx and try 20xx.
    assert parse_nik("7471012902000002", today=TODAY).birth_date == dt.date(2000, 2, 29)
