"""Property tests (hypothesis): the cell parsers answer any cell with a value or a ValidationError.

A cell from a hostile file can be any text, number, date, bool or None; whatever
it is, the parsers of NIK, Rupiah and dates must either parse it or raise
ValidationError (which becomes a message at its cell), never anything else: any
other exception would be a 500 or an upload left half-done (issue #11).
"""

import datetime as dt
import string

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrollment.billing.payments import _parse_period
from enrollment.imports import parsing

CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.text(max_size=60),
    st.text(alphabet=string.digits + " .,-/Rp+eE", max_size=25),  # near-numbers, near-dates
    st.from_regex(r"\A\d{1,4}[-/.]\d{1,4}[-/.]\d{1,5}\Z"),
    st.from_regex(r"\A(Rp\.? ?)?-?\d{1,3}([.,]\d{3}){0,6}([.,]\d{1,2})?\Z"),
    st.from_regex(r"\A\d{14,18}\Z"),
    st.from_regex(r"\A\d{4}-\d{2}\Z"),  # a payment period, year 0000 included
)
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TODAY = dt.date(2025, 6, 1)


def _only_validation_errors(parse, value):
    try:
        return parse(value)
    except ValidationError as exc:
        assert exc.messages and all(isinstance(m, str) and m for m in exc.messages)
        return None


@PROPERTY
@given(CELLS, st.sampled_from([None, "L", "P"]), st.one_of(st.none(), st.dates()))
def test_parse_nik_raises_only_validation_errors(value, sex, birth_date):
    result = _only_validation_errors(
        lambda v: parsing.parse_nik(
            v, sex=sex, birth_date=birth_date, known_regencies={"74.71"}, today=TODAY
        ),
        value,
    )
    if result is not None:
        assert len(result.nik) == 16 and result.nik.isdigit()


@PROPERTY
@given(CELLS)
def test_parse_wage_raises_only_validation_errors(value):
    wage = _only_validation_errors(parsing.parse_wage, value)
    if wage is not None:
        assert isinstance(wage, int) and wage >= 0


@PROPERTY
@given(CELLS)
def test_parse_date_raises_only_validation_errors(value):
    day = _only_validation_errors(parsing.parse_date, value)
    if day is not None:
        assert isinstance(day, dt.date)


@PROPERTY
@given(CELLS)
def test_parse_kpj_raises_only_validation_errors(value):
    _only_validation_errors(parsing.parse_kpj, value)


@PROPERTY
@given(CELLS)
def test_payment_period_raises_only_indonesian_value_errors(value):
    """The payments file turns ValueError into a message; it must be ours, not Python's."""
    try:
        _parse_period(value)
    except ValueError as exc:
        assert str(exc).startswith("periode"), str(exc)
