"""Contribution arithmetic: pure functions, no database (DOMAIN.md §2).

The ONE rounding rule lives here: every amount is computed per worker and per
programme in whole Rupiah, rounding half up, and only then summed. The SQL that
computes bills for a whole province in one statement uses `sql_percent_of`,
the integer form of the same rule; tests check both give the same Rupiah.
"""

from __future__ import annotations

import calendar
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ROUNDING_RULE = _(
    "Iuran dihitung per pekerja dan per program dalam Rupiah penuh, dibulatkan setengah ke atas "
    "(Rp 0,5 menjadi Rp 1), lalu dijumlahkan. Keringanan dihitung dari iuran normal setiap "
    "pekerja dengan pembulatan yang sama. Denda dihitung per bulan keterlambatan dari iuran "
    "yang belum dibayar, dibulatkan dengan cara yang sama."
)


def rounding_rule_for_bill() -> str:
    """The rule as stored on a bill: in the bill's language (Indonesian), whoever computed it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(ROUNDING_RULE)


def rounding_rule_text(stored: str) -> str:
    """A bill's stored rule in the reader's language.

    The rule is stored in Indonesian, which is the source text of its translation: the
    current rule reads in English in the English interface; an older rule, whose text the
    catalogue does not hold, reads as it was stored.
    """
    return translation.gettext(stored) if stored else stored


# Who is a wage earner (PU) and who is not (BPU), DOMAIN.md §1. ASN are covered by
# Taspen and the workforce segment is a statistic: neither is billed here.
SEGMENT_BASIS: dict[str, str] = {
    "non_asn": "pu",
    "village_official": "pu",
    "vulnerable": "bpu",
}

# The programmes a regency's bill carries (DOMAIN.md §1: JKK + JKM). Each has its own
# group of columns on BillLine; adding JHT or JP means adding a group and a migration.
BILLED_PROGRAMMES: tuple[str, ...] = ("JKK", "JKM")

# Which bases are fined for paying late (2% a month; 0,5% in PP 49/2020 months). BPU has
# no late fine: a BPU membership 3 months in arrears lapses instead (DOMAIN.md §2: BPJS FAQ,
# Perdir 22/PERDIR.02/072022; the lapse rule is enrollment/billing/lapse.py).
FINED_BASES: frozenset[str] = frozenset({"pu"})

PPM = 1_000_000  # rates travel to SQL as integer parts per million: 0,24% = 2.400 ppm


@dataclass(frozen=True)
class RateTerms:
    """What a ContributionRate row says, stripped of the database."""

    kind: str  # "percent" | "fixed"
    percent: Decimal | None = None
    amount: int | None = None
    minimum: int = 0
    maximum: int | None = None


def round_half_up(value: Decimal) -> int:
    """Whole Rupiah, half up: 8.250,5 → 8.251; 8.250,4999 → 8.250 (negative: away from zero)."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_to_ppm(percent: Decimal) -> int:
    """0,24 (%) → 2.400 parts per million; refuses rates finer than 0,0001%."""
    value = Decimal(percent) * 10_000
    if value != value.to_integral_value():
        raise ValueError(f"rate {percent}% has more than 4 decimal places")
    return int(value)


def percent_of(amount: int, percent: Decimal) -> int:
    """`amount` × `percent` / 100, rounded half up (the one rule)."""
    return round_half_up(Decimal(amount) * Decimal(percent) / 100)


def sql_percent_of(value_sql: str, ppm_sql: str) -> str:
    """SQL for `percent_of` on non-negative integers: floor((v × ppm + 500.000) / 1.000.000).

    Integer arithmetic only, so SQLite and PostgreSQL give the same Rupiah as
    `percent_of` (no floating point).
    """
    return f"((({value_sql}) * ({ppm_sql}) + {PPM // 2}) / {PPM})"


def contribution_for(*, wage: int, rate: RateTerms) -> int:
    """One worker's normal contribution for one programme and month, in whole Rupiah.

    A percentage applies to the monthly wage (PU) or declared income (BPU) and is
    then held between the row's minimum and maximum (BPU JKK: Rp 10.000 – 207.000,
    PP 44/2015 Lampiran II); a fixed amount is the amount (BPU JKM Rp 6.800).
    """
    if rate.kind == "fixed":
        return int(rate.amount or 0)
    amount = percent_of(wage, rate.percent or Decimal(0))
    if amount < rate.minimum:
        amount = rate.minimum
    if rate.maximum is not None and amount > rate.maximum:
        amount = rate.maximum
    return amount


def relief_apply(*, amount: int, discount_percent: Decimal) -> int:
    """What remains to pay after a discount: 99% relief leaves 1% (PP 49/2020 Pasal 9)."""
    return percent_of(amount, Decimal(100) - Decimal(discount_percent))


# --- dates -------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, held to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_end(period: date) -> date:
    return date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def is_working_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def due_date_for(
    *,
    period: date,
    due_day: int,
    month_offset: int,
    shift: str,
    holidays: Container[date] = frozenset(),
) -> date:
    """The due date of contribution month `period`.

    Day `due_day` of the month `month_offset` months later (held to that month's
    last day); on a weekend or holiday it moves to the next working day
    (`shift="next"`, the usual rule) or the previous one (`shift="previous"`,
    PP 49/2020 relief months).
    """
    month = add_months(month_start(period), month_offset)
    day = month.replace(day=min(due_day, calendar.monthrange(month.year, month.month)[1]))
    step = timedelta(days=1 if shift == "next" else -1)
    while not is_working_day(day, holidays):
        day += step
    return day


def months_late(*, due_date: date, paid_on: date) -> int:
    """Started months after the due date: one day late is 1 month, a month and a day 2.

    Month k late runs from the day after `add_months(due_date, k - 1)` to
    `add_months(due_date, k)` inclusive.
    """
    if paid_on <= due_date:
        return 0
    months = max(0, (paid_on.year - due_date.year) * 12 + paid_on.month - due_date.month)
    while add_months(due_date, months) < paid_on:
        months += 1
    while months > 1 and add_months(due_date, months - 1) >= paid_on:
        months -= 1
    return months


def fine_per_month(*, amount: int, fine_percent: Decimal) -> int:
    """The fine for one month late on `amount` unpaid (2% a month; 0,5% in relief months)."""
    return percent_of(amount, fine_percent) if amount > 0 else 0


@dataclass(frozen=True)
class FineMonth:
    number: int  # 1 = first month late
    start: date
    end: date
    base: int  # contribution still unpaid during that month
    fine: int


def fine_schedule(
    *, due_date: date, parts: list[tuple[int, date]], fine_percent: Decimal
) -> list[FineMonth]:
    """The fine for each month late, on what was still unpaid in that month.

    `parts`: (amount, day it was paid, or the as-of day for what is still unpaid).
    A part paid k months late counts in the base of months 1..k. Each month's fine
    is rounded half up on its own, so the rows add up to the total fine.
    """
    lateness = [(amount, months_late(due_date=due_date, paid_on=day)) for amount, day in parts]
    months = max((late for amount, late in lateness if amount > 0), default=0)
    rows = []
    for number in range(1, months + 1):
        base = sum(amount for amount, late in lateness if late >= number)
        rows.append(
            FineMonth(
                number,
                add_months(due_date, number - 1) + timedelta(days=1),
                add_months(due_date, number),
                base,
                fine_per_month(amount=base, fine_percent=fine_percent),
            )
        )
    return rows
