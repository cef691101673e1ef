"""The arrears in Python, a statement per bill: the tests' reference for the SQL arrears.

The app has one arrears implementation, `enrollment.billing.arrears.arrears_page` (one SQL
statement, a page at a time); tests/enrollment/test_arrears_sql.py checks it against
`units_in_arrears` on random worlds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from enrollment.billing.selectors import BillStatement, bill_statements
from enrollment.models import Bill
from regencies.models import Regency, WorkUnit


@dataclass
class UnitArrears:
    unit: WorkUnit
    statements: list[BillStatement]

    @property
    def bills(self) -> int:
        return len(self.statements)

    @property
    def unpaid(self) -> int:
        return sum(s.unpaid for s in self.statements)

    @property
    def fine(self) -> int:
        return sum(s.fine for s in self.statements)

    @property
    def oldest_period(self) -> date:
        return min(s.bill.period for s in self.statements)

    @property
    def months_late(self) -> int:
        return max(s.months_late for s in self.statements)


def units_in_arrears(
    *, user, regency: Regency | None = None, as_of: date | None = None
) -> list[UnitArrears]:
    """Units with bills past their due date and not fully paid on `as_of`, most owed first.

    A statement per bill, in Python: the reference that `arrears.arrears_page` (the
    arrears page: the same figures from SQL, a page at a time) is tested against. Slow
    (seconds for a province's bills), so the app never calls it.
    """
    as_of = as_of or timezone.localdate()
    bills = (
        Bill.objects.visible_to(user)
        .filter(due_date__lt=as_of, total__gt=0)
        .select_related("unit__regency")
        .order_by("unit__code", "period")
    )
    if regency is not None:
        bills = bills.filter(unit__regency=regency)
    grouped: dict[int, UnitArrears] = {}
    for statement in bill_statements(bills, as_of=as_of):
        if not statement.overdue:
            continue
        unit = statement.bill.unit
        grouped.setdefault(unit.pk, UnitArrears(unit, [])).statements.append(statement)
    return sorted(grouped.values(), key=lambda u: (-u.unpaid, u.unit.code))
