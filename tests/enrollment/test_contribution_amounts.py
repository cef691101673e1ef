"""Hand-computed contribution amounts: the one rounding rule, in Python and in the bill SQL."""

import random
from datetime import date
from decimal import Decimal

import pytest

from enrollment.billing import arithmetic as billing
from enrollment.billing.arithmetic import RateTerms, contribution_for, relief_apply, round_half_up
from enrollment.billing.services import bill_generate, period_rules
from enrollment.models import ContributionRate
from tests.enrollment.billing_helpers import (
    bill_of,
    line_amounts,
    programme_amounts,
    verified_roster,
)
from tests.factories import WorkerFactory

JKK_VERY_LOW = RateTerms("percent", percent=Decimal("0.24"))
JKM_PU = RateTerms("percent", percent=Decimal("0.30"))
JKK_BPU = RateTerms("percent", percent=Decimal("1.00"), minimum=10_000, maximum=207_000)
JKM_BPU = RateTerms("fixed", amount=6_800)


@pytest.mark.parametrize(
    ("wage", "rate", "expected"),
    [
        (2_750_000, JKK_VERY_LOW, 6_600),  # 2.750.000 × 0,24%
        (2_750_000, JKM_PU, 8_250),  # 2.750.000 × 0,30%
        (2_750_500, JKM_PU, 8_252),  # 8.251,5 → half up
        (2_750_800, JKM_PU, 8_252),  # 8.252,4 → down
        (2_708_125, JKK_VERY_LOW, 6_500),  # 6.499,5 → half up
        (2_750_500, JKK_VERY_LOW, 6_601),  # 6.601,2 → down
        (1_000_000, JKK_BPU, 10_000),  # BPU minimum bracket
        (500_000, JKK_BPU, 10_000),  # below the minimum: the minimum
        (25_000_000, JKK_BPU, 207_000),  # above the maximum: the maximum
        (1_000_000, JKM_BPU, 6_800),  # flat
        (0, JKM_PU, 0),
        (3_000_000, RateTerms("percent", percent=Decimal("1.74")), 52_200),  # very high risk
    ],
)
def test_contribution_for_one_worker(wage, rate, expected):
    assert contribution_for(wage=wage, rate=rate) == expected


def test_bpu_minimum_package_is_16_800():
    wage = 1_000_000
    assert (
        contribution_for(wage=wage, rate=JKK_BPU) + contribution_for(wage=wage, rate=JKM_BPU)
        == 16_800
    )


@pytest.mark.parametrize(
    ("amount", "discount", "expected"),
    [
        (6_600, Decimal(99), 66),  # 1% of 6.600
        (8_250, Decimal(99), 83),  # 82,5 → 83
        (10_000, Decimal(99), 100),
        (6_800, Decimal(99), 68),
        (8_250, Decimal(0), 8_250),
        (49, Decimal(99), 0),  # 0,49 → 0
        (50, Decimal(99), 1),  # 0,5 → 1
    ],
)
def test_relief_leaves_the_rest_rounded_half_up(amount, discount, expected):
    assert relief_apply(amount=amount, discount_percent=discount) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.5", 1), ("1.5", 2), ("2.4999", 2), ("8251.5", 8252), ("-0.5", -1), ("7", 7)],
)
def test_round_half_up(value, expected):
    assert round_half_up(Decimal(value)) == expected


def test_rates_finer_than_four_decimals_are_refused():
    assert billing.percent_to_ppm(Decimal("0.24")) == 2_400
    with pytest.raises(ValueError):
        billing.percent_to_ppm(Decimal("0.00001"))


# --- the same amounts from the loaded rates and the bill SQL --------------------


def test_a_wage_of_2_750_000_is_billed_6_600_jkk_and_8_250_jkm(world):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1), [2_750_000])
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 1, 1))
    bill = bill_of(world.kdi_dlhk, date(2025, 1, 1))
    assert sorted(line_amounts(bill).values()) == [6_600, 8_250]
    assert bill.total == 14_850
    assert bill.rounding_rule == str(billing.ROUNDING_RULE)


def test_a_bpu_worker_at_the_minimum_package_is_billed_16_800(world):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1), [1_000_000], segment="vulnerable")
    bill_generate(unit=world.kdi_dlhk, period=date(2025, 1, 1))
    bill = bill_of(world.kdi_dlhk, date(2025, 1, 1))
    assert programme_amounts(bill) == {"JKK": 10_000, "JKM": 6_800}
    assert bill.total == 16_800


def test_a_month_inside_the_pp_49_2020_relief_pays_one_percent(world):
    # Worker registered before August 2020: the relief applies from the first relief month.
    verified_roster(world.kdi_dlhk, date(2020, 7, 1), [2_750_000])
    roster = verified_roster(world.kdi_dlhk, date(2020, 9, 1), [])
    worker = world.kdi_dlhk.rosters.get(period=date(2020, 7, 1)).entries.get().worker
    roster.entries.create(
        worker=worker, row_number=2, segment="non_asn", wage=2_750_000, start_date=date(2020, 1, 1)
    )
    bill_generate(unit=world.kdi_dlhk, period=date(2020, 9, 1))
    bill = bill_of(world.kdi_dlhk, date(2020, 9, 1))
    parts = {part.programme: part for part in bill.lines.get().parts()}
    assert (parts["JKK"].gross, parts["JKK"].relief, parts["JKK"].amount) == (6_600, 6_534, 66)
    assert (parts["JKM"].gross, parts["JKM"].relief, parts["JKM"].amount) == (8_250, 8_167, 83)
    assert bill.total == 149
    assert bill.relief_total == 14_701


def test_a_participant_new_in_the_relief_pays_two_months_in_full_then_one_percent(world):
    for month in (8, 9, 10):
        verified_roster(world.kdi_dlhk, date(2020, month, 1), [])
    worker = WorkerFactory()
    for roster in world.kdi_dlhk.rosters.all():
        roster.entries.create(
            worker=worker,
            row_number=2,
            segment="non_asn",
            wage=2_750_000,
            start_date=date(2020, 8, 1),
        )
    totals = {}
    for month in (8, 9, 10):
        bill_generate(unit=world.kdi_dlhk, period=date(2020, month, 1))
        totals[month] = bill_of(world.kdi_dlhk, date(2020, month, 1)).total
    assert totals == {8: 14_850, 9: 14_850, 10: 149}


def test_a_rate_change_mid_month_applies_from_the_next_month(world):
    """The rate in force on the first day of the contribution month applies to the whole month."""
    old = ContributionRate.objects.get(programme="JKM", basis="pu", effective_to__isnull=True)
    old.effective_to = date(2025, 3, 14)
    old.save()
    ContributionRate.objects.create(
        programme="JKM",
        basis="pu",
        kind="percent",
        percent=Decimal("0.50"),
        effective_from=date(2025, 3, 15),
        legal_basis="uji",
        certainty="unconfirmed",
    )
    for month in (3, 4):
        verified_roster(world.kdi_dlhk, date(2025, month, 1), [2_750_000])
        bill_generate(unit=world.kdi_dlhk, period=date(2025, month, 1))
    march = programme_amounts(bill_of(world.kdi_dlhk, date(2025, 3, 1)))
    april = programme_amounts(bill_of(world.kdi_dlhk, date(2025, 4, 1)))
    assert march == {"JKK": 6_600, "JKM": 8_250}
    assert april == {"JKK": 6_600, "JKM": 13_750}


def test_the_risk_class_of_the_unit_picks_the_jkk_rate(world):
    world.kdi_satpol.jkk_risk_class = "very_high"
    world.kdi_satpol.save()
    verified_roster(world.kdi_satpol, date(2025, 1, 1), [3_000_000])
    bill_generate(unit=world.kdi_satpol, period=date(2025, 1, 1))
    lines = programme_amounts(bill_of(world.kdi_satpol, date(2025, 1, 1)))
    assert lines == {"JKK": 52_200, "JKM": 9_000}


@pytest.mark.parametrize("period", [date(2025, 1, 1), date(2020, 11, 1)], ids=["normal", "relief"])
def test_the_bill_sql_agrees_with_the_python_rule_on_random_wages(world, period):
    rng = random.Random(4)
    wages = [rng.randrange(0, 30_000_000) for _ in range(150)] + [2_750_500, 2_708_125, 1]
    rosters = [
        verified_roster(world.kdi_dlhk, period, wages),
        verified_roster(world.kdi_satpol, period, wages[:40], segment="vulnerable"),
    ]
    for roster in rosters:  # members since July 2020: no "new participant" months
        before = verified_roster(roster.unit, date(2020, 7, 1), [])
        for entry in roster.entries.all():
            before.entries.create(
                worker=entry.worker,
                row_number=entry.row_number,
                segment=entry.segment,
                wage=entry.wage,
                start_date=entry.start_date,
            )
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        bill_generate(unit=unit, period=period)
    rules = period_rules(period)
    for unit in (world.kdi_dlhk, world.kdi_satpol):
        bill = bill_of(unit, period)
        for line in bill.lines.select_related("jkk_rate", "jkm_rate"):
            row = next(
                r for r in rules.matrix if r.segment == line.segment and r.risk_class == "very_low"
            )
            for part, terms in zip(line.parts(), row.parts, strict=True):
                rate = terms.rate
                gross = contribution_for(
                    wage=line.wage,
                    rate=RateTerms(
                        rate.kind, rate.percent, rate.amount, rate.minimum, rate.maximum
                    ),
                )
                discount = Decimal(billing.PPM - terms.keep_ppm) / 10_000
                assert (part.gross, part.amount) == (
                    gross,
                    relief_apply(amount=gross, discount_percent=discount),
                ), line.wage
            assert line.amount == sum(part.amount for part in line.parts())
        assert bill.total == sum(ln.amount for ln in bill.lines.all())
