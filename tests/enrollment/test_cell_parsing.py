"""Wage, date, sex, segment and KPJ cells: what is accepted, what is refused and why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enrollment.imports import parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2500000", 2_500_000),
        ("2.500.000", 2_500_000),
        ("Rp 2.500.000", 2_500_000),
        ("Rp2.500.000", 2_500_000),
        ("Rp. 2.500.000,00", 2_500_000),
        ("2,500,000", 2_500_000),
        ("2500000.00", 2_500_000),
        (" 2 500 000 ", 2_500_000),
        (2500000, 2_500_000),
        (2500000.0, 2_500_000),
        ("0", 0),
    ],
)
def test_wage_is_accepted(value, expected):
    assert parsing.parse_wage(value) == expected


@pytest.mark.parametrize(
    ("value", "message", "params"),
    [
        ("", parsing.WAGE_REQUIRED, None),
        ("-2500000", parsing.WAGE_NEGATIVE, {"value": "-2500000"}),
        ("Rp -2.500.000", parsing.WAGE_NEGATIVE, {"value": "Rp -2.500.000"}),
        (-2500000, parsing.WAGE_NEGATIVE, {"value": -2500000}),
        ("dua juta", parsing.WAGE_NOT_NUMBER, {"value": "dua juta"}),
        ("2.5 juta", parsing.WAGE_NOT_NUMBER, {"value": "2.5 juta"}),
        ("2.500.000,50", parsing.WAGE_FRACTION, {"value": "2.500.000,50"}),
        (2500000.5, parsing.WAGE_FRACTION, {"value": 2500000.5}),
    ],
)
def test_wage_is_refused(value, message, params):
    with pytest.raises(ValidationError) as raised:
        parsing.parse_wage(value)
    assert raised.value.messages == [str(message % params if params else message)]


@pytest.mark.parametrize(
    "value",
    [
        "17-08-1990",
        "17/08/1990",
        "17.08.1990",
        "1990-08-17",
        "1990-08-17 00:00:00",
        dt.date(1990, 8, 17),
        dt.datetime(1990, 8, 17, 0, 0),
    ],
)
def test_date_is_accepted(value):
    assert parsing.parse_date(value) == dt.date(1990, 8, 17)


@pytest.mark.parametrize(
    ("value", "message", "params"),
    [
        ("", parsing.DATE_REQUIRED, None),
        ("17 Agustus 1990", parsing.DATE_FORMAT, {"value": "17 Agustus 1990"}),
        ("08/17/90", parsing.DATE_FORMAT, {"value": "08/17/90"}),
        ("30-02-1990", parsing.DATE_IMPOSSIBLE, {"value": "30-02-1990"}),
        ("17-13-1990", parsing.DATE_IMPOSSIBLE, {"value": "17-13-1990"}),
        (33102.0, parsing.DATE_NUMBER, {"value": 33102}),
    ],
)
def test_date_is_refused(value, message, params):
    with pytest.raises(ValidationError) as raised:
        parsing.parse_date(value)
    assert raised.value.messages == [str(message % params if params else message)]


def test_birth_date_may_not_be_in_the_future_or_before_1900():
    today = dt.date(2026, 1, 1)
    parsing.check_birth_date(dt.date(2026, 1, 1), today=today)
    with pytest.raises(ValidationError, match="masa depan"):
        parsing.check_birth_date(dt.date(2026, 1, 2), today=today)
    with pytest.raises(ValidationError, match="sebelum tahun 1900"):
        parsing.check_birth_date(dt.date(1899, 12, 31), today=today)


def test_nobody_starts_work_before_15():
    born = dt.date(2000, 2, 29)
    parsing.check_start_date(dt.date(2015, 3, 1), birth_date=born)
    with pytest.raises(ValidationError) as raised:
        parsing.check_start_date(dt.date(2015, 2, 28), birth_date=born)
    assert raised.value.messages == [
        str(parsing.START_BEFORE_AGE_15 % {"start": "28-02-2015", "birth": "29-02-2000"})
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("L", "L"), ("p", "P"), ("Laki-laki", "L"), ("PEREMPUAN", "P"), ("M", "L"), ("F", "P")],
)
def test_sex(value, expected):
    assert parsing.parse_sex(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("non_asn", "non_asn"),
        ("Non-ASN / honorer", "non_asn"),
        ("perangkat_desa", "village_official"),
        ("Perangkat desa", "village_official"),
        ("pekerja_rentan", "vulnerable"),
        ("Pekerja Rentan", "vulnerable"),
    ],
)
def test_segment_takes_the_contract_values_and_their_labels(value, expected):
    assert parsing.parse_segment(value) == expected


def test_segment_outside_rosters_is_refused():
    with pytest.raises(ValidationError) as raised:
        parsing.parse_segment("PNS")
    assert raised.value.messages == [str(parsing.SEGMENT_INVALID % {"value": "PNS"})]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("12345678901", "12345678901"),
        (12345678901.0, "12345678901"),
        ("123 456 789 01", "12345678901"),
    ],
)
def test_kpj(value, expected):
    assert parsing.parse_kpj(value) == expected


@pytest.mark.parametrize("value", ["123", "KPJ-1", "1234567890123456"])
def test_kpj_is_refused(value):
    with pytest.raises(ValidationError):
        parsing.parse_kpj(value)
