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
    PublicHoliday.objects.create(date=date(2025, 8, 15), name="uji", certainty="unconfirmed")
    assert period_rules(date(2025, 7, 1)).due_date({"pu"}) == date(2025, 8, 18)


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
    assert bill_of(world.kdi_dlhk, date(2025, 7, 1)).due_date == date(2025, 8, 18)
