"""Arrears per work unit, computed by the database and paginated (issue #13).

The tests' reference, `units_in_arrears` (tests/enrollment/arrears_reference.py), builds a
statement and a fine schedule for every bill in Python: exact, but 11–48 s for a province's
36.000 bills. `arrears_page`, the app's one arrears implementation, gives the same figures
per unit (unpaid amount, bills, oldest month and due date, months late, fine) and the
totals per regency from one SQL statement, whatever the number of bills:

- scoping, the parts' due dates and each month's fine rate are Django expressions
  (`Bill.objects.visible_to(user)`, `Coalesce`, `Extract`, a `Case` over the
  payment rules in the rule book's order), compiled into the statement's first
  two common table expressions, so SQLite and PostgreSQL both get their own SQL;
- payments settle a bill's parts earliest due first (`split_by_part`): a running
  sum of the allocations (a window) and each part's interval of the bill;
- a payment or the unpaid rest, k months late (`months_late`), is in the base of
  months 1..k, and each month's fine is rounded half up on its own
  (`fine_schedule`): months with the same base are one level, so the fine is
  Σ (months of the level × percent_of(base of the level)) in integer arithmetic
  (`sql_percent_of`). Only fined bases (PU) carry a rate; BPU is never fined.

tests/enrollment/test_arrears_sql.py checks it against `units_in_arrears` on
random worlds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce, Concat, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from bpjs_tracker.db_router import replica_alias
from enrollment.billing import arithmetic as billing
from enrollment.billing.selectors import PaymentRuleBook, fines_enabled
from enrollment.models import Bill, PaymentAllocation
from regencies.models import Regency, WorkUnit

PER_PAGE = 100


@dataclass
class UnitArrearsRow:
    """One unit's arrears on `as_of`: the figures of the reference's `UnitArrears`, from SQL."""

    unit: WorkUnit
    bills: int
    unpaid: int
    fine: int
    oldest_period: date
    oldest_due_date: date
    months_late: int


@dataclass
class RegencyArrears:
    regency: Regency
    units: int
    unpaid: int
    fine: int


class _CountedPaginator(Paginator):
    """A paginator told its count (the statement counts the units, the page holds only its
    rows): Django's page numbers and indexes for a list the database pages itself."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self.count = count


class ArrearsPage(Page):
    """Django's Page of `UnitArrearsRow`, with the totals per regency of every page."""

    def __init__(
        self, rows: list[UnitArrearsRow], regencies: list[RegencyArrears], number, per_page
    ):
        super().__init__(rows, number, _CountedPaginator(sum(r.units for r in regencies), per_page))
        self.regencies = regencies

    @property
    def units(self) -> int:
        return self.paginator.count

    @property
    def unpaid(self) -> int:
        return sum(r.unpaid for r in self.regencies)

    @property
    def fine(self) -> int:
        return sum(r.fine for r in self.regencies)


def _fine_ppm(period_field: str):
    """The PU fine rate of a bill's month in parts per million: the rule book's first rule
    for PU (or every basis) in force that month, 0 when fines are off (`PaymentRuleBook`)."""
    if not fines_enabled() or "pu" not in billing.FINED_BASES:
        return Value(0)
    whens = []
    for rule in PaymentRuleBook().rules:
        if rule.basis not in ("", "pu"):
            continue
        in_force = Q(**{f"{period_field}__gte": rule.effective_from})
        if rule.effective_to is not None:
            in_force &= Q(**{f"{period_field}__lte": rule.effective_to})
        whens.append(When(in_force, then=Value(billing.percent_to_ppm(rule.fine_percent))))
    return Case(*whens, default=Value(0), output_field=IntegerField()) if whens else Value(0)


def _scoped_bills(user, regency, as_of):
    bills = Bill.objects.visible_to(user).filter(due_date__lt=as_of, total__gt=0)
    if regency is not None:
        bills = bills.filter(unit__regency=regency)
    key = Concat(Value(","), "bases", Value(","))
    pu_due = Case(When(bases="", then=F("due_date")), default=Coalesce("pu_due_date", "due_date"))
    return (
        bills.annotate(
            key=key,
            pu_amount=Case(When(bases="", then=F("total")), default=F("pu_total")),
            pu_due=pu_due,
            bpu_due=Coalesce("bpu_due_date", "due_date"),
        )
        .annotate(
            has_pu=Case(
                When(Q(bases="") | Q(key__contains=",pu,"), then=Value(1)), default=Value(0)
            ),
            has_bpu=Case(When(key__contains=",bpu,", then=Value(1)), default=Value(0)),
            pu_mi=ExtractYear("pu_due") * 12 + ExtractMonth("pu_due"),
            pu_d=ExtractDay("pu_due"),
            bpu_mi=ExtractYear("bpu_due") * 12 + ExtractMonth("bpu_due"),
            bpu_d=ExtractDay("bpu_due"),
            ppm=_fine_ppm("period"),
        )
        .order_by()
        .values(
            "id",
            "unit_id",
            "period",
            "total",
            "pu_amount",
            "pu_due",
            "pu_mi",
            "pu_d",
            "bpu_total",
            "bpu_due",
            "bpu_mi",
            "bpu_d",
            "has_pu",
            "has_bpu",
            "ppm",
        )
    )


def _allocations(bills, as_of):
    """Allocations paid by `as_of`, with the running sum per bill in payment order."""
    paid_on = "payment__paid_on"
    return (
        PaymentAllocation.objects.filter(bill__in=bills.values("id"), payment__paid_on__lte=as_of)
        .annotate(
            paid_on=F(paid_on),
            mi=ExtractYear(paid_on) * 12 + ExtractMonth(paid_on),
            d=ExtractDay(paid_on),
            cum=Cast(
                Window(
                    Sum("amount"),
                    partition_by=[F("bill_id")],
                    order_by=[F(paid_on).asc(), F("payment_id").asc(), F("id").asc()],
                    frame=RowRange(start=None, end=0),
                ),
                BigIntegerField(),
            ),
        )
        .order_by()
        .values("bill_id", "amount", "paid_on", "mi", "d", "cum")
    )


def _late(day: str, day_mi: str, day_d: str, due: str, due_mi: str, due_d: str) -> str:
    """SQL for `billing.months_late(due_date=due, paid_on=day)`: started months after the due
    date. One day late is 1; a day of the month after the due day's starts the next month."""
    return (
        f"(CASE WHEN {day} > {due} THEN ({day_mi} - {due_mi}) "
        f"+ CASE WHEN {day_d} > {due_d} THEN 1 ELSE 0 END ELSE 0 END)"
    )


def _units_sql(*, user, regency, as_of, alias) -> tuple[str, list]:
    """WITH … SELECT: one row per unit in arrears (unit_id, code, regency_id, bills, unpaid,
    fine, oldest_period, oldest_due, months_late)."""
    connection = connections[alias]
    bills = _scoped_bills(user, regency, as_of)
    b_sql, b_params = bills.query.get_compiler(alias).as_sql()
    a_sql, a_params = _allocations(bills, as_of).query.get_compiler(alias).as_sql()
    unit_table = connection.ops.quote_name(WorkUnit._meta.db_table)
    as_of_mi, as_of_d = as_of.year * 12 + as_of.month, as_of.day
    asof_late = _late("%s", str(as_of_mi), str(as_of_d), "p.due", "p.due_mi", "p.due_d")
    piece_late = _late("al.paid_on", "al.mi", "al.d", "p.due", "p.due_mi", "p.due_d")
    room = "(CASE WHEN {t} > 0 THEN {t} ELSE 0 END)"
    pu_room, bpu_room = room.format(t="b.pu_amount"), room.format(t="b.bpu_total")
    percent_of = billing.sql_percent_of("f.base", "f.ppm")
    # A bill paid in full by `as_of` (every part's room) is in no one's arrears: only the
    # others go through the parts, pieces and fine levels.
    scoped_rooms = (
        f"CASE WHEN scoped.has_pu = 1 THEN {room.format(t='scoped.pu_amount')} ELSE 0 END + "
        f"CASE WHEN scoped.has_bpu = 1 THEN {room.format(t='scoped.bpu_total')} ELSE 0 END"
    )
    sql = f"""
    WITH scoped AS ({b_sql}),
    al AS ({a_sql}),
    b AS (
        SELECT scoped.* FROM scoped
        LEFT JOIN (SELECT bill_id, SUM(amount) AS paid FROM al GROUP BY bill_id) paid
            ON paid.bill_id = scoped.id
        WHERE COALESCE(paid.paid, 0) < {scoped_rooms}
    ),
    p AS (
        SELECT b.id AS bill_id, 'pu' AS basis, b.pu_due AS due, b.pu_mi AS due_mi,
               b.pu_d AS due_d, {pu_room} AS room, b.ppm AS ppm,
               CASE WHEN b.has_bpu = 1 AND b.bpu_due <= b.pu_due THEN {bpu_room} ELSE 0 END
                   AS start
        FROM b WHERE b.has_pu = 1
        UNION ALL
        SELECT b.id, 'bpu', b.bpu_due, b.bpu_mi, b.bpu_d, {bpu_room}, 0,
               CASE WHEN b.has_pu = 1 AND b.pu_due < b.bpu_due THEN {pu_room} ELSE 0 END
        FROM b WHERE b.has_bpu = 1
    ),
    pieces AS (
        SELECT p.bill_id, p.basis, p.ppm, {piece_late} AS late,
               (CASE WHEN al.cum < p.start + p.room THEN al.cum ELSE p.start + p.room END)
               - (CASE WHEN al.cum - al.amount > p.start THEN al.cum - al.amount ELSE p.start END)
                   AS amount
        FROM p JOIN al ON al.bill_id = p.bill_id
        WHERE al.cum > p.start AND al.cum - al.amount < p.start + p.room
    ),
    ps AS (
        SELECT p.bill_id, p.basis, p.ppm, p.due,
               p.room - COALESCE(pp.paid, 0) AS unpaid, {asof_late} AS late
        FROM p LEFT JOIN (
            SELECT bill_id, basis, SUM(amount) AS paid FROM pieces GROUP BY bill_id, basis
        ) pp ON pp.bill_id = p.bill_id AND pp.basis = p.basis
    ),
    levels AS (
        SELECT x.bill_id, x.basis, x.ppm, x.late, CAST(SUM(x.amount) AS BIGINT) AS amount
        FROM (
            SELECT bill_id, basis, ppm, late, amount FROM pieces WHERE ppm > 0 AND late > 0
            UNION ALL
            SELECT bill_id, basis, ppm, late, unpaid FROM ps
            WHERE ppm > 0 AND unpaid > 0 AND late > 0
        ) x
        GROUP BY x.bill_id, x.basis, x.ppm, x.late
    ),
    f AS (
        SELECT bill_id, CAST(ppm AS BIGINT) AS ppm,
               CAST(late - COALESCE(LAG(late) OVER (PARTITION BY bill_id, basis ORDER BY late), 0) AS BIGINT)
                   AS months,
               CAST(SUM(amount) OVER (PARTITION BY bill_id, basis ORDER BY late DESC) AS BIGINT)
                   AS base
        FROM levels
    ),
    bo AS (
        SELECT b.id, b.unit_id, b.period, o.months_late, o.oldest_due,
               CASE WHEN b.total - COALESCE(pd.paid, 0) > 0
                    THEN b.total - COALESCE(pd.paid, 0) ELSE 0 END AS unpaid,
               COALESCE(fb.fine, 0) AS fine
        FROM b
        JOIN (
            SELECT bill_id,
                   MAX(CASE WHEN unpaid > 0 AND late > 0 THEN late ELSE 0 END) AS months_late,
                   MIN(CASE WHEN unpaid > 0 AND late > 0 THEN due END) AS oldest_due
            FROM ps GROUP BY bill_id
        ) o ON o.bill_id = b.id
        LEFT JOIN (SELECT bill_id, SUM(amount) AS paid FROM al GROUP BY bill_id) pd
            ON pd.bill_id = b.id
        LEFT JOIN (SELECT bill_id, SUM(f.months * {percent_of}) AS fine FROM f GROUP BY bill_id) fb
            ON fb.bill_id = b.id
        WHERE o.months_late > 0
    ),
    units AS (
        SELECT bo.unit_id, u.code, u.regency_id, COUNT(*) AS bills, SUM(bo.unpaid) AS unpaid,
               SUM(bo.fine) AS fine, MIN(bo.period) AS oldest_period,
               MIN(bo.oldest_due) AS oldest_due, MAX(bo.months_late) AS months_late
        FROM bo JOIN {unit_table} u ON u.id = bo.unit_id
        GROUP BY bo.unit_id, u.code, u.regency_id
    )
    """  # noqa: S608 - compiled querysets, table names from _meta, integers; values are parameters
    return sql, [*b_params, *a_params, as_of]


def _page_and_totals(connection, with_sql, params, number, per_page):
    """One statement: the page's units (most owed first) and the totals per regency."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{with_sql} SELECT * FROM (SELECT 1 AS kind, unit_id AS id, bills, unpaid, fine, "  # noqa: S608
            "oldest_period, oldest_due, months_late FROM units "
            "ORDER BY unpaid DESC, code LIMIT %s OFFSET %s) page_rows "
            "UNION ALL SELECT 2, regency_id, COUNT(*), SUM(unpaid), SUM(fine), NULL, NULL, NULL "
            "FROM units GROUP BY regency_id",
            [*params, per_page, (number - 1) * per_page],
        )
        found = cursor.fetchall()
    rows = [row[1:] for row in found if row[0] == 1]
    totals = {row[1]: (int(row[2]), int(row[3]), int(row[4])) for row in found if row[0] == 2}
    return rows, totals


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def arrears_page(
    *,
    user,
    regency: Regency | None = None,
    as_of: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ArrearsPage:
    """One page of units in arrears on `as_of` (most owed first), with totals per regency.

    The figures are those of the tests' `units_in_arrears` (same bills, payments up to
    `as_of`, fines per part and month) in four queries whatever the number of bills:
    the payment rules, one statement for the page and the totals, the page's units, the
    regencies.
    """
    as_of = as_of or timezone.localdate()
    alias = replica_alias()
    with_sql, params = _units_sql(user=user, regency=regency, as_of=as_of, alias=alias)
    connection = connections[alias]
    number = max(1, page)
    while True:
        rows_raw, totals = _page_and_totals(connection, with_sql, params, number, per_page)
        units = sum(n for n, _u, _f in totals.values())
        pages = _CountedPaginator(units, per_page).num_pages
        if number <= pages:
            break
        number = pages  # past the last page: the last page
    unit_objects = (
        WorkUnit.objects.using(alias).select_related("regency").in_bulk([r[0] for r in rows_raw])
    )
    rows = [
        UnitArrearsRow(
            unit=unit_objects[unit_id],
            bills=int(bills),
            unpaid=int(unpaid),
            fine=int(fine),
            oldest_period=_day(oldest_period),
            oldest_due_date=_day(oldest_due),
            months_late=int(months_late),
        )
        for unit_id, bills, unpaid, fine, oldest_period, oldest_due, months_late in rows_raw
    ]
    regencies = Regency.objects.using(alias).in_bulk(list(totals)) if totals else {}
    by_regency = sorted(
        (RegencyArrears(regencies[rid], *figures) for rid, figures in totals.items()),
        key=lambda r: r.regency.code,
    )
    return ArrearsPage(rows=rows, regencies=by_regency, number=number, per_page=per_page)
