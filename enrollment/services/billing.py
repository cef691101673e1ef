"""Bills from verified rosters: set-based generation, recomputation, adjustments after payment.

One bill per work unit and month. Lines (worker × programme) are computed in the
database by one INSERT … SELECT per chunk of bills, with the rates in force for
the month passed in as a small VALUES table; the arithmetic is the integer form
of `enrollment.billing` (whole Rupiah, half up, per worker, then summed).

- A bill no payment touches is recomputed when its roster is verified again or
  the rates for its month change; otherwise regenerating changes nothing.
- A bill with any payment allocated is never changed: the difference between
  what it says and what its month's verified roster now gives becomes
  adjustment lines on the unit's next unpaid bill (now, or when that bill is
  generated).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment import billing
from enrollment.models import (
    Bill,
    BillLine,
    ContributionRate,
    ContributionRelief,
    PaymentAllocation,
    PaymentRule,
    PublicHoliday,
    Roster,
    RosterEntry,
    Worker,
)
from regencies.models import Regency, RiskClass, WorkUnit

CHUNK = 500  # bills per INSERT … SELECT (keeps SQLite under its parameter limit)

NO_RATES = _("Tidak ada tarif iuran yang berlaku untuk bulan %(period)s.")
NO_PAYMENT_RULE = _("Tidak ada aturan jatuh tempo untuk %(basis)s pada bulan %(period)s.")
AMBIGUOUS_RULE = _(
    "Lebih dari satu %(what)s berlaku untuk %(key)s pada bulan %(period)s: %(rows)s."
)
PERIOD_NOT_FIRST = _("Bulan iuran harus hari pertama bulan, bukan %(day)s.")


# --- the rules in force for a month ----------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    """The rate (and relief) that applies to one segment × risk class × programme."""

    segment: str
    risk_class: str
    programme: str
    rate: ContributionRate
    keep_ppm: int  # share of the normal contribution still payable (1.000.000 = all)
    new_full: bool  # participants new since the relief pay in full at first

    def sql_values(self) -> list:
        rate = self.rate
        fixed = rate.kind == ContributionRate.Kind.FIXED
        return [
            self.segment,
            self.risk_class,
            self.programme,
            rate.pk,
            1 if fixed else 0,
            0 if fixed else billing.percent_to_ppm(rate.percent),
            rate.amount or 0,
            rate.minimum or 0,
            rate.maximum or 0,
            self.keep_ppm,
            1 if self.new_full else 0,
            billing.percent_to_ppm(rate.worker_share_percent),
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
        dates = [self.due_date_for_basis(b) for b in sorted(bases)]
        return min(dates)

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
        return any(row.keep_ppm != billing.PPM for row in self.matrix)


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
    if period.day != 1:
        raise ValidationError(PERIOD_NOT_FIRST % {"day": period}, code="period")
    rates = list(ContributionRate.objects.in_force(period))
    if not rates:
        raise ValidationError(NO_RATES % {"period": f"{period:%Y-%m}"}, code="no_rates")
    reliefs = list(ContributionRelief.objects.in_force(period))
    matrix = []
    new_from, full_months = None, 0
    for segment, basis in billing.SEGMENT_BASIS.items():
        programmes = sorted({r.programme for r in rates if r.basis == basis})
        for programme in programmes:
            relief = _one(
                [x for x in reliefs if x.programme in ("", programme) and x.basis in ("", basis)],
                _("keringanan"),
                f"{programme} {basis}",
                period,
            )
            keep = billing.PPM
            if relief is not None:
                keep = billing.PPM - billing.percent_to_ppm(relief.discount_percent)
                if relief.new_participants_from and relief.full_months_for_new:
                    new_from = relief.new_participants_from
                    full_months = relief.full_months_for_new
            for risk_class in RiskClass.values:
                candidates = [
                    r
                    for r in rates
                    if r.basis == basis and r.programme == programme and r.risk_class == risk_class
                ] or [
                    r
                    for r in rates
                    if r.basis == basis and r.programme == programme and not r.risk_class
                ]
                rate = _one(candidates, _("tarif"), f"{programme} {basis} {risk_class}", period)
                if rate is not None:
                    matrix.append(
                        MatrixRow(
                            segment,
                            risk_class,
                            programme,
                            rate,
                            keep,
                            bool(relief and relief.new_participants_from),
                        )
                    )
    payment_rules = {}
    in_force = list(PaymentRule.objects.in_force(period))
    for basis in ("pu", "bpu"):
        rule = _one(
            [r for r in in_force if r.basis in ("", basis)], _("aturan jatuh tempo"), basis, period
        )
        if rule is not None:
            payment_rules[basis] = rule
    holidays = frozenset(
        PublicHoliday.objects.filter(
            date__gte=billing.add_months(period, -1), date__lt=billing.add_months(period, 3)
        ).values_list("date", flat=True)
    )
    rules = PeriodRules(period, matrix, payment_rules, holidays, new_from, full_months)
    rules.digest = _digest(rules)
    return rules


def _digest(rules: PeriodRules) -> str:
    """A fingerprint of everything that decides a bill's amounts (not its due date)."""
    payload = [row.sql_values()[:3] + row.sql_values()[4:] for row in rules.matrix]
    payload.append([str(rules.new_participants_from), rules.full_months_for_new])
    return hashlib.sha1(json.dumps(payload).encode(), usedforsecurity=False).hexdigest()


# --- the SQL ------------------------------------------------------------------------

RATE_COLUMNS = (
    "segment, risk_class, programme, rate_id, is_fixed, ppm, fixed_amount, minimum, maximum, "
    "keep_ppm, new_full, share_ppm"
)


def _date_param(day: date):
    return connection.ops.adapt_datefield_value(day)


def _lines_query(
    rules: PeriodRules, *, source: str, ids: list[int], wage_ppm: int | None = None
) -> tuple[str, list, str, list]:
    """(WITH clause, its params, inner SELECT "c", its params): one row per worker × programme.

    `source="bills"`: owner = bill id, entries of each bill's roster;
    `source="rosters"`: owner = roster id. `wage_ppm` scales wages (forecasts).
    Columns of c: owner_id, worker_id, nik, programme, segment, wage, rate_id,
    gross, keep_ppm, share_ppm. Entries whose start date (TMT) is after the
    month are not billed for it.
    """
    with_params: list = []
    values = ", ".join(["(" + ", ".join(["%s"] * 12) + ")"] * len(rules.matrix))
    for row in rules.matrix:
        with_params += row.sql_values()
    with_clause = f"WITH rates ({RATE_COLUMNS}) AS (VALUES {values})"

    bills, rosters, entries = Bill._meta.db_table, Roster._meta.db_table, RosterEntry._meta.db_table
    owner = bills if source == "bills" else rosters
    roster_key = "o.roster_id" if source == "bills" else "o.id"
    wage = "e.wage" if wage_ppm is None else billing.sql_percent_of("e.wage", str(int(wage_ppm)))
    pct = billing.sql_percent_of(wage, "r.ppm")
    keep, first_join, params = "r.keep_ppm", "", []
    if rules.new_participants_from and rules.relief_in_force:
        first_join = (
            "LEFT JOIN (SELECT e2.worker_id AS worker_id, MIN(r2.period) AS first_period "  # noqa: S608 - only table names and %s placeholders
            f"FROM {entries} e2 JOIN {rosters} r2 ON r2.id = e2.roster_id "
            "WHERE r2.status = %s GROUP BY e2.worker_id) fp ON fp.worker_id = e.worker_id"
        )
        keep = (
            "CASE WHEN r.new_full = 1 AND fp.first_period >= %s AND fp.first_period > %s "
            f"THEN {billing.PPM} ELSE r.keep_ppm END"
        )
        cutoff = billing.add_months(rules.period, -rules.full_months_for_new)
        # placeholders in text order: keep (select list) comes before the join
        params += [_date_param(rules.new_participants_from), _date_param(cutoff)]
        params += [Roster.Status.VERIFIED.value]
    placeholders = ", ".join(["%s"] * len(ids))
    inner = (
        "SELECT o.id AS owner_id, e.worker_id AS worker_id, w.nik AS nik, "  # noqa: S608 - only table names and %s placeholders
        "r.programme AS programme, e.segment AS segment, "
        f"{wage} AS wage, r.rate_id AS rate_id, {keep} AS keep_ppm, r.share_ppm AS share_ppm, "
        "CASE WHEN r.is_fixed = 1 THEN r.fixed_amount "
        f"WHEN {pct} < r.minimum THEN r.minimum "
        f"WHEN r.maximum > 0 AND {pct} > r.maximum THEN r.maximum "
        f"ELSE {pct} END AS gross "
        f"FROM {owner} o "
        f"JOIN {entries} e ON e.roster_id = {roster_key} "
        f"JOIN {WorkUnit._meta.db_table} u ON u.id = o.unit_id "
        f"JOIN {Worker._meta.db_table} w ON w.id = e.worker_id "
        "JOIN rates r ON r.segment = e.segment AND r.risk_class = u.jkk_risk_class "
        f"{first_join} "
        f"WHERE o.id IN ({placeholders}) AND e.start_date <= %s"
    )
    params += list(ids) + [_date_param(billing.month_end(rules.period))]
    return with_clause, with_params, inner, params


def _net(column: str = "c.gross", keep: str = "c.keep_ppm") -> str:
    return billing.sql_percent_of(column, keep)


def _insert_contribution_lines(rules: PeriodRules, bill_ids: list[int]) -> None:
    for start in range(0, len(bill_ids), CHUNK):
        chunk = bill_ids[start : start + CHUNK]
        with_clause, with_params, inner, params = _lines_query(rules, source="bills", ids=chunk)
        sql = (
            f"{with_clause} INSERT INTO {BillLine._meta.db_table} "  # noqa: S608 - only table names and %s placeholders
            "(bill_id, kind, worker_id, nik, programme, segment, wage, rate_id, gross, relief, "
            "amount, adjusts_id) "
            "SELECT c.owner_id, %s, c.worker_id, c.nik, c.programme, c.segment, c.wage, "
            f"c.rate_id, c.gross, c.gross - {_net()}, {_net()}, NULL FROM ({inner}) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, BillLine.Kind.CONTRIBUTION.value, *params])


@dataclass(frozen=True)
class ComputedLine:
    worker_id: int
    nik: str
    programme: str
    segment: str
    wage: int
    rate_id: int
    gross: int
    relief: int
    amount: int


def roster_lines(rules: PeriodRules, roster_ids: list[int]) -> dict[int, list[ComputedLine]]:
    """What each roster's bill would say now, per worker × programme (read only)."""
    result: dict[int, list[ComputedLine]] = defaultdict(list)
    for start in range(0, len(roster_ids), CHUNK):
        chunk = roster_ids[start : start + CHUNK]
        with_clause, with_params, inner, params = _lines_query(rules, source="rosters", ids=chunk)
        sql = (
            f"{with_clause} SELECT c.owner_id, c.worker_id, c.nik, c.programme, c.segment, "  # noqa: S608 - only table names and %s placeholders
            f"c.wage, c.rate_id, c.gross, c.gross - {_net()}, {_net()} FROM ({inner}) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, *params])
            for owner, *values in cursor.fetchall():
                result[owner].append(ComputedLine(*values))
    return result


def roster_sums(
    rules: PeriodRules, roster_ids: list[int], *, wage_ppm: int | None = None
) -> dict[int, tuple[int, int]]:
    """Per roster: (monthly amount payable, part deducted from workers), summed per worker."""
    result: dict[int, tuple[int, int]] = {}
    for start in range(0, len(roster_ids), CHUNK):
        chunk = roster_ids[start : start + CHUNK]
        with_clause, with_params, inner, params = _lines_query(
            rules, source="rosters", ids=chunk, wage_ppm=wage_ppm
        )
        amount = _net()
        share = billing.sql_percent_of(amount, "c.share_ppm")
        sql = (
            f"{with_clause} SELECT c.owner_id, SUM({amount}), SUM({share}) "  # noqa: S608 - only table names and %s placeholders
            f"FROM ({inner}) c GROUP BY c.owner_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*with_params, *params])
            for owner, total, worker_part in cursor.fetchall():
                result[owner] = (int(total or 0), int(worker_part or 0))
    return result


# --- totals -----------------------------------------------------------------------


def _bpu_segments() -> list[str]:
    return [s for s, b in billing.SEGMENT_BASIS.items() if b == "bpu"]


def _line_sums(bill_ids: list[int]) -> dict[int, dict]:
    """Per bill: contribution, adjustment and relief sums, workers, bases present."""
    sums: dict[int, dict] = {
        pk: {
            "contribution_total": 0,
            "adjustment_total": 0,
            "relief_total": 0,
            "worker_count": 0,
            "bases": set(),
        }
        for pk in bill_ids
    }
    bpu = _bpu_segments()
    for start in range(0, len(bill_ids), CHUNK):
        chunk = bill_ids[start : start + CHUNK]
        placeholders = ", ".join(["%s"] * len(chunk))
        bpu_in = ", ".join(["%s"] * len(bpu))
        sql = (
            "SELECT bill_id, "  # noqa: S608 - only table names and %s placeholders
            "SUM(CASE WHEN kind = %s THEN amount ELSE 0 END), "
            "SUM(CASE WHEN kind = %s THEN amount ELSE 0 END), "
            "SUM(CASE WHEN kind = %s THEN relief ELSE 0 END), "
            "COUNT(DISTINCT CASE WHEN kind = %s THEN worker_id END), "
            f"MAX(CASE WHEN kind = %s AND segment IN ({bpu_in}) THEN 1 ELSE 0 END), "
            f"MAX(CASE WHEN kind = %s AND segment NOT IN ({bpu_in}) THEN 1 ELSE 0 END) "
            f"FROM {BillLine._meta.db_table} WHERE bill_id IN ({placeholders}) GROUP BY bill_id"
        )
        c, a = BillLine.Kind.CONTRIBUTION, BillLine.Kind.ADJUSTMENT
        params = [c, a, c, c, c, *bpu, c, *bpu, *chunk]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for pk, contribution, adjustment, relief, workers, has_bpu, has_pu in cursor.fetchall():
                sums[pk].update(
                    contribution_total=int(contribution or 0),
                    adjustment_total=int(adjustment or 0),
                    relief_total=int(relief or 0),
                    worker_count=int(workers or 0),
                    bases={b for b, present in (("pu", has_pu), ("bpu", has_bpu)) if present},
                )
    return sums


def _apply_sums(bill: Bill, sums: dict, rules: PeriodRules | None) -> None:
    bill.contribution_total = sums["contribution_total"]
    bill.adjustment_total = sums["adjustment_total"]
    bill.total = bill.contribution_total + bill.adjustment_total
    bill.relief_total = sums["relief_total"]
    if rules is not None:  # contribution lines were (re)computed: bases and due date follow
        bill.worker_count = sums["worker_count"]
        bill.bases = ",".join(sorted(sums["bases"]))
        bill.due_date = rules.due_date(sums["bases"])


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

    @property
    def changed(self) -> bool:
        return bool(self.created or self.recomputed or self.adjusted)


def bills_generate(
    *,
    period: date,
    regency: Regency | None = None,
    units: Iterable[WorkUnit] | None = None,
    by=None,
) -> BillsGenerateResult:
    """Create or refresh the bills of `period` for every unit with a verified roster (idempotent).

    Scope: the whole province, one regency, or the given units. All or nothing.
    """
    now = timezone.now()
    result = BillsGenerateResult(period=period)
    with transaction.atomic():
        rules = period_rules(period)
        unit_qs = WorkUnit.objects.all()
        if regency is not None:
            unit_qs = unit_qs.filter(regency=regency)
        if units is not None:
            unit_qs = unit_qs.filter(pk__in=[getattr(u, "pk", u) for u in units])
        rosters = list(
            Roster.objects.filter(
                period=period, status=Roster.Status.VERIFIED, unit__in=unit_qs
            ).values_list("id", "unit_id", "verified_at")
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
        for roster_id, unit_id, verified_at in rosters:
            bill = existing.get(unit_id)
            if bill is None:
                new_bills.append(
                    Bill(
                        unit_id=unit_id,
                        period=period,
                        due_date=rules.due_date(()),
                        roster_id=roster_id,
                        roster_verified_at=verified_at,
                        rules_digest=rules.digest,
                        rounding_rule=str(billing.ROUNDING_RULE),
                        computed_at=now,
                    )
                )
                continue
            stale = (
                bill.roster_id != roster_id
                or bill.roster_verified_at != verified_at
                or bill.rules_digest != rules.digest
            )
            if bill.pk in locked:
                result.locked_changed += stale
                result.unchanged += not stale
            elif stale:
                bill.roster_id, bill.roster_verified_at = roster_id, verified_at
                bill.rules_digest, bill.computed_at = rules.digest, now
                bill.rounding_rule = str(billing.ROUNDING_RULE)
                recompute.append(bill)
            elif rules.due_date(_bill_bases(bill)) != bill.due_date:
                bill.due_date = rules.due_date(_bill_bases(bill))
                due_only.append(bill)
            else:
                result.unchanged += 1

        created = Bill.objects.bulk_create(new_bills, batch_size=CHUNK)
        if recompute:
            ids = [b.pk for b in recompute]
            for start in range(0, len(ids), CHUNK):
                BillLine.objects.filter(
                    bill_id__in=ids[start : start + CHUNK], kind=BillLine.Kind.CONTRIBUTION
                ).delete()
        computed = created + recompute
        _insert_contribution_lines(rules, [b.pk for b in computed])
        sums = _line_sums([b.pk for b in computed])
        for bill in computed:
            _apply_sums(bill, sums[bill.pk], rules)
        touched: dict[int, Bill] = {b.pk: b for b in computed + due_only}
        _bulk_save(touched.values())
        result.created, result.recomputed = len(created), len(recompute) + len(due_only)

        carried = _carry_forward(unit_qs=unit_qs, up_to=period, result=result)
        touched.update(carried)
        _write_history(touched, created_ids={b.pk for b in created}, by=by, when=now)
        result.bill_ids = sorted(touched)
    return result


BILL_TOTAL_FIELDS = [
    "contribution_total",
    "adjustment_total",
    "total",
    "relief_total",
    "worker_count",
    "bases",
    "due_date",
    "roster",
    "roster_verified_at",
    "rules_digest",
    "rounding_rule",
    "computed_at",
    "updated_at",
]


def _bulk_save(bills: Iterable[Bill]) -> None:
    bills = list(bills)
    now = timezone.now()
    for bill in bills:
        bill.updated_at = now
    if bills:
        Bill.objects.bulk_update(bills, BILL_TOTAL_FIELDS, batch_size=CHUNK)


def _write_history(touched: dict[int, Bill], *, created_ids: set[int], by, when: datetime) -> None:
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
    combos = base.values_list("period", "rules_digest").distinct()
    stale_combos = Q(pk__in=[])
    for period, digest in combos:
        if period_rules(period).digest != digest:
            stale_combos |= Q(period=period, rules_digest=digest)
    for bill in base.filter(stale_combos):
        stale.setdefault(bill.pk, bill)
    return sorted(stale.values(), key=lambda b: (b.unit_id, b.period))


def _carry_forward(
    *, unit_qs: QuerySet, up_to: date, result: BillsGenerateResult
) -> dict[int, Bill]:
    """Put the differences of changed paid bills on each unit's next unpaid bill."""
    sources = stale_locked_bills(unit_qs=unit_qs, up_to=up_to)
    if not sources:
        return {}
    units = {b.unit_id for b in sources}
    unlocked = defaultdict(list)
    for bill in Bill.objects.unlocked().filter(unit_id__in=units).order_by("period"):
        unlocked[bill.unit_id].append(bill)
    rules_cache: dict[date, PeriodRules] = {}
    changed: dict[int, Bill] = {}
    for source in sources:
        target = next((b for b in unlocked[source.unit_id] if b.period > source.period), None)
        rules = rules_cache.get(source.period) or rules_cache.setdefault(
            source.period, period_rules(source.period)
        )
        wanted = _adjustments_wanted(source, target, rules)
        if target is None:
            amount = sum(line.amount for line in wanted)
            if amount or wanted:
                result.pending_adjustments += 1
                result.pending_amount += amount
            continue
        if _replace_adjustments(target=target, source=source, lines=wanted):
            changed[target.pk] = target
    if changed:
        sums = _line_sums(list(changed))
        for bill in changed.values():
            _apply_sums(bill, sums[bill.pk], None)
        _bulk_save(changed.values())
        result.adjusted += len(changed)
    return changed


def _adjustments_wanted(source: Bill, target: Bill | None, rules: PeriodRules) -> list[BillLine]:
    """Lines that bring `source` to what its month's verified roster gives now.

    expected (now) − billed on `source` − adjustments for `source` already on
    other bills, per NIK × programme; zero differences give no line.
    """
    roster_id = (
        Roster.objects.filter(
            unit_id=source.unit_id, period=source.period, status=Roster.Status.VERIFIED
        )
        .values_list("id", flat=True)
        .first()
    )
    expected = {(ln.nik, ln.programme): ln for ln in roster_lines(rules, [roster_id])[roster_id]}
    billed: dict[tuple, BillLine] = {
        (ln.nik, ln.programme): ln for ln in source.lines.filter(kind=BillLine.Kind.CONTRIBUTION)
    }
    carried = defaultdict(int)
    others = BillLine.objects.filter(adjusts=source)
    if target is not None:
        others = others.exclude(bill=target)
    for nik, programme, amount in others.values_list("nik", "programme", "amount"):
        carried[(nik, programme)] += amount
    lines = []
    for key in sorted(set(expected) | set(billed) | set(carried)):
        now = expected.get(key)
        before = billed.get(key)
        difference = (now.amount if now else 0) - (before.amount if before else 0) - carried[key]
        if difference == 0:
            continue
        like = now or before
        lines.append(
            BillLine(
                bill=target,
                kind=BillLine.Kind.ADJUSTMENT,
                adjusts=source,
                worker_id=like.worker_id,
                nik=key[0],
                programme=key[1],
                segment=like.segment,
                wage=now.wage if now else 0,
                rate_id=like.rate_id,
                gross=difference,
                relief=0,
                amount=difference,
            )
        )
    return lines


def _replace_adjustments(*, target: Bill, source: Bill, lines: list[BillLine]) -> bool:
    """Make `target`'s adjustment lines for `source` exactly `lines`; False when already so."""
    current = BillLine.objects.filter(bill=target, adjusts=source)
    have = sorted(current.values_list("nik", "programme", "amount"))
    want = sorted((ln.nik, ln.programme, ln.amount) for ln in lines)
    if have == want:
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

    The roster engineer's `roster_verify` calls this inside its transaction. A
    roster that is not verified changes nothing.
    """
    if roster.status != Roster.Status.VERIFIED:
        return BillsGenerateResult(period=roster.period)
    return bills_generate(period=roster.period, units=[roster.unit_id], by=by)
