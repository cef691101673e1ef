"""The working-day calendar: national holidays and cuti bersama, weekends skipped.

One calendar serves contribution due dates and the claims' service-level clock.
Today the holidays are the admin's `PublicHoliday` table; see docs/architecture.md.
"""

from __future__ import annotations

from datetime import date, timedelta

from enrollment.billing.arithmetic import is_working_day
from enrollment.models import PublicHoliday


def holidays_between(start: date, end: date) -> frozenset[date]:
    """Every holiday from `start` to `end` inclusive."""
    return frozenset(
        PublicHoliday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself does not count)."""
    # A working week has 5 days; holidays rarely take more than a fortnight in a row.
    holidays = holidays_between(start, start + timedelta(days=days * 2 + 30))
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day
