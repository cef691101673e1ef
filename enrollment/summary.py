"""The dashboard's coverage summary: unit × month × segment, kept current by the writes.

Definitions (docs/architecture.md, "Coverage: definitions"):

- covered on a day: JKK and JKM memberships both active through the unit on that
  day; a month's figure is taken on its last day;
- segment of a covered worker: from the worker's entry on the unit's latest
  verified roster up to the month ('' when none);
- a worker covered through two units counts in each unit, once in the regency
  (in the first unit, lowest id, that covers them there) and once in the province;
- BPU lapse changes with the calendar and is applied when reading
  (`bpjs_tracker.dashboard.selectors`), not stored.

`summary_refresh` recomputes the rows of some units for some months with a few
set-based queries per month (portable SQL: SQLite and PostgreSQL), and is called
inside the transactions of roster upload / verification / return, billing and
payments. `summary_rebuild` does the same for every unit of a regency or the
province (`manage.py coverage_rebuild`). `coverage_live` computes the same
figures without storing them, for tests and checks.
"""

# ruff: noqa: S608  (table names from _meta and integer ids only; values are parameters)

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from enrollment.models import (
    Bill,
    CoverageSummary,
    Membership,
    Roster,
    RosterEntry,
    UnitMonthSummary,
)
from regencies.models import WorkUnit

CHUNK = 900  # ids per IN (...) (SQLite's parameter limit is far above; keeps plans small)


def month_end(period: date) -> date:
    nxt = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def this_month() -> date:
    return timezone.localdate().replace(day=1)


ALL = None  # "every unit": one pass over the tables instead of chunks of ids (rebuilds)


def _chunks(ids: list[int] | None):
    if ids is ALL:
        yield ALL
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _in(column: str, ids: list[int] | None) -> str:
    if ids is ALL:
        return "1 = 1"
    return f"{column} IN ({','.join(str(int(i)) for i in ids)})"


def _of_units(queryset, ids: list[int] | None, field: str = "unit_id"):
    return queryset if ids is ALL else queryset.filter(**{f"{field}__in": ids})


# --- the computation ---------------------------------------------------------------------

_ACTIVE = '{a}.start <= %(day)s AND ({a}."end" IS NULL OR {a}."end" >= %(day)s)'


def _covered_sql(unit_ids: list[int] | None) -> str:
    """Covered workers of the units on %(day)s, grouped by unit and segment, with first-unit flags."""
    m = Membership._meta.db_table
    wu = WorkUnit._meta.db_table
    ro = Roster._meta.db_table
    en = RosterEntry._meta.db_table

    def jkm_of(a: str, b: str) -> str:
        """Join the JKM membership active beside JKK membership `a` (a join, not EXISTS: the
        planner then hashes both sides instead of probing an index per worker)."""
        return (
            f"JOIN {m} {b} ON {b}.worker_id = {a}.worker_id AND {b}.unit_id = {a}.unit_id "
            f"AND {b}.programme = 'JKM' AND {_ACTIVE.format(a=b)}"
        )

    def jkk_active(a: str) -> str:
        return f"{a}.programme = 'JKK' AND {_ACTIVE.format(a=a)}"

    if unit_ids is ALL:  # every covered pair is already in cov
        allcov = "SELECT unit_id, worker_id, regency_id FROM cov"
    else:  # the same workers' cover through any unit (for the first-unit flags)
        allcov = f"""
        SELECT DISTINCT a.unit_id, a.worker_id, au.regency_id
        FROM {m} a {jkm_of("a", "aj")} JOIN {wu} au ON au.id = a.unit_id
        WHERE a.worker_id IN (SELECT worker_id FROM cov) AND {jkk_active("a")}"""
    return f"""
    WITH cov AS (
        SELECT DISTINCT k.unit_id, k.worker_id, u.regency_id
        FROM {m} k {jkm_of("k", "j")} JOIN {wu} u ON u.id = k.unit_id
        WHERE {_in("k.unit_id", unit_ids)} AND {jkk_active("k")}
    ), allcov AS ({allcov}
    ), flags AS (
        SELECT unit_id, worker_id,
            MIN(unit_id) OVER (PARTITION BY worker_id, regency_id) AS first_regency,
            MIN(unit_id) OVER (PARTITION BY worker_id) AS first_province
        FROM allcov
    ), latest AS (
        SELECT r.unit_id, MAX(r.period) AS period FROM {ro} r
        WHERE {_in("r.unit_id", unit_ids)} AND r.status = 'verified' AND r.period <= %(period)s
        GROUP BY r.unit_id
    ), seg AS (
        SELECT cov.unit_id, cov.worker_id, cov.regency_id, COALESCE(e.segment, '') AS segment
        FROM cov
        LEFT JOIN latest l ON l.unit_id = cov.unit_id
        LEFT JOIN {ro} r ON r.unit_id = l.unit_id AND r.period = l.period
        LEFT JOIN {en} e ON e.roster_id = r.id AND e.worker_id = cov.worker_id
    )
    SELECT seg.unit_id, seg.segment, COUNT(*),
        SUM(CASE WHEN f.first_regency = seg.unit_id THEN 1 ELSE 0 END),
        SUM(CASE WHEN f.first_province = seg.unit_id THEN 1 ELSE 0 END)
    FROM seg JOIN flags f ON f.unit_id = seg.unit_id AND f.worker_id = seg.worker_id
    GROUP BY seg.unit_id, seg.segment
    """


def _roster_counts_sql(unit_ids: list[int] | None) -> str:
    ro = Roster._meta.db_table
    en = RosterEntry._meta.db_table
    return f"""
    SELECT r.unit_id, e.segment, COUNT(*) FROM {ro} r JOIN {en} e ON e.roster_id = r.id
    WHERE {_in("r.unit_id", unit_ids)} AND r.period = %(period)s AND r.status = 'verified'
    GROUP BY r.unit_id, e.segment
    """


@dataclass(frozen=True)
class CoverageFigures:
    on_roster: int = 0
    covered: int = 0
    covered_regency: int = 0
    covered_province: int = 0


@dataclass(frozen=True)
class UnitMonthFigures:
    roster_status: str = ""
    bill_total: int = 0
    bill_due_date: date | None = None
    bill_paid_on: date | None = None
    arrears: int = 0
    arrears_bills: int = 0


def coverage_live(
    *, unit_ids: Iterable[int] | None, period: date
) -> dict[tuple[int, str], CoverageFigures]:
    """{(unit id, segment): figures} for `period`, computed from memberships and rosters now.

    `unit_ids=None`: every unit, in one pass."""
    unit_ids = ALL if unit_ids is ALL else sorted(set(unit_ids))
    params = {"period": period, "day": month_end(period)}
    found: dict[tuple[int, str], dict] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(unit_ids):
            cursor.execute(_covered_sql(chunk), params)
            for unit_id, segment, covered, first_regency, first_province in cursor.fetchall():
                found.setdefault((unit_id, segment), {}).update(
                    covered=covered,
                    covered_regency=int(first_regency or 0),
                    covered_province=int(first_province or 0),
                )
            cursor.execute(_roster_counts_sql(chunk), params)
            for unit_id, segment, count in cursor.fetchall():
                found.setdefault((unit_id, segment), {})["on_roster"] = count
    return {key: CoverageFigures(**values) for key, values in found.items()}


def unit_month_live(*, unit_ids: Iterable[int] | None, period: date) -> dict[int, UnitMonthFigures]:
    """{unit id: figures} for `period`: roster state, the month's bill and arrears on its last day."""
    from enrollment.billing.selectors import bills_paid_on, overdue_unpaid_by_unit

    unit_ids = ALL if unit_ids is ALL else sorted(set(unit_ids))
    day = month_end(period)
    found: dict[int, dict] = {}
    for chunk in _chunks(unit_ids):
        rosters = _of_units(Roster.objects.filter(period=period), chunk)
        for unit_id, status in rosters.values_list("unit_id", "status"):
            found.setdefault(unit_id, {})["roster_status"] = status
        bills = list(
            _of_units(Bill.objects.filter(period=period), chunk).only(
                "pk", "unit_id", "total", "due_date"
            )
        )
        paid_on = bills_paid_on(bills)
        for bill in bills:
            found.setdefault(bill.unit_id, {}).update(
                bill_total=bill.total, bill_due_date=bill.due_date, bill_paid_on=paid_on[bill.pk]
            )
        for unit_id, (amount, count) in overdue_unpaid_by_unit(unit_ids=chunk, as_of=day).items():
            found.setdefault(unit_id, {}).update(arrears=amount, arrears_bills=count)
    return {unit_id: UnitMonthFigures(**values) for unit_id, values in found.items()}


# --- storing it -----------------------------------------------------------------------------


def _units_sharing_workers(unit_ids: list[int], period: date) -> set[int]:
    """Other units through which workers of these units are (or were this month) members.

    Their first-unit flags may change when these units' memberships change.
    """
    start = period
    shared = Membership.objects.filter(
        worker_id__in=Membership.objects.filter(unit_id__in=unit_ids)
        .exclude(end__lt=start)
        .values("worker_id")
    ).exclude(end__lt=start)
    others = shared.exclude(unit_id__in=unit_ids).order_by()  # no ordering columns in DISTINCT
    return set(others.values_list("unit_id", flat=True).distinct())


def _unchanged_until(unit_ids: list[int], period: date, until: date) -> date:
    """The last month up to `until` whose covered figures for `unit_ids` equal `period`'s.

    A unit's covered counts, first-unit flags and segments on a month's last day change only
    when (a) a JKK or JKM membership of one of the workers involved starts or ends between the
    two days, or (b) one of the units has a verified roster in between (its segments then come
    from that roster, and its on-roster counts from that month's). The workers involved: every
    worker with a membership through these units not ended before `period` (a superset of
    those covered through them on any later day), through whichever unit: their cover
    elsewhere sets the first-unit flags. With neither, the months after `period` have the same
    covered figures and no roster counts (no verified roster that month), so
    `summary_refresh` copies them instead of recomputing them. One statement per question.
    """
    m, ro = Membership._meta.db_table, Roster._meta.db_table
    day = month_end(period)
    ops = connection.ops
    params = {"day": ops.adapt_datefield_value(day), "period": ops.adapt_datefield_value(period)}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(r.period) FROM {ro} r WHERE {_in('r.unit_id', unit_ids)}"
            " AND r.status = 'verified' AND r.period > %(period)s",
            params,
        )
        (next_roster,) = cursor.fetchone()
        cursor.execute(
            f"SELECT MIN(CASE WHEN m.start > %(day)s THEN m.start END),"
            f' MIN(CASE WHEN m."end" >= %(day)s THEN m."end" END) FROM {m} m'
            " WHERE m.programme IN ('JKK', 'JKM')"
            ' AND (m.start > %(day)s OR m."end" >= %(day)s)'
            f" AND m.worker_id IN (SELECT x.worker_id FROM {m} x WHERE {_in('x.unit_id', unit_ids)}"
            ' AND (x."end" IS NULL OR x."end" >= %(period)s))',
            params,
        )
        next_start, last_end = cursor.fetchone()
    # The first day whose status differs from `day`'s: a start after it, the day after an end.
    changes = []
    if next_start is not None:
        changes.append(_as_date(next_start))
    if last_end is not None:
        changes.append(_as_date(last_end) + timedelta(days=1))
    first_changed = min(changes, default=None)
    last = until
    for bound in (first_changed, _as_date(next_roster)):
        if bound is not None:  # the month before the one containing `bound`
            last = min(last, (bound.replace(day=1) - timedelta(days=1)).replace(day=1))
    return max(last, period)


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite returns text


def _write_coverage(unit_ids, period: date, figures: dict, *, copied: bool = False) -> None:
    """Replace the units' coverage rows of `period` with `figures`. A copied month has no
    verified roster (else it is not copied): no one on a roster, and a key only the earlier
    month's roster gave has no row."""
    now = timezone.now()
    for chunk in _chunks(unit_ids):
        _of_units(CoverageSummary.objects.filter(period=period), chunk).delete()
    CoverageSummary.objects.bulk_create(
        [
            CoverageSummary(
                unit_id=unit_id,
                period=period,
                segment=segment,
                on_roster=0 if copied else f.on_roster,
                covered=f.covered,
                covered_regency=f.covered_regency,
                covered_province=f.covered_province,
                refreshed_at=now,
            )
            for (unit_id, segment), f in figures.items()
            if f.covered or not copied
        ],
        batch_size=1000,
    )


def _store(
    unit_ids: list[int] | None, period: date, *, coverage_too: bool = True
) -> dict[tuple[int, str], CoverageFigures] | None:
    now = timezone.now()
    months = unit_month_live(unit_ids=unit_ids, period=period)
    for chunk in _chunks(unit_ids):
        _of_units(UnitMonthSummary.objects.filter(period=period), chunk).delete()
    UnitMonthSummary.objects.bulk_create(
        [
            UnitMonthSummary(
                unit_id=unit_id,
                period=period,
                roster_status=f.roster_status,
                bill_total=f.bill_total,
                bill_due_date=f.bill_due_date,
                bill_paid_on=f.bill_paid_on,
                arrears=f.arrears,
                arrears_bills=f.arrears_bills,
                refreshed_at=now,
            )
            for unit_id, f in months.items()
        ],
        batch_size=1000,
    )
    if not coverage_too:
        return None
    coverage = coverage_live(unit_ids=unit_ids, period=period)
    _write_coverage(unit_ids, period, coverage)
    return coverage


# Bulk writers (demo data, benchmarks, a province's billing run) defer the refreshes of many
# small writes and run one per unit set at the end, inside the same transaction.
_deferred: ContextVar[dict | None] = ContextVar("summary_deferred", default=None)


@contextmanager
def summary_deferred():
    """Collect summary refreshes inside the block and run them once when it ends."""
    if _deferred.get() is not None:  # nested: the outer block runs them
        yield
        return
    pending: dict = {"units": set(), "since": None, "coverage": False}
    token = _deferred.set(pending)
    try:
        yield pending  # a caller that rebuilds the months itself may clear pending["units"]
    finally:
        _deferred.reset(token)
    if pending["units"]:
        summary_refresh(
            unit_ids=pending["units"], since=pending["since"], coverage=pending["coverage"]
        )


def summary_refresh(
    *, unit_ids: Iterable[int], since: date, until: date | None = None, coverage: bool = True
) -> int:
    """Recompute the summary of `unit_ids` for every month from `since` to `until` (default:
    this month, WITA, or `since` if later). Call inside the write's transaction.

    With `coverage`, the covered counts are recomputed too, and units sharing
    workers with these (their first-unit flags); without, only the roster, bill
    and arrears figures (a roster upload or return, a bill, a payment: nothing
    that changes memberships). Returns the number of unit-months written.
    """
    unit_ids = sorted({int(u) for u in unit_ids})
    if not unit_ids:
        return 0
    pending = _deferred.get()
    if pending is not None:
        pending["units"].update(unit_ids)
        pending["since"] = min(filter(None, [pending["since"], since]))
        pending["coverage"] = pending["coverage"] or coverage
        return 0
    since = since.replace(day=1)
    until = max((until or this_month()).replace(day=1), since)
    written = 0
    # While nothing that the covered figures depend on changes from one month to the next
    # (`_unchanged_until`), the later months' figures are the earlier month's, copied: a
    # roster for a month long past no longer recomputes every month up to today.
    copy_until, copied, copied_units = None, None, None
    with transaction.atomic(), _hash_joins() if coverage else nullcontext():
        for period in months_between(since, until):
            units = unit_ids
            if coverage and copy_until is not None and period <= copy_until:
                # Every unit whose figures may differ this month is among the month's units
                # the copy was computed for (fewer workers share units as months pass).
                _store(copied_units, period, coverage_too=False)
                _write_coverage(copied_units, period, copied, copied=True)
                written += len(copied_units)
                continue
            if coverage:
                units = sorted(set(unit_ids) | _units_sharing_workers(unit_ids, period))
            figures = _store(units, period, coverage_too=coverage)
            written += len(units)
            if coverage and period < until:
                copy_until, copied, copied_units = (
                    _unchanged_until(units, period, until),
                    figures,
                    units,
                )
    return written


def summary_rebuild(*, periods: list[date], regency=None) -> int:
    """Rebuild the summary from scratch for `periods`, for one regency or the whole province."""
    units = WorkUnit.objects.all()
    if regency is not None:
        units = units.filter(regency=regency)
    count = units.count()
    # The whole province in one pass per month; a regency by its units' ids.
    unit_ids = ALL if regency is None else list(units.values_list("pk", flat=True))
    written = 0
    with transaction.atomic(), _hash_joins():
        for period in periods:
            _store(unit_ids, period)
            written += count
    return written


@contextmanager
def _hash_joins():
    """PostgreSQL: hash joins over the whole tables while the summary is computed.

    The planner misestimates the JKK × JKM join (20 rows for 100,000), and inside a
    verification it has no statistics at all for the memberships the same transaction has
    just written: it then chose nested loops, and one unit of 100,000 workers took more than
    ten minutes a month. Without nested loops a month takes seconds. No JIT, more memory for
    the hashes (as billing does). The settings are put back afterwards, so the rest of the
    caller's transaction plans as usual."""
    if connection.vendor != "postgresql":
        yield
        return
    names = ("enable_nestloop", "work_mem", "jit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
        before = cursor.fetchone()
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
    yield  # on an error, the savepoint's rollback undoes the SET LOCALs
    with connection.cursor() as cursor:
        for name, value in zip(names, before, strict=True):
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
