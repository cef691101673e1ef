"""Coverage per regency (or per unit of one regency) for a month, as a user may see it.

Reads only: the summary tables kept current by enrollment (enrollment/summary.py),
plus what changes with the calendar computed now (BPU lapse, claims late,
agreements expiring, bills paid by today). A fixed number of queries whatever
the number of regencies and units. The dashboard page, its exports, the JSON API
and `coverage_report` all call `coverage_table`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from bpjs_tracker.dashboard import interfaces
from bpjs_tracker.roles import Role, scope_for
from enrollment.billing.arithmetic import SEGMENT_BASIS
from enrollment.models import CoverageSummary, Membership, UnitMonthSummary
from enrollment.summary import month_end
from regencies.models import CoverageTarget, Regency, WorkUnit

EXPIRING_DAYS = 90
ARREARS_QUEUE_BILLS = 3  # "units in arrears beyond 3 months"
BPU_SEGMENTS = tuple(s for s, basis in SEGMENT_BASIS.items() if basis == "bpu")


class AgreementState:
    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    NONE = "none"


@dataclass
class CoverageRow:
    """One line of the table: a regency, or a unit of one regency (drill-down)."""

    id: int
    code: str
    name: str
    level: str  # "regency" | "opd" | "village"
    regency_id: int
    target: int | None = None
    covered: int = 0
    on_roster: int = 0
    units: int = 0
    units_verified: int = 0
    units_submitted: int = 0
    units_returned: int = 0
    units_missing: int = 0
    units_paid_full_year: int = 0
    bills: int = 0
    bills_paid_on_time: int = 0
    arrears: int = 0
    units_in_arrears: int = 0
    bpu_inactive: int = 0
    double_enrolments: int = 0
    claims_open: int = 0
    claims_paid: int = 0
    claims_late: int = 0
    agreement: str = AgreementState.NONE
    has_perda: bool = False
    # A sum of rows: the covered of the rows that have a target (None: a row of its own).
    covered_with_target: int | None = None

    @property
    def coverage_pct(self) -> float | None:
        """Covered against the target; for a sum, only over the rows that have a target."""
        if not self.target:
            return None
        covered = self.covered if self.covered_with_target is None else self.covered_with_target
        return round(100.0 * covered / self.target, 1)

    @property
    def paid_on_time_pct(self) -> float | None:
        if not self.bills:
            return None
        return round(100.0 * self.bills_paid_on_time / self.bills, 1)

    def add(self, other: CoverageRow) -> None:
        for name in SUMMED:  # (not dataclasses.fields: ~7 µs a call, 176 rows a Sekda's total)
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.target is not None:
            self.target = (self.target or 0) + other.target
            self.covered_with_target = (self.covered_with_target or 0) + other.covered


SUMMED = (
    "covered", "on_roster", "units", "units_verified", "units_submitted", "units_returned",
    "units_missing", "units_paid_full_year", "bills", "bills_paid_on_time", "arrears",
    "units_in_arrears", "bpu_inactive", "double_enrolments", "claims_open", "claims_paid",
    "claims_late",
)  # fmt: skip


@dataclass
class CoverageTable:
    period: date
    as_of: date
    level: str  # "regency" or "unit"
    rows: list[CoverageRow]
    total: CoverageRow
    regency: Regency | None = None  # the regency expanded into units
    at_risk: int = 0
    notes: list[str] = field(default_factory=list)


def _unit_level(user, regency: Regency | None) -> bool:
    scope = scope_for(user)
    if regency is not None:
        return True
    return scope is not None and (
        scope.unit_ids is not None or (scope.role == Role.SEKDA and len(scope.regency_ids) == 1)
    )


def coverage_table(
    *,
    user,
    period: date,
    regency: Regency | None = None,
    as_of: date | None = None,
    by_unit: bool | None = None,
    unit_objects: list[WorkUnit] | None = None,
) -> CoverageTable:
    """The dashboard's table for `period` (first day of a month), scoped to `user`.

    `user=None` is the system (province scope, for commands). Rows are the
    regencies of the scope, or, for one regency (given, or a Sekda's), its units;
    treasurers get their units. `as_of` (default today, WITA) decides what is
    paid "as of the day the report runs" and what is late. `unit_objects`: every unit
    visible to `user` (any order), when the caller has read them already: query 1 is then not
    run (a treasurer's start page reads them for its own list too).
    """
    as_of = as_of or timezone.localdate()
    day = month_end(period)
    if by_unit is None:
        by_unit = _unit_level(user, regency)

    units = WorkUnit.objects.all() if user is None else WorkUnit.objects.visible_to(user)
    regencies = Regency.objects.all() if user is None else Regency.objects.visible_to(user)
    if regency is not None:
        units, regencies = units.filter(regency=regency), regencies.filter(pk=regency.pk)
    units = units.filter(is_active=True)
    # query 1: a province's 3.000 units are only counted per regency (ids and regency ids)
    columns = ("pk", "code", "name", "kind", "regency_id") if by_unit else ("pk", "regency_id")
    if unit_objects is None:
        unit_list = list(units.values_list(*columns))
    else:
        unit_list = [
            tuple(getattr(u, column) for column in columns)
            for u in unit_objects
            if u.is_active and (regency is None or u.regency_id == regency.pk)
        ]
    unit_regency = {u[0]: u[-1] for u in unit_list}
    regency_list = _with_regency_facts(
        regencies, year=period.year, as_of=as_of
    )  # 2: with targets, agreement state and Perda
    if by_unit and regency is None and len(regency_list) == 1:
        pk, code, name, *_facts = regency_list[0]
        regency = Regency(pk=pk, code=code, name=name)  # a Sekda's one regency, no query

    rows: dict[int, CoverageRow] = {}
    units_by_row: dict[int, int] = {}
    if by_unit:
        for pk, code, name, kind, regency_id in sorted(unit_list, key=lambda u: u[1]):
            rows[pk] = CoverageRow(pk, code, name, kind, regency_id, units=1)
            units_by_row[pk] = pk
    else:
        for pk, code, name, *_facts in regency_list:
            rows[pk] = CoverageRow(pk, code, name, "regency", pk)
        for pk, *_rest, regency_id in unit_list:
            if regency_id in rows:
                rows[regency_id].units += 1
            units_by_row[pk] = regency_id

    # each unit's row (itself, or its regency's), one look-up per figure read
    row_of = {unit_id: rows[key] for unit_id, key in units_by_row.items() if key in rows}.get

    unit_filter = Q(unit__in=units)
    # covered: per unit in the drill-down, first unit of the regency otherwise.
    covered_field = "covered" if by_unit else "covered_regency"
    coverage = (
        CoverageSummary.objects.filter(unit_filter, period=period)
        .values("unit_id", "segment")
        .annotate(
            c=Sum(covered_field),
            p=Sum("covered_province"),
            r=Sum("on_roster"),
            u=Sum("covered"),
            g=Sum("covered_regency"),
        )
        .values_list("unit_id", "segment", "c", "p", "r", "u", "g")  # tuples: 3.000 units' rows
    )  # 4
    bpu_covered: dict[int, int] = defaultdict(int)
    province_covered = 0
    regency_covered = 0  # the total line of one regency's units: each person once in it
    for unit_id, segment, c, p, r, u, g in coverage:
        regency_covered += g or 0
        row = row_of(unit_id)
        if row is None:
            continue
        row.covered += c
        row.on_roster += r
        row.double_enrolments += u - p
        province_covered += p
        if segment in BPU_SEGMENTS:
            bpu_covered[unit_id] += u

    # BPU lapse (calendar): every BPU member of a unit inactive on the month's last day.
    spans = interfaces.bpu_inactive_spans(sorted(bpu_covered)) if bpu_covered else {}
    for unit_id, count in bpu_covered.items():
        if interfaces.unit_lapsed_on(spans.get(unit_id, []), day):
            row = row_of(unit_id)
            row.bpu_inactive += count
            row.covered -= min(count, row.covered)
            province_covered -= count

    months = UnitMonthSummary.objects.filter(unit_filter, period=period).values_list(
        "unit_id", "roster_status", "bill_total", "bill_due_date", "bill_paid_on", "arrears"
    )  # 5
    for unit_id, status, bill_total, due_date, paid_on, arrears in months:
        row = row_of(unit_id)
        if row is None:
            continue
        if status == "verified":
            row.units_verified += 1
        elif status == "submitted":
            row.units_submitted += 1
        elif status == "returned":
            row.units_returned += 1
        if bill_total > 0:
            row.bills += 1
            row.bills_paid_on_time += bool(paid_on and paid_on <= due_date)
        if arrears > 0:
            row.arrears += arrears
            row.units_in_arrears += 1
    for row in rows.values():
        row.units_missing = (
            row.units - row.units_verified - row.units_submitted - row.units_returned
        )

    full_year = (
        UnitMonthSummary.objects.filter(
            unit_filter,
            period__year=period.year,
            bill_total__gt=0,
            bill_paid_on__lte=as_of,
        )
        .values("unit_id")
        .annotate(n=Count("pk"))
        .filter(n=12)
        .values_list("unit_id", flat=True)
    )  # 6
    for unit_id in full_year:
        if (row := row_of(unit_id)) is not None:
            row.units_paid_full_year += 1

    regency_targets = {r[0]: r[3] for r in regency_list if r[3] is not None}
    if not by_unit:
        for regency_id, target in regency_targets.items():
            rows[regency_id].target = target

    # the units as a subquery: a list of a province's 3.000 ids cost 30 ms to build into SQL
    for unit_id, c in interfaces.claim_counts(unit_ids=units.values("pk"), as_of=as_of).items():
        if (row := row_of(unit_id)) is not None:
            row.claims_open += c.open
            row.claims_paid += c.paid
            row.claims_late += c.late

    facts = {r[0]: r[4:] for r in regency_list}
    for key, row in rows.items():
        in_force, expiring, perda = facts.get(unit_regency.get(key) if by_unit else key, (0, 0, 0))
        row.has_perda = bool(perda)
        if expiring:
            row.agreement = AgreementState.EXPIRING
        elif in_force:
            row.agreement = AgreementState.IN_FORCE

    total = CoverageRow(0, "", "", "total", 0)
    for row in rows.values():
        total.add(row)
    total.target = None
    if by_unit:
        total.target = sum(regency_targets.values()) if regency_targets else None
        if regency is not None:
            total.covered = regency_covered  # read with the coverage (query 4)
            total.covered -= sum(r.bpu_inactive for r in rows.values())
            total.covered = max(total.covered, 0)
        else:
            total.covered = province_covered
    else:
        total.target = sum(regency_targets.values()) if regency_targets else None
        total.covered = max(province_covered, 0)
    table = CoverageTable(
        period=period,
        as_of=as_of,
        level="unit" if by_unit else "regency",
        rows=list(rows.values()),
        total=total,
        regency=regency,
    )
    table.at_risk = protection_at_risk(units=units, as_of=as_of, table=table)  # 12-13
    return table


def _with_regency_facts(regencies, *, year: int, as_of: date) -> list[tuple]:
    """(pk, code, name, target, in force, expiring, Perda) of each regency, by code: the year's
    target (sum over segments), whether an agreement is in force / in force and ending within
    90 days on `as_of`, and whether a Perda exists. One query.

    The agreements come joined, one row each, and their status is decided here with
    `mou.status.agreement_status` (the rule `status_conditions` writes as SQL; a table test
    keeps the two equal): as two EXISTS subqueries of those conditions, building the SQL cost
    1,3 ms of CPU a page."""
    from mou.models import RegionalRegulation
    from mou.status import AgreementStatus, agreement_status

    target = (
        CoverageTarget.objects.filter(regency=OuterRef("pk"), year=year)
        .values("regency")
        .annotate(t=Sum("target"))
        .values("t")
    )
    rows = (
        regencies.annotate(
            t=Subquery(target),
            perda=Exists(
                RegionalRegulation.objects.filter(
                    regency=OuterRef("pk"), kind=RegionalRegulation.Kind.PERDA
                )
            ),
        )
        .order_by("code")
        .values_list(
            "pk",
            "code",
            "name",
            "t",
            "perda",
            "agreements__state",
            "agreements__signed_on",
            "agreements__valid_from",
            "agreements__valid_until",
            "agreements__terminated_on",
        )  # fmt: skip
    )
    ends_soon = as_of + timedelta(days=EXPIRING_DAYS)
    facts: dict[int, list] = {}
    for pk, code, name, t, perda, state, signed_on, valid_from, valid_until, ended in rows:
        item = facts.setdefault(pk, [pk, code, name, t, False, False, perda])
        if state is None:  # no agreement at all (the join's empty row)
            continue
        status = agreement_status(
            state=state, signed_on=signed_on, valid_from=valid_from, valid_until=valid_until,
            terminated_on=ended, day=as_of,
        )  # fmt: skip
        if status == AgreementStatus.IN_FORCE:
            item[4] = True
            if valid_until is not None and valid_until <= ends_soon:
                item[5] = True
    return [tuple(item) for item in facts.values()]


def protection_at_risk(*, units, as_of: date, table: CoverageTable) -> int:
    """Workers who would not be covered if they died today, in the scope's units.

    BPU members inactive through arrears (this month's figure), plus workers whose
    JKK or JKM membership ended in the last 90 days and who are not covered through
    any unit today, plus the covered workers of units with no roster for this
    month nor the last (their cover rests on rosters nobody is sending).
    """
    month = as_of.replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    at_risk = table.total.bpu_inactive if table.period == month else 0
    covered_today = Membership.objects.filter(
        Q(end__isnull=True) | Q(end__gte=as_of), worker_id=OuterRef("worker_id"), start__lte=as_of
    )
    ended = (
        Membership.objects.filter(unit__in=units, end__lt=as_of, end__gte=as_of - timedelta(90))
        .exclude(Exists(covered_today))
        .values("worker_id")
        .distinct()
        .count()
    )
    silent = (
        CoverageSummary.objects.filter(unit__in=units, period=month)
        .exclude(
            unit__in=UnitMonthSummary.objects.filter(period__in=[month, previous])
            .exclude(roster_status="")
            .values("unit_id")
        )
        .aggregate(n=Sum("covered"))["n"]
        or 0
    )
    return at_risk + ended + silent


@dataclass(frozen=True)
class TrendPoint:
    period: date
    covered: int
    arrears: int


def trend(
    *, user, period: date, regency: Regency | None = None, months: int = 12
) -> list[TrendPoint]:
    """Covered workers and arrears for the scope, the `months` months up to `period` (2 queries).

    Each person once: in the regency when one is chosen, in the province otherwise.
    BPU lapse is not subtracted here (it is a figure of the chosen month).
    """
    first = period
    for _i in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    units = WorkUnit.objects.all() if user is None else WorkUnit.objects.visible_to(user)
    if regency is not None:
        units = units.filter(regency=regency)
    field_name = "covered_regency" if regency is not None else "covered_province"
    covered = dict(
        CoverageSummary.objects.filter(unit__in=units, period__gte=first, period__lte=period)
        .values("period")
        .annotate(n=Sum(field_name))
        .values_list("period", "n")
    )
    arrears = dict(
        UnitMonthSummary.objects.filter(unit__in=units, period__gte=first, period__lte=period)
        .values("period")
        .annotate(n=Sum("arrears"))
        .values_list("period", "n")
    )
    points, current = [], first
    while current <= period:
        points.append(TrendPoint(current, covered.get(current) or 0, arrears.get(current) or 0))
        current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return points
