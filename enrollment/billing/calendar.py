"""The working-day calendar: national holidays and cuti bersama, weekends skipped.

One calendar serves contribution due dates and the claims' service-level clock.
Holidays come from the maintained `holidays` library (Indonesia, categories
public and government: the movable Islamic, Christian, Buddhist and Hindu
holidays and cuti bersama) for every year from 2015; the admin's
`PublicHoliday` table corrects it: a row with `is_holiday` adds a date, a row
without cancels a library date (a cuti bersama withdrawn), and a row always
wins over the library. See docs/architecture.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from enrollment.billing.arithmetic import is_working_day
from enrollment.models import PublicHoliday

FIRST_YEAR = 2015  # the library is used from the first year of JKK/JKM under PP 44/2015
CATEGORIES = ("public", "government")  # national holidays + cuti bersama (cuti bersama: government)


@lru_cache(maxsize=64)
def _library_year(year: int) -> dict[date, str]:
    """The library's holidays of one year, with their Indonesian names (cached: pure data)."""
    if year < FIRST_YEAR:
        return {}
    found = holidays.country_holidays("ID", years=year, categories=CATEGORIES, language="id")
    return dict(found.items())


def library_holidays(start: date, end: date) -> dict[date, str]:
    """The library's holidays from `start` to `end` inclusive, before corrections."""
    days: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        days.update({d: n for d, n in _library_year(year).items() if start <= d <= end})
    return days


def holidays_between(start: date, end: date) -> frozenset[date]:
    """Every holiday from `start` to `end` inclusive: the library's, corrected by the table."""
    days = set(library_holidays(start, end))
    corrections = PublicHoliday.objects.filter(date__gte=start, date__lte=end)
    for day, is_holiday in corrections.values_list("date", "is_holiday"):
        if is_holiday:
            days.add(day)
        else:
            days.discard(day)
    return frozenset(days)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself does not count)."""
    # A working week has 5 days; holidays rarely take more than a fortnight in a row.
    holidays_ = holidays_between(start, start + timedelta(days=days * 2 + 30))
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays_):
            left -= 1
    return day
