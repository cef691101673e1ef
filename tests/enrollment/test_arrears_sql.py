"""The arrears page's SQL gives exactly the figures of the Python statements, on random worlds.

`units_in_arrears` (a statement and fine schedule per bill, in Python) is the reference;
`arrears_page` computes the same per unit in the database, paginated.
"""

import random
from datetime import date, timedelta

import pytest

from enrollment.billing.arithmetic import add_months
from enrollment.billing.arrears import arrears_page
from enrollment.billing.payments import payment_record
from enrollment.billing.services import bills_generate
from enrollment.models import Bill, Payment, PaymentAllocation
from tests import factories
from tests.enrollment.arrears_reference import units_in_arrears
from tests.enrollment.billing_helpers import verified_roster

ROLES = ("province_admin", "sekda", "branch_staff", "opd_treasurer", "village_treasurer")


def python_figures(units):
    return [
        (
            u.unit.code,
            u.bills,
            u.unpaid,
            u.fine,
            u.oldest_period,
            min(p.due_date for s in u.statements for p in s.parts if p.overdue),
            u.months_late,
        )
        for u in units
    ]


def sql_figures(page):
    return [
        (
            r.unit.code,
            r.bills,
            r.unpaid,
            r.fine,
            r.oldest_period,
            r.oldest_due_date,
            r.months_late,
        )
        for r in page.object_list
    ]


def random_world(world, rng: random.Random):
    """Bills over random months (relief months of 2020 included), PU and BPU workers mixed,
    paid by random payments: on time, late, in parts, over the total (a credit)."""
    units = [
        world.kdi_dlhk,
        world.kdi_satpol,
        world.konut_village,
        world.konut_opd,
        world.buton_opd,
    ]
    start = date(2020, rng.choice([1, 6, 9]), 1)
    months = sorted(rng.sample(range(0, 30), 8))
    for month in months:
        period = add_months(start, month)
        for unit in rng.sample(units, rng.randint(2, len(units))):
            pu = [rng.choice([2_750_000, 3_100_000, 4_321_987]) for _ in range(rng.randint(0, 2))]
            bpu = [rng.choice([1_000_000, 2_500_000]) for _ in range(rng.randint(0, 2))]
            if not pu and not bpu:
                pu = [2_750_000]
            roster = verified_roster(unit, period, pu)
            for wage in bpu:
                factories.RosterEntryFactory(roster=roster, wage=wage, segment="vulnerable")
        bills_generate(period=period, units=units)
    references = iter(range(1_000_000))
    for bill in Bill.objects.filter(total__gt=0).order_by("pk"):
        for _ in range(rng.randint(0, 3)):
            day = bill.due_date + timedelta(days=rng.randint(-20, 200))
            day = min(day, date.today())
            amount = rng.choice([bill.total, bill.total // 2, rng.randint(1, bill.total), 1_000])
            if rng.random() < 0.2:  # straight to the bill, maybe over its total
                payment = Payment.objects.create(
                    unit=bill.unit,
                    amount=amount * 2,
                    paid_on=day,
                    reference=f"D{next(references)}",
                )
                PaymentAllocation.objects.create(payment=payment, bill=bill, amount=amount * 2)
            else:
                payment_record(
                    unit=bill.unit,
                    amount=amount,
                    paid_on=day,
                    reference=f"R{next(references)}",
                    bill=bill,
                )
    return add_months(start, months[-1])


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_sql_arrears_equal_the_python_statements_on_a_random_world(world, seed, settings):
    rng = random.Random(seed)
    last = random_world(world, rng)
    settings.BPJS_LATE_FINES = seed != 4
    seen = []
    for as_of in (
        last,
        add_months(last, 2) + timedelta(days=rng.randint(0, 27)),
        date(2021, 1, 15),
    ):
        for role in ROLES:
            user = world.user(role)
            for regency in (None, world.kendari, world.konut):
                expected = python_figures(units_in_arrears(user=user, regency=regency, as_of=as_of))
                page = arrears_page(user=user, regency=regency, as_of=as_of, per_page=1_000)
                assert sql_figures(page) == expected, (role, regency, as_of)
                seen += expected
                assert (page.units, page.unpaid, page.fine) == (
                    len(expected),
                    sum(e[2] for e in expected),
                    sum(e[3] for e in expected),
                )
    assert len(seen) > 20  # the world has arrears to compare, with and without fines
    assert any(fine for *_x, fine, _p, _d, _m in seen) == settings.BPJS_LATE_FINES


def test_the_arrears_come_a_page_at_a_time_in_a_fixed_number_of_queries(
    world, django_assert_num_queries
):
    rng = random.Random(7)
    last = random_world(world, rng)
    user = world.user("province_admin")
    expected = python_figures(units_in_arrears(user=user, as_of=add_months(last, 3)))
    assert len(expected) == 5
    pages = []
    for number in (1, 2, 3):
        # payment rules, the page's rows with the totals per regency, their units, the regencies
        with django_assert_num_queries(4):
            page = arrears_page(user=user, as_of=add_months(last, 3), page=number, per_page=2)
        pages.append(page)
    assert [sql_figures(p) for p in pages] == [expected[0:2], expected[2:4], expected[4:]]
    assert [(p.paginator.num_pages, p.has_previous(), p.has_next()) for p in pages] == [
        (3, False, True),
        (3, True, True),
        (3, True, False),
    ]
    assert [(r.regency.code, r.units) for r in pages[0].regencies] == [
        ("74.04", 1),
        ("74.09", 2),
        ("74.71", 2),
    ]
    # past the last page: the last page
    assert arrears_page(user=user, as_of=add_months(last, 3), page=9, per_page=2).number == 3
