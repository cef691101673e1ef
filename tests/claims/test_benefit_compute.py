"""The death benefit per schedule: boundaries, the field figures, the JKK floor, scholarships.

Expected amounts are worked out by hand from DOMAIN.md §3:
PP 44/2015 JKM 16.200.000 + 24 × 200.000 + 3.000.000 = 24.000.000;
PP 82/2019 JKM 20.000.000 + 12.000.000 + 10.000.000 = 42.000.000;
JKK 48 × wage, at least the JKM lump sum of the same schedule.
"""

from datetime import date

import pytest

from claims.benefits import benefit_compute
from claims.selectors import schedule_in_force, schedule_terms

pytestmark = pytest.mark.django_db


def compute(programme, day, **kwargs):
    schedule = schedule_in_force(programme, day)
    return benefit_compute(schedule=schedule_terms(schedule), date_of_death=day, **kwargs)


@pytest.mark.parametrize("programme", ["JKM", "JKK"])
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2015, 6, 30), None),  # the day before PP 44/2015's benefits
        (date(2015, 7, 1), "PP 44/2015"),
        (date(2019, 12, 1), "PP 44/2015"),  # the day before PP 82/2019 (unconfirmed day)
        (date(2019, 12, 2), "PP 82/2019"),
    ],
)
def test_the_schedule_is_chosen_by_the_date_of_death(programme, day, expected):
    schedule = schedule_in_force(programme, day)
    assert (schedule.name if schedule else None) == expected


@pytest.mark.parametrize(
    ("day", "components", "total"),
    [
        (date(2019, 10, 7), {"lump_sum": 16_200_000, "periodic": 4_800_000, "funeral": 3_000_000}, 24_000_000),
        (date(2019, 12, 1), {"lump_sum": 16_200_000, "periodic": 4_800_000, "funeral": 3_000_000}, 24_000_000),
        (date(2019, 12, 2), {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000}, 42_000_000),
        (date(2021, 10, 14), {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000}, 42_000_000),
    ],
)  # fmt: skip
def test_jkm_field_figures(day, components, total):
    breakdown = compute("JKM", day)
    assert breakdown.as_json()["components"] == components
    assert breakdown.total == total


def test_october_2019_carries_the_pp_44_2015_scholarship_rule():
    breakdown = compute("JKM", date(2019, 10, 7), months_contributed=60, children=2)
    assert breakdown.as_json()["scholarship"] == {
        "eligible": True,
        "children": 1,  # PP 44/2015: one child
        "max_total": 12_000_000,
        "reason": breakdown.scholarship.reason,
    }
    assert not compute(
        "JKM", date(2019, 10, 7), months_contributed=59, children=1
    ).scholarship.eligible


def test_jkk_at_three_million_is_48_times_the_wage_plus_periodic_and_funeral():
    breakdown = compute("JKK", date(2021, 10, 14), wage=3_000_000)
    assert breakdown.as_json()["components"] == {
        "lump_sum": 144_000_000,
        "periodic": 12_000_000,
        "funeral": 10_000_000,
    }
    assert breakdown.total == 166_000_000


@pytest.mark.parametrize(
    ("day", "floor", "total"),
    [(date(2021, 10, 14), 20_000_000, 42_000_000), (date(2019, 10, 7), 16_200_000, 24_000_000)],
)
def test_jkk_at_a_low_wage_pays_the_jkm_lump_sum_floor(day, floor, total):
    breakdown = compute("JKK", day, wage=300_000)  # 48 × 300.000 = 14.400.000 < floor
    assert breakdown.components[0].amount == floor
    assert breakdown.total == total


def test_jkk_exactly_at_the_floor_uses_the_wage():
    breakdown = compute("JKK", date(2021, 10, 14), wage=416_667)  # 48 × 416.667 = 20.000.016
    assert breakdown.components[0].amount == 20_000_016


@pytest.mark.parametrize(
    ("months", "eligible", "max_total"), [(35, False, 0), (36, True, 174_000_000), (None, False, 0)]
)
def test_jkm_scholarship_needs_36_months_of_contributions(months, eligible, max_total):
    scholarship = compute(
        "JKM", date(2021, 10, 14), months_contributed=months, children=2
    ).scholarship
    assert (scholarship.eligible, scholarship.max_total) == (eligible, max_total)


def test_jkk_scholarship_needs_no_minimum():
    scholarship = compute(
        "JKK", date(2021, 10, 14), wage=3_000_000, months_contributed=1, children=1
    ).scholarship
    assert (scholarship.eligible, scholarship.children, scholarship.max_total) == (
        True,
        1,
        87_000_000,
    )


@pytest.mark.parametrize(
    ("children", "counted", "max_total"),
    [(0, 0, 0), (1, 1, 87_000_000), (2, 2, 174_000_000), (3, 2, 174_000_000)],
)
def test_two_children_at_most(children, counted, max_total):
    # Per child: 1,5 jt × 8 + 2 jt × 3 + 3 jt × 3 + 12 jt × 5 = 12 + 6 + 9 + 60 = 87 jt.
    scholarship = compute(
        "JKM", date(2021, 10, 14), months_contributed=48, children=children
    ).scholarship
    assert (scholarship.children, scholarship.max_total) == (counted, max_total)


def test_the_yearly_plan_of_a_child_in_smp_starts_at_smp():
    breakdown = compute(
        "JKM",
        date(2021, 10, 14),
        months_contributed=48,
        child_levels=[("Anak A", "smp"), ("Anak B", "higher"), ("Anak C", None)],
    )
    plan_a, plan_b = breakdown.scholarship.plans
    assert [(y.school_year, y.level, y.amount) for y in plan_a.years[:4]] == [
        ("2021/2022", "smp", 2_000_000),
        ("2022/2023", "smp", 2_000_000),
        ("2023/2024", "smp", 2_000_000),
        ("2024/2025", "sma", 3_000_000),
    ]
    assert plan_a.total == 6_000_000 + 9_000_000 + 60_000_000
    assert plan_b.total == 60_000_000 and len(plan_b.years) == 5
    assert breakdown.total == 42_000_000  # the scholarship is never in the cash total


def test_no_heir_pays_only_the_funeral_cost():
    breakdown = compute(
        "JKM", date(2021, 10, 14), has_heir=False, months_contributed=48, children=2
    )
    assert breakdown.as_json()["components"] == {"funeral": 10_000_000}
    assert breakdown.total == 10_000_000
    assert not breakdown.scholarship.eligible


def test_jkk_without_a_wage_is_refused():
    with pytest.raises(ValueError):
        compute("JKK", date(2021, 10, 14))


def test_the_plan_reads_per_level_for_the_summary():
    breakdown = compute(
        "JKM", date(2021, 10, 14), months_contributed=48, child_levels=[("Anak", "sma")]
    )
    assert breakdown.scholarship.plans[0].by_level() == [
        {"level": "sma", "label": "SMA", "first": "2021/2022", "last": "2023/2024", "years": 3, "amount": 3_000_000},
        {"level": "higher", "label": "Perguruan tinggi / pelatihan", "first": "2024/2025", "last": "2028/2029",
         "years": 5, "amount": 12_000_000},
    ]  # fmt: skip
