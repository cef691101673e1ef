"""Bills from verified rosters: set-based generation, recomputation, adjustments after payment.

One bill per work unit and month, one line per worker with its JKK and JKM
parts. Lines are computed in the database by one INSERT … SELECT per chunk of
bills, with the rates in force for the month passed in as a small VALUES table;
the arithmetic is the integer form of `enrollment.billing.arithmetic` (whole Rupiah, half
up, per worker and programme, then summed), so SQLite and PostgreSQL agree with
the Python rule to the Rupiah. Totals are then set by one UPDATE per chunk.

- A bill no payment touches is recomputed when its roster is verified again or
  the rates for its month change; otherwise regenerating changes nothing.
- A bill with any payment allocated is never changed: the difference between
  what it says and what its month's verified roster now gives becomes an
  adjustment line per worker on the unit's next unpaid bill (now, or when that
  bill is generated).

The SQL strings interpolate only table names, column names derived from
`BILLED_PROGRAMMES` and `%s` placeholders; every value is a parameter.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import product

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enrollment.billing import arithmetic as billing
from enrollment.billing.arithmetic import BILLED_PROGRAMMES
from enrollment.billing.calendar import holidays_between
from enrollment.models import (
    Bill,
    BillLine,
    ContributionRate,
    ContributionRelief,
    PaymentAllocation,
    PaymentRule,
    Roster,
    RosterEntry,
    Worker,
)
from regencies.models import FundingSource, Regency, RiskClass, WorkUnit

CHUNK = 500  # bills per statement (keeps SQLite under its parameter limit)
PG_CHUNK = 20_000  # PostgreSQL (parameters bound client-side): a province in one statement


def _chunks(ids: list[int]):
    """`ids` in slices per statement: one scan of the workers per slice, so few slices."""
    size = PG_CHUNK if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


NO_RATES = gettext_lazy("Tidak ada tarif iuran yang berlaku untuk bulan %(period)s.")
NO_PAYMENT_RULE = gettext_lazy(
    "Tidak ada aturan jatuh tempo untuk %(basis)s pada bulan %(period)s."
)
AMBIGUOUS_RULE = gettext_lazy(
    "Lebih dari satu %(what)s berlaku untuk %(key)s pada bulan %(period)s: %(rows)s."
)
PERIOD_NOT_FIRST = gettext_lazy("Bulan iuran harus hari pertama bulan, bukan %(day)s.")

PREFIXES = [p.lower() for p in BILLED_PROGRAMMES]


# --- the rules in force for a month ----------------------------------------------


@dataclass(frozen=True)
class ProgrammeTerms:
    """How one programme is charged for one segment × risk class (rate None: not charged)."""

    programme: str
    rate: ContributionRate | None
    keep_ppm: int = billing.PPM  # share of the normal contribution still payable
    new_full: bool = False  # participants new since the relief pay in full at first
    paid_up: bool = False  # the relief assumes the unit paid up before it (PP 49/2020 Pasal 13)

    COLUMNS = (
        "rate_id",
        "is_fixed",
        "ppm",
        "fixed_amount",
        "minimum",
        "maximum",
        "keep_ppm",
        "new_full",
        "share_ppm",
        "paid_up",
    )

    def sql_values(self) -> list:
        rate = self.rate
        if rate is None:
            return [0, 1, 0, 0, 0, 0, billing.PPM, 0, 0, 0]
        fixed = rate.kind == ContributionRate.Kind.FIXED
        return [
            rate.pk,
            1 if fixed else 0,
            0 if fixed else billing.percent_to_ppm(rate.percent),
            rate.amount or 0,
            rate.minimum or 0,
            rate.maximum or 0,
            self.keep_ppm,
            1 if self.new_full else 0,
            billing.percent_to_ppm(rate.worker_share_percent),
            1 if self.paid_up else 0,
        ]


@dataclass(frozen=True)
class MatrixRow:
    """The terms of every billed programme for one segment × risk class × funding source."""

    segment: str
    risk_class: str
    funding_source: str
    parts: tuple[ProgrammeTerms, ...]  # in BILLED_PROGRAMMES order

    def sql_values(self) -> list:
        values = [self.segment, self.risk_class, self.funding_source]
        for part in self.parts:
            values += part.sql_values()
        return values


RATE_COLUMNS = ["segment", "risk_class", "funding_source"] + [
    f"{prefix}_{column}" for prefix in PREFIXES for column in ProgrammeTerms.COLUMNS
]


@dataclass
class PeriodRules:
    period: date
    matrix: list[MatrixRow]
    payment_rules: dict[str, PaymentRule]  # basis -> rule
    holidays: frozenset[date]
    new_participants_from: date | None = None
    full_months_for_new: int = 0
    digest: str = ""

    def due_date(self, bases: Iterable[str]) -> date:
        """The earliest due date among the bases on the bill (PU: 15th next month; BPU: 15th)."""
        bases = set(bases) or {"pu"}
        return min(self.due_date_for_basis(b) for b in sorted(bases))

    def due_date_for_basis(self, basis: str) -> date:
        rule = self.payment_rule(basis)
        return billing.due_date_for(
            period=self.period,
            due_day=rule.due_day,
            month_offset=rule.due_month_offset,
            shift=rule.holiday_shift,
            holidays=self.holidays,
        )

    def payment_rule(self, basis: str) -> PaymentRule:
        rule = self.payment_rules.get(basis)
        if rule is None:
            raise ValidationError(
                NO_PAYMENT_RULE % {"basis": basis.upper(), "period": f"{self.period:%Y-%m}"},
                code="no_payment_rule",
            )
        return rule

    @property
    def relief_in_force(self) -> bool:
        return any(p.keep_ppm != billing.PPM for row in self.matrix for p in row.parts)

    @property
    def paid_up_relief(self) -> bool:
        """A relief in force that assumes the unit paid up before it (PP 49/2020 Pasal 13)."""
        return any(p.paid_up for row in self.matrix for p in row.parts)

    def digest_for(self, unit_not_eligible: bool) -> str:
        """The digest of a unit's bill: a unit denied the paid-up relief gets other amounts."""
        if not (unit_not_eligible and self.paid_up_relief):
            return self.digest
        return hashlib.sha1(
            f"{self.digest}:not-eligible".encode(), usedforsecurity=False
        ).hexdigest()

    @property
    def rates(self) -> list[ContributionRate]:
        found = {p.rate.pk: p.rate for row in self.matrix for p in row.parts if p.rate}
        return list(found.values())


def _one(rows: list, what: str, key: str, period: date):
    if len(rows) > 1:
        raise ValidationError(
            AMBIGUOUS_RULE
            % {
                "what": what,
                "key": key,
                "period": f"{period:%Y-%m}",
                "rows": "; ".join(str(r) for r in rows),
            },
            code="ambiguous_rule",
        )
    return rows[0] if rows else None


def period_rules(period: date) -> PeriodRules:
    """Resolve the rates, relief, due-date rule and holidays in force for contribution month `period`.

    A row applies to a whole month when it is in force on the month's first day
    (a rate changing mid-month applies from the next month). A row for one risk
    class beats a row for every class; overlapping rows are refused when saved.
    """
    return rules_reader(period, period)(period)


def _overlapping(queryset, start: date, end: date):
    """Rows of a dated-rule queryset in force on some day from `start` to `end`."""
    return list(
        queryset.filter(
            Q(effective_from__lte=end), Q(effective_to__isnull=True) | Q(effective_to__gte=start)
        )
    )


def _in_force_on(rows, day: date):
    """`in_force(day)` over rows already read."""
    return [
        r
        for r in rows
        if r.effective_from <= day and (r.effective_to is None or r.effective_to >= day)
    ]


def rules_reader(start: date, end: date):
    """`period_rules` for any month from `start` to `end`, with the rate, relief, payment-rule and
    holiday rows read once (a fixed number of queries for a year's months, e.g. a forecast)."""
    rates = _overlapping(ContributionRate.objects.all(), start, end)
    reliefs = _overlapping(ContributionRelief.objects.all(), start, end)
    payment_rules = _overlapping(PaymentRule.objects.all(), start, end)
    holidays = holidays_between(
        billing.add_months(start, -1), billing.add_months(end, 3) - timedelta(days=1)
    )

    def rules(period: date) -> PeriodRules:
        if period.day != 1:
            raise ValidationError(PERIOD_NOT_FIRST % {"day": period}, code="period")
        if not start <= period <= end:
            raise ValueError(f"{period} is outside {start}–{end}")
        first, last = billing.add_months(period, -1), billing.add_months(period, 3)
        return _resolve_rules(
            period,
            _in_force_on(rates, period),
            _in_force_on(reliefs, period),
            _in_force_on(payment_rules, period),
            frozenset(d for d in holidays if first <= d < last),
        )

    return rules


def _resolve_rules(period, rates, reliefs, payment_rules, holidays) -> PeriodRules:
    rates = [r for r in rates if r.programme in BILLED_PROGRAMMES]
    if not rates:
        raise ValidationError(NO_RATES % {"period": f"{period:%Y-%m}"}, code="no_rates")
    rules = PeriodRules(period, [], {}, frozenset())
    for segment, basis in billing.SEGMENT_BASIS.items():
        for risk_class, source in product(RiskClass.values, FundingSource.values):
            parts = []
            for programme in BILLED_PROGRAMMES:
                same = [r for r in rates if r.basis == basis and r.programme == programme]
                rate = _one(
                    [r for r in same if r.risk_class == risk_class]
                    or [r for r in same if not r.risk_class],
                    _("tarif"),
                    f"{programme} {basis} {risk_class}",
                    period,
                )
                relief = _one(
                    [
                        x
                        for x in reliefs
                        if x.programme in ("", programme)
                        and x.basis in ("", basis)
                        and x.funding_source in ("", source)
                    ],
                    _("keringanan"),
                    f"{programme} {basis} {source}",
                    period,
                )
                if rate is not None and relief is not None:
                    new_rule = bool(relief.new_participants_from and relief.full_months_for_new)
                    if new_rule:
                        rules.new_participants_from = relief.new_participants_from
                        rules.full_months_for_new = relief.full_months_for_new
                    keep = billing.PPM - billing.percent_to_ppm(relief.discount_percent)
                    parts.append(
                        ProgrammeTerms(programme, rate, keep, new_rule, relief.requires_paid_up)
                    )
                else:
                    parts.append(ProgrammeTerms(programme, rate))
            if any(p.rate for p in parts):
                rules.matrix.append(MatrixRow(segment, risk_class, source, tuple(parts)))
    for basis in ("pu", "bpu"):
        rule = _one(
            [r for r in payment_rules if r.basis in ("", basis)],
            _("aturan jatuh tempo"),
            basis,
            period,
        )
        if rule is not None:
            rules.payment_rules[basis] = rule
    rules.holidays = holidays
    rules.digest = _digest(rules)
    return rules


def _digest(rules: PeriodRules) -> str:
    """A fingerprint of everything that decides a bill's amounts (not its due date)."""
    payload = [
        [row.segment, row.risk_class, row.funding_source] + [p.sql_values()[1:] for p in row.parts]
        for row in rules.matrix
    ]
    payload.append([str(rules.new_participants_from), rules.full_months_for_new])
    return hashlib.sha1(json.dumps(payload).encode(), usedforsecurity=False).hexdigest()


# --- the SQL ------------------------------------------------------------------------


def _date_param(day: date):
    return connection.ops.adapt_datefield_value(day)


def _lines_query(
    rules: PeriodRules, *, source: str, ids: list[int], wage_ppm: int | None = None
) -> tuple[str, list, str, list]:
    """(WITH clause, its params, inner SELECT "c", its params): one row per roster entry billed.

    `source="bills"`: owner = bill id, entries of each bill's roster;
    `source="rosters"`: owner = roster id. `wage_ppm` scales wages (forecasts).
    Columns of c: owner_id, worker_id, nik, segment, wage and, per programme p,
    p_rate_id, p_gross (normal contribution), p_keep (share payable after
    relief), p_share (share deducted from the worker). Entries whose start date
    (TMT) is after the month are not billed for it.
    """
    row = "(" + ", ".join(["%s"] * len(RATE_COLUMNS)) + ")"
    with_clause = (
        f"WITH rates ({', '.join(RATE_COLUMNS)}) AS (VALUES "
        + ", ".join([row] * len(rules.matrix))
        + ")"
    )
    with_params = [value for matrix_row in rules.matrix for value in matrix_row.sql_values()]

    bills, rosters, entries = Bill._meta.db_table, Roster._meta.db_table, RosterEntry._meta.db_table
    owner = bills if source == "bills" else rosters
    roster_key = "o.roster_id" if source == "bills" else "o.id"
    wage = "e.wage" if wage_ppm is None else billing.sql_percent_of("e.wage", str(int(wage_ppm)))
    new_rule = bool(rules.new_participants_from and rules.relief_in_force)
    params: list = []
    columns = []
    # Membership start: the BPJS registration date when known, else the roster's TMT
    # (not the first roster in this system). New participants pay their first
    # `full_months_for_new` months of membership in full: month M is full when the
    # start is on or after the first day of M − (full_months − 1).
    start = "COALESCE(w.bpjs_registered_on, e.start_date)"
    for p in PREFIXES:
        pct = billing.sql_percent_of(wage, f"r.{p}_ppm")
        keep = f"CASE WHEN r.{p}_paid_up = 1 AND u.relief_not_eligible = %s THEN {billing.PPM} "
        params.append(True)
        if new_rule:
            keep += (
                f"WHEN r.{p}_new_full = 1 AND {start} >= %s AND {start} >= %s THEN {billing.PPM} "
            )
            full_from = billing.add_months(rules.period, 1 - rules.full_months_for_new)
            params += [_date_param(rules.new_participants_from), _date_param(full_from)]
        keep += f"ELSE r.{p}_keep_ppm END"
        columns.append(
            f"NULLIF(r.{p}_rate_id, 0) AS {p}_rate_id, {keep} AS {p}_keep, "
            f"r.{p}_share_ppm AS {p}_share, "
            f"CASE WHEN r.{p}_is_fixed = 1 THEN r.{p}_fixed_amount "
            f"WHEN {pct} < r.{p}_minimum THEN r.{p}_minimum "
            f"WHEN r.{p}_maximum > 0 AND {pct} > r.{p}_maximum THEN r.{p}_maximum "
            f"ELSE {pct} END AS {p}_gross"
        )
    placeholders = ", ".join(["%s"] * len(ids))
    inner = (
        "SELECT o.id AS owner_id, e.worker_id AS worker_id, w.nik AS nik, "  # noqa: S608
        f"e.segment AS segment, {wage} AS wage, {', '.join(columns)} "
        f"FROM {owner} o "
        f"JOIN {entries} e ON e.roster_id = {roster_key} "
        f"JOIN {WorkUnit._meta.db_table} u ON u.id = o.unit_id "
        f"JOIN {Worker._meta.db_table} w ON w.id = e.worker_id "
        "JOIN rates r ON r.segment = e.segment AND r.risk_class = u.jkk_risk_class "
        f"AND r.funding_source = {_UNIT_PAYER} "
        f"WHERE o.id IN ({placeholders}) AND e.start_date <= %s"
    )
    params += list(ids) + [_date_param(billing.month_end(rules.period))]
    return with_clause, with_params, inner, params


# SQL: the unit's funding source, blank read by kind (WorkUnit.payer).
_UNIT_PAYER = (
    f"(CASE WHEN u.funding_source <> '' THEN u.funding_source "
    f"WHEN u.kind = '{WorkUnit.Kind.VILLAGE.value}' THEN '{FundingSource.APBDES.value}' "
    f"ELSE '{FundingSource.APBD.value}' END)"
)


def _net(p: str) -> str:
    """SQL: programme p's amount payable after relief, from the inner query c."""
    return billing.sql_percent_of(f"c.{p}_gross", f"c.{p}_keep")


def _tune_session() -> None:
    """PostgreSQL, for this transaction: big joins in memory (the default 4 MB spills a
    province's hash to disk) and no JIT (compiling costs more than it saves here: the
    totals UPDATE took 0.48 s with JIT and 0.08 s without for 100,000 workers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")


def _insert_contribution_lines(rules: PeriodRules, bill_ids: list[int]) -> None:
    if not rules.matrix:
        return
    part_columns = ", ".join(f"{p}_rate_id, {p}_gross, {p}_relief, {p}_amount" for p in PREFIXES)
    part_values = ", ".join(
        f"c.{p}_rate_id, c.{p}_gross, c.{p}_gross - {_net(p)}, {_net(p)}" for p in PREFIXES
    )
    total = " + ".join(_net(p) for p in PREFIXES)
    for chunk in _chunks(bill_ids):
        with_clause, with_params, inner, params = _lines_query(rules, source="bills", ids=chunk)
        sql = (
            f"{with_clause} INSERT INTO {BillLine._meta.db_table} "  # noqa: S608
            f"(bill_id, kind, worker_id, nik, segment, wage, {part_columns}, amount, adjusts_id) "
            f"SELECT c.owner_id, %s, c.worker_id, c.nik, c.segment, c.wage, {part_values}, "
            f"{total}, NULL FROM ({inner}) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, BillLine.Kind.CONTRIBUTION.value, *params])


@dataclass(frozen=True)
class ComputedLine:
    """What one worker's line would say now: per programme (rate id, gross, relief, amount)."""

    worker_id: int
    nik: str
    segment: str
    wage: int
    parts: dict[str, tuple[int | None, int, int, int]]

    def amount(self, programme: str) -> int:
        return self.parts[programme][3]


def roster_lines(rules: PeriodRules, roster_ids: list[int]) -> dict[int, list[ComputedLine]]:
    """What each roster's bill would say now, per worker (read only)."""
    result: dict[int, list[ComputedLine]] = defaultdict(list)
    if not rules.matrix:
        return result
    part_values = ", ".join(
        f"c.{p}_rate_id, c.{p}_gross, c.{p}_gross - {_net(p)}, {_net(p)}" for p in PREFIXES
    )
    for chunk in _chunks(roster_ids):
        with_clause, with_params, inner, params = _lines_query(rules, source="rosters", ids=chunk)
        sql = (
            f"{with_clause} SELECT c.owner_id, c.worker_id, c.nik, c.segment, c.wage, "  # noqa: S608
            f"{part_values} FROM ({inner}) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, *params])
            for owner, worker_id, nik, segment, wage, *values in cursor.fetchall():
                parts = {
                    programme: tuple(values[4 * i : 4 * i + 4])
                    for i, programme in enumerate(BILLED_PROGRAMMES)
                }
                result[owner].append(ComputedLine(worker_id, nik, segment, wage, parts))
    return result


def roster_sums(
    rules: PeriodRules, roster_ids: list[int], *, wage_ppm: int | None = None
) -> dict[int, tuple[int, int]]:
    """Per roster: (monthly amount payable, part deducted from workers), summed per worker."""
    result: dict[int, tuple[int, int]] = {}
    if not rules.matrix:
        return result
    amount = " + ".join(_net(p) for p in PREFIXES)
    share = " + ".join(billing.sql_percent_of(_net(p), f"c.{p}_share") for p in PREFIXES)
    for chunk in _chunks(roster_ids):
        with_clause, with_params, inner, params = _lines_query(
            rules, source="rosters", ids=chunk, wage_ppm=wage_ppm
        )
        sql = (
            f"{with_clause} SELECT c.owner_id, SUM({amount}), SUM({share}) "  # noqa: S608
            f"FROM ({inner}) c GROUP BY c.owner_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, *params])
            for owner, total, worker_part in cursor.fetchall():
                result[owner] = (int(total or 0), int(worker_part or 0))
    return result


# --- totals -----------------------------------------------------------------------


def _refresh_totals(bill_ids: list[int], rules: PeriodRules | None = None) -> None:
    """Set each bill's totals and parts from its lines, in the database (one UPDATE per chunk).

    Parts: the lines of BPU segments make the BPU part, the others the PU part
    (adjustment lines included: they belong to the basis of their worker's segment).
    With `rules` (the bill's month; its contribution lines were just computed) also
    the worker count and each part's due date; the bill's due date is always the
    earliest due date of the parts present.
    """
    kind_c, kind_a = BillLine.Kind.CONTRIBUTION.value, BillLine.Kind.ADJUSTMENT.value
    bpu = [s for s, b in billing.SEGMENT_BASIS.items() if b == "bpu"]
    bpu_in = ", ".join(["%s"] * len(bpu))
    relief = " + ".join(f"l.{p}_relief" for p in PREFIXES)
    table, lines = Bill._meta.db_table, BillLine._meta.db_table
    has_bpu = f"MAX(CASE WHEN l.segment IN ({bpu_in}) THEN 1 ELSE 0 END)"
    has_pu = f"MAX(CASE WHEN l.segment NOT IN ({bpu_in}) THEN 1 ELSE 0 END)"
    columns = [
        "contribution_total",
        "adjustment_total",
        "total",
        "relief_total",
        "updated_at",
        "pu_total",
        "bpu_total",
        "bases",
    ]
    select = [
        "COALESCE(SUM(CASE WHEN l.kind = %s THEN l.amount ELSE 0 END), 0)",
        "COALESCE(SUM(CASE WHEN l.kind = %s THEN l.amount ELSE 0 END), 0)",
        "COALESCE(SUM(l.amount), 0)",
        f"COALESCE(SUM(CASE WHEN l.kind = %s THEN {relief} ELSE 0 END), 0)",
        "%s",
        f"COALESCE(SUM(CASE WHEN l.segment NOT IN ({bpu_in}) THEN l.amount ELSE 0 END), 0)",
        f"COALESCE(SUM(CASE WHEN l.segment IN ({bpu_in}) THEN l.amount ELSE 0 END), 0)",
        f"CASE WHEN {has_bpu} = 1 AND {has_pu} = 1 THEN 'bpu,pu' "
        f"WHEN {has_bpu} = 1 THEN 'bpu' WHEN {has_pu} = 1 THEN 'pu' ELSE '' END",
    ]
    params: list = [
        kind_c,
        kind_a,
        kind_c,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        *bpu,
        *bpu,
        *bpu,
        *bpu,
        *bpu,
        *bpu,
    ]
    if rules is not None:

        def due(basis):
            available = [basis] if basis in rules.payment_rules else sorted(rules.payment_rules)
            if not available:
                rules.payment_rule("pu")  # raises: no due-date rule at all for the month
            return _date_param(rules.due_date(available))

        pu_due, bpu_due = due("pu"), due("bpu")
        columns += ["worker_count", "pu_due_date", "bpu_due_date", "due_date"]
        select += [
            "COUNT(CASE WHEN l.kind = %s THEN 1 END)",
            "%s",
            "%s",
            f"CASE WHEN {has_bpu} = 1 AND {has_pu} = 1 THEN %s WHEN {has_bpu} = 1 THEN %s "
            "ELSE %s END",
        ]
        params += [kind_c, pu_due, bpu_due, *bpu, *bpu, min(pu_due, bpu_due), *bpu, bpu_due, pu_due]
    else:
        # Only adjustment lines changed: the parts' due dates stay, a new part may appear.
        pu_due = f"COALESCE({table}.pu_due_date, {table}.due_date)"
        bpu_due = f"COALESCE({table}.bpu_due_date, {table}.due_date)"
        columns += ["due_date"]
        select += [
            f"CASE WHEN {has_bpu} = 1 AND {has_pu} = 1 THEN "
            f"(CASE WHEN {bpu_due} < {pu_due} THEN {bpu_due} ELSE {pu_due} END) "
            f"WHEN {has_bpu} = 1 THEN {bpu_due} WHEN {has_pu} = 1 THEN {pu_due} "
            f"ELSE {table}.due_date END",
        ]
        params += [*bpu, *bpu, *bpu, *bpu]
    for chunk in _chunks(bill_ids):
        sql = (
            f"UPDATE {table} SET ({', '.join(columns)}) = (SELECT {', '.join(select)} "  # noqa: S608
            f"FROM {lines} l WHERE l.bill_id = {table}.id) "
            f"WHERE id IN ({', '.join(['%s'] * len(chunk))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *chunk])


def _due_dates_stale(rules: PeriodRules, bill: Bill) -> bool:
    """True when the month's rules now give the bill's parts other due dates (holidays changed)."""
    for basis in ("pu", "bpu"):
        if basis in rules.payment_rules:
            if rules.due_date_for_basis(basis) != getattr(bill, f"{basis}_due_date"):
                return True
    return rules.due_date(_bill_bases(bill)) != bill.due_date


def _bill_bases(bill: Bill) -> set[str]:
    return set(filter(None, bill.bases.split(",")))


# --- generation ----------------------------------------------------------------------


@dataclass
class BillsGenerateResult:
    period: date
    created: int = 0
    recomputed: int = 0
    unchanged: int = 0
    locked_changed: int = 0  # paid bills whose roster or rates changed
    adjusted: int = 0  # unpaid bills that received (new) adjustment lines
    pending_adjustments: int = 0  # paid bills with a difference waiting for a next bill
    pending_amount: int = 0
    without_roster: int = 0  # active units in scope with no verified roster this month
    bill_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # bill_refresh_for_roster only

    @property
    def changed(self) -> bool:
        return bool(self.created or self.recomputed or self.adjusted)


def bills_generate(
    *,
    period: date,
    regency: Regency | None = None,
    units: Iterable[WorkUnit | int] | None = None,
    by=None,
) -> BillsGenerateResult:
    """Create or refresh the bills of `period` for every unit with a verified roster (idempotent).

    Scope: the whole province, one regency, or the given units. All or nothing.
    """
    now = timezone.now()
    result = BillsGenerateResult(period=period)
    with transaction.atomic():
        _tune_session()
        rules = period_rules(period)
        unit_qs = WorkUnit.objects.all()
        if regency is not None:
            unit_qs = unit_qs.filter(regency=regency)
        if units is not None:
            unit_qs = unit_qs.filter(pk__in=[getattr(u, "pk", u) for u in units])
        rosters = list(
            Roster.objects.filter(
                period=period, status=Roster.Status.VERIFIED, unit__in=unit_qs
            ).values_list("id", "unit_id", "verified_at", "unit__relief_not_eligible")
        )
        result.without_roster = (
            unit_qs.filter(is_active=True)
            .exclude(rosters__period=period, rosters__status=Roster.Status.VERIFIED)
            .count()
        )
        existing = {
            b.unit_id: b
            for b in Bill.objects.select_for_update().filter(period=period, unit__in=unit_qs)
        }
        locked = set(
            PaymentAllocation.objects.filter(
                bill__period=period, bill__unit__in=unit_qs
            ).values_list("bill_id", flat=True)
        )
        new_bills, recompute, due_only = [], [], []
        for roster_id, unit_id, verified_at, not_eligible in rosters:
            digest = rules.digest_for(not_eligible)
            bill = existing.get(unit_id)
            if bill is None:
                new_bills.append(
                    Bill(
                        unit_id=unit_id,
                        period=period,
                        due_date=rules.due_date(()),
                        roster_id=roster_id,
                        roster_verified_at=verified_at,
                        rules_digest=digest,
                        rounding_rule=billing.rounding_rule_for_bill(),
                        computed_at=now,
                    )
                )
                continue
            stale = (
                bill.roster_id != roster_id
                or bill.roster_verified_at != verified_at
                or bill.rules_digest != digest
            )
            if bill.pk in locked:
                result.locked_changed += stale
                result.unchanged += not stale
            elif stale:
                bill.roster_id, bill.roster_verified_at = roster_id, verified_at
                bill.rules_digest, bill.computed_at = digest, now
                bill.rounding_rule = billing.rounding_rule_for_bill()
                recompute.append(bill)
            elif _due_dates_stale(rules, bill):
                due_only.append(bill)
            else:
                result.unchanged += 1

        created = Bill.objects.bulk_create(new_bills, batch_size=CHUNK)
        if recompute:
            Bill.objects.bulk_update(
                recompute,
                ["roster", "roster_verified_at", "rules_digest", "computed_at", "rounding_rule"],
                batch_size=CHUNK,
            )
            ids = [b.pk for b in recompute]
            for start in range(0, len(ids), CHUNK):
                BillLine.objects.filter(
                    bill_id__in=ids[start : start + CHUNK], kind=BillLine.Kind.CONTRIBUTION
                ).delete()
        computed = [b.pk for b in created + recompute]
        _insert_contribution_lines(rules, computed)
        _refresh_totals(computed + [b.pk for b in due_only], rules)
        _write_relief_notes(computed, rules)
        result.created, result.recomputed = len(created), len(recompute) + len(due_only)

        touched = set(computed) | {b.pk for b in due_only}
        touched |= _carry_forward(unit_qs=unit_qs, up_to=period, result=result)
        _write_history(touched, created_ids={b.pk for b in created}, by=by, when=now)
        result.bill_ids = sorted(touched)
        _refresh_summary(touched)
    return result


RELIEF_ASSUMED = gettext_lazy(
    "Keringanan PP 49/2020 diberikan dengan anggapan unit ini telah membayar iuran JKK dan JKM "
    "sampai Juli 2020 (syarat Pasal 13); sistem tidak dapat memeriksanya. Staf kantor cabang "
    "dapat menandai unit yang tidak memenuhi syarat."
)


def _write_relief_notes(bill_ids: list[int], rules: PeriodRules) -> None:
    """Say on each bill that got a paid-up relief that its condition is assumed."""
    if not rules.paid_up_relief or not bill_ids:
        return
    with translation.override(settings.LANGUAGE_CODE):
        note = str(RELIEF_ASSUMED)
    for start in range(0, len(bill_ids), CHUNK):
        chunk = bill_ids[start : start + CHUNK]
        Bill.objects.filter(pk__in=chunk).update(relief_note="")
        Bill.objects.filter(
            pk__in=chunk, relief_total__gt=0, unit__relief_not_eligible=False
        ).update(relief_note=note)


def _refresh_summary(bill_ids: set[int]) -> None:
    """Keep the dashboard's summary current: bill and arrears figures from the earliest month."""
    from enrollment.summary import summary_refresh

    if not bill_ids:
        return
    rows = list(Bill.objects.filter(pk__in=list(bill_ids)).values_list("unit_id", "period"))
    units = {unit_id for unit_id, _period in rows}
    summary_refresh(unit_ids=units, since=min(period for _unit, period in rows), coverage=False)


def _write_history(touched: set[int], *, created_ids: set[int], by, when: datetime) -> None:
    """One history row per bill created or changed, with its final values."""
    if not touched:
        return
    fresh = list(Bill.objects.filter(pk__in=list(touched)))
    user = by if getattr(by, "pk", None) else None
    created = [b for b in fresh if b.pk in created_ids]
    changed = [b for b in fresh if b.pk not in created_ids]
    if created:
        Bill.history.bulk_history_create(created, default_user=user, default_date=when)
    if changed:
        Bill.history.bulk_history_create(changed, update=True, default_user=user, default_date=when)


# --- adjustments after payment ----------------------------------------------------------


def _current_verified(field_name: str):
    return Subquery(
        Roster.objects.filter(
            unit_id=OuterRef("unit_id"), period=OuterRef("period"), status=Roster.Status.VERIFIED
        ).values(field_name)[:1]
    )


def stale_locked_bills(*, unit_qs: QuerySet, up_to: date) -> list[Bill]:
    """Paid (or partly paid) bills up to `up_to` whose month's verified roster or rates changed."""
    base = (
        Bill.objects.locked()
        .filter(unit__in=unit_qs, period__lte=up_to)
        .annotate(
            current_roster=_current_verified("id"),
            current_verified_at=_current_verified("verified_at"),
        )
        .filter(current_roster__isnull=False)
    )
    by_roster = base.filter(
        ~Q(roster_id=F("current_roster"))
        | Q(roster_id__isnull=True)
        | ~Q(roster_verified_at=F("current_verified_at"))
        | Q(roster_verified_at__isnull=True)
    )
    stale = {b.pk: b for b in by_roster}
    stale_combos = Q(pk__in=[])
    for period, digest in base.values_list("period", "rules_digest").distinct():
        rules = period_rules(period)
        if digest not in (rules.digest, rules.digest_for(True)):
            stale_combos |= Q(period=period, rules_digest=digest)
    for bill in base.filter(stale_combos):
        stale.setdefault(bill.pk, bill)
    return sorted(stale.values(), key=lambda b: (b.unit_id, b.period))


def _carry_forward(*, unit_qs: QuerySet, up_to: date, result: BillsGenerateResult) -> set[int]:
    """Put the differences of changed paid bills on each unit's next unpaid bill."""
    sources = stale_locked_bills(unit_qs=unit_qs, up_to=up_to)
    if not sources:
        return set()
    units = {b.unit_id for b in sources}
    unlocked = defaultdict(list)
    for bill in Bill.objects.unlocked().filter(unit_id__in=units).order_by("period"):
        unlocked[bill.unit_id].append(bill)
    rules_cache: dict[date, PeriodRules] = {}
    changed: set[int] = set()
    for source in sources:
        target = next((b for b in unlocked[source.unit_id] if b.period > source.period), None)
        if source.period not in rules_cache:
            rules_cache[source.period] = period_rules(source.period)
        wanted = _adjustments_wanted(source, target, rules_cache[source.period])
        if target is None:
            if wanted:
                result.pending_adjustments += 1
                result.pending_amount += sum(line.amount for line in wanted)
            continue
        if _replace_adjustments(target=target, source=source, lines=wanted):
            changed.add(target.pk)
    if changed:
        _refresh_totals(sorted(changed))
        result.adjusted += len(changed)
    return changed


def _adjustments_wanted(source: Bill, target: Bill | None, rules: PeriodRules) -> list[BillLine]:
    """Lines that bring `source` to what its month's verified roster gives now.

    Per worker and programme: expected now − billed on `source` − adjustments
    for `source` already on other bills; a worker with no difference gets no line.
    """
    roster_id = (
        Roster.objects.filter(
            unit_id=source.unit_id, period=source.period, status=Roster.Status.VERIFIED
        )
        .values_list("id", flat=True)
        .first()
    )
    expected = {line.nik: line for line in roster_lines(rules, [roster_id])[roster_id]}
    billed = {line.nik: line for line in source.lines.filter(kind=BillLine.Kind.CONTRIBUTION)}
    carried: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    others = BillLine.objects.filter(adjusts=source)
    if target is not None:
        others = others.exclude(bill=target)
    for line in others:
        for programme in BILLED_PROGRAMMES:
            carried[line.nik][programme] += getattr(line, f"{programme.lower()}_amount")
    lines = []
    for nik in sorted(set(expected) | set(billed) | set(carried)):
        now, before = expected.get(nik), billed.get(nik)
        values = {}
        for programme in BILLED_PROGRAMMES:
            p = programme.lower()
            difference = (
                (now.amount(programme) if now else 0)
                - (getattr(before, f"{p}_amount") if before else 0)
                - carried[nik][programme]
            )
            rate_id = now.parts[programme][0] if now else getattr(before, f"{p}_rate_id", None)
            values.update(
                {
                    f"{p}_rate_id": rate_id,
                    f"{p}_gross": difference,
                    f"{p}_relief": 0,
                    f"{p}_amount": difference,
                }
            )
        total = sum(values[f"{p.lower()}_amount"] for p in BILLED_PROGRAMMES)
        if all(values[f"{p.lower()}_amount"] == 0 for p in BILLED_PROGRAMMES):
            continue
        like = now or before
        lines.append(
            BillLine(
                bill=target,
                kind=BillLine.Kind.ADJUSTMENT,
                adjusts=source,
                worker_id=like.worker_id,
                nik=nik,
                segment=like.segment,
                wage=now.wage if now else 0,
                amount=total,
                **values,
            )
        )
    return lines


def _line_key(line) -> tuple:
    return (line.nik, *(getattr(line, f"{p}_amount") for p in PREFIXES))


def _replace_adjustments(*, target: Bill, source: Bill, lines: list[BillLine]) -> bool:
    """Make `target`'s adjustment lines for `source` exactly `lines`; False when already so."""
    current = BillLine.objects.filter(bill=target, adjusts=source)
    if sorted(_line_key(line) for line in current) == sorted(_line_key(line) for line in lines):
        return False
    current.delete()
    BillLine.objects.bulk_create(lines, batch_size=CHUNK)
    return True


# --- entry points for one unit / one roster ---------------------------------------------


def bill_generate(*, unit: WorkUnit, period: date, by=None) -> BillsGenerateResult:
    """Create or refresh one unit's bill for `period` (see `bills_generate`)."""
    return bills_generate(period=period, units=[unit], by=by)


def bill_refresh_for_roster(*, roster: Roster, by=None) -> BillsGenerateResult:
    """Call after a roster is verified: bill it, recompute its unpaid bill, or carry the difference.

    `roster_verify` calls this inside its transaction, after saving the roster as
    verified (with its new `verified_at`). A roster that is not verified changes
    nothing. When the month's rules cannot bill it (no rate or due-date rule in
    force) nothing is billed, the verification stands, and the reason is in
    `result.problems` for the caller to show; `generate_bills` bills it once the
    rules exist.
    """
    if roster.status != Roster.Status.VERIFIED:
        return BillsGenerateResult(period=roster.period)
    try:
        return bills_generate(period=roster.period, units=[roster.unit_id], by=by)
    except ValidationError as exc:
        return BillsGenerateResult(period=roster.period, problems=exc.messages)
