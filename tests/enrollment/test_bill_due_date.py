"""Due dates: 15th of the next month (next working day); PP 49/2020 relief: 30th (day before)."""

from datetime import date

import pytest

from enrollment.billing.arithmetic import due_date_for, months_late
from enrollment.billing.services import bill_generate, period_rules
from enrollment.models import PublicHoliday
from tests.enrollment.billing_helpers import bill_of, verified_roster


@pytest.mark.parametrize(
    ("period", "shift", "day", "offset", "holidays", "expected"),
    [
        (date(2025, 7, 1), "next", 15, 1, (), date(2025, 8, 15)),  # a Friday
        (date(2025, 2, 1), "next", 15, 1, (), date(2025, 3, 17)),  # Sat 15 → Mon 17
        (date(2025, 1, 1), "next", 15, 1, (), date(2025, 2, 17)),  # Sat 15 → Mon 17
        (date(2025, 2, 1), "next", 15, 1, (date(2025, 3, 17),), date(2025, 3, 18)),
        (date(2020, 8, 1), "previous", 30, 1, (), date(2020, 9, 30)),  # a Wednesday
        (date(2020, 12, 1), "previous", 30, 1, (), date(2021, 1, 29)),  # Sat 30 → Fri 29
        (date(2021, 1, 1), "previous", 30, 1, (), date(2021, 2, 26)),  # no 30 Feb: Sun 28 → Fri 26
        (date(2020, 9, 1), "previous", 30, 1, (date(2020, 10, 30),), date(2020, 10, 29)),
        (date(2025, 7, 1), "next", 15, 0, (), date(2025, 7, 15)),  # BPU: same month
    ],
)
def test_due_date_for(period, shift, day, offset, holidays, expected):
    assert (
        due_date_for(
            period=period, due_day=day, month_offset=offset, shift=shift, holidays=set(holidays)
        )
        == expected
    )


@pytest.mark.parametrize(
    ("due", "paid", "months"),
    [
        (date(2025, 2, 17), date(2025, 2, 17), 0),
        (date(2025, 2, 17), date(2025, 2, 18), 1),
        (date(2025, 2, 17), date(2025, 3, 17), 1),
        (date(2025, 2, 17), date(2025, 3, 18), 2),
        (date(2025, 2, 17), date(2025, 5, 1), 3),
        (date(2021, 1, 29), date(2021, 3, 1), 2),  # 29 Jan + 1 month = 28 Feb
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2025, 1, 31), date(2025, 3, 1), 2),
    ],
)
def test_months_late_counts_started_months(due, paid, months):
    assert months_late(due_date=due, paid_on=paid) == months


@pytest.mark.parametrize(
    ("period", "bases", "expected"),
    [
        (date(2025, 7, 1), {"pu"}, date(2025, 8, 15)),
        (date(2025, 7, 1), {"bpu"}, date(2025, 7, 15)),
        (date(2025, 7, 1), {"pu", "bpu"}, date(2025, 7, 15)),  # the earliest
        (date(2020, 12, 1), {"pu"}, date(2021, 1, 29)),  # relief rule
        (date(2021, 1, 1), {"pu"}, date(2021, 2, 26)),
        (date(2021, 2, 1), {"pu"}, date(2021, 3, 15)),  # back to the 15th
        (date(2025, 2, 1), set(), date(2025, 3, 17)),
    ],
)
def test_the_loaded_rules_give_each_month_its_due_date(db, period, bases, expected):
    assert period_rules(period).due_date(bases) == expected


def test_a_holiday_in_the_table_moves_the_due_date(db):
    # Fri 15 Aug 2025 added → Mon 18 Aug is cuti bersama (library) → Tue 19 Aug.
    PublicHoliday.objects.create(date=date(2025, 8, 15), name="uji", certainty="unconfirmed")
    assert period_rules(date(2025, 7, 1)).due_date({"pu"}) == date(2025, 8, 19)


def test_the_bill_carries_its_due_date(world):
    verified_roster(world.kdi_dlhk, date(2025, 2, 1))
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 2, 1))
    assert bill_of(world.kdi_dlhk, date(2025, 2, 1)).due_date == date(2025, 3, 17)


def test_a_holiday_added_later_moves_the_due_date_of_an_unpaid_bill(world):
    verified_roster(world.kdi_dlhk, date(2025, 7, 1))
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 7, 1))
    PublicHoliday.objects.create(date=date(2025, 8, 15), name="uji", certainty="unconfirmed")
    result = bill_generate(unit=world.kdi_dlhk, period=date(2025, 7, 1))
    assert result.recomputed == 1
    bill = bill_of(world.kdi_dlhk, date(2025, 7, 1))
    assert (bill.due_date, bill.pu_due_date) == (date(2025, 8, 19), date(2025, 8, 19))


# Movable holidays and cuti bersama from the holidays library, corrected by the table.
# Each expected date worked out by hand from the official calendar of that year.
@pytest.mark.parametrize(
    ("period", "basis", "expected", "why"),
    [
        (date(2022, 3, 1), "pu", date(2022, 4, 18), "Fri 15 Apr 2022 Good Friday → Mon 18 Apr"),
        (date(2022, 4, 1), "pu", date(2022, 5, 17), "Mon 16 May 2022 Waisak → Tue 17 May"),
        (
            date(2018, 5, 1),
            "pu",
            date(2018, 6, 21),
            "Fri 15 Jun 2018 Idul Fitri, weekend, 18–20 Jun cuti bersama → Thu 21 Jun",
        ),
        (date(2018, 6, 1), "bpu", date(2018, 6, 21), "BPU: the same Idul Fitri, same month"),
        (date(2024, 3, 1), "pu", date(2024, 4, 16), "Mon 15 Apr 2024 cuti bersama → Tue 16 Apr"),
        (date(2025, 7, 1), "pu", date(2025, 8, 15), "Fri 15 Aug 2025: a working day"),
    ],
)
def test_movable_holidays_and_cuti_bersama_move_the_due_date(db, period, basis, expected, why):
    assert period_rules(period).due_date_for_basis(basis) == expected, why


def test_a_cancelled_library_date_is_a_working_day(db):
    # Mon 15 Apr 2024 is cuti bersama in the library; a correction row cancels it.
    PublicHoliday.objects.create(
        date=date(2024, 4, 15), name="Cuti bersama dibatalkan (uji)", is_holiday=False,
        certainty="unconfirmed",
    )  # fmt: skip
    assert period_rules(date(2024, 3, 1)).due_date_for_basis("pu") == date(2024, 4, 15)


def test_the_2022_bills_are_due_on_the_corrected_dates(world):
    for period in (date(2022, 3, 1), date(2022, 4, 1)):
        verified_roster(world.kdi_dlhk, period)
        bill_generate(unit=world.kdi_dlhk, period=period)
    assert bill_of(world.kdi_dlhk, date(2022, 3, 1)).due_date == date(2022, 4, 18)
    assert bill_of(world.kdi_dlhk, date(2022, 4, 1)).due_date == date(2022, 5, 17)
