"""Reads about bills: paid and unpaid amounts, months late, fines, arrears, full-year payers, forecasts.

Arrears and fines are derived here from bills, allocations and the payment
rules, never stored. Everything starts from `visible_to(user)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.billing import arithmetic as billing
from enrollment.billing.services import period_rules, roster_sums, rules_reader
from enrollment.models import (
    Bill,
    BillPart,
    ContributionRate,
    CoverageSummary,
    PaymentAllocation,
    PaymentRule,
    Roster,
    RosterEntry,
)
from regencies.models import Regency, WorkUnit


def fines_enabled() -> bool:
    """Late fines are a setting (BPJS_LATE_FINES), on unless switched off."""
    return bool(getattr(settings, "BPJS_LATE_FINES", True))


class PaymentRuleBook:
    """All payment rules, read once, to find each part's fine rate without a query per bill."""

    def __init__(self):
        self.rules = list(PaymentRule.objects.all())

    def rule_for(self, period: date, basis: str) -> PaymentRule | None:
        for rule in self.rules:
            if rule.basis in ("", basis) and rule.effective_from <= period:
                if rule.effective_to is None or rule.effective_to >= period:
                    return rule
        return None

    def fine_percent(self, period: date, basis: str) -> Decimal:
        """The monthly fine of a part: its basis's rule; 0 for BPU and when fines are off."""
        if not fines_enabled() or basis not in billing.FINED_BASES:
            return Decimal(0)
        rule = self.rule_for(period, basis)
        return rule.fine_percent if rule else Decimal(0)


@dataclass
class PartStatement:
    """Where one part of a bill (PU or BPU) stands on `as_of`, by its own due date and fine rule."""

    basis: str
    due_date: date
    total: int
    paid: int
    unpaid: int
    status: str
    overdue: bool
    months_late: int
    fine_percent: Decimal
    fine_months: list[billing.FineMonth] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.basis.upper()

    @property
    def fine(self) -> int:
        return sum(m.fine for m in self.fine_months)

    @property
    def status_label(self) -> str:
        return _status_label(self.status, self.overdue)


def _status_label(status: str, overdue: bool) -> str:
    label = Bill.Status(status).label
    return _("%(status)s, menunggak") % {"status": label} if overdue else str(label)


def _part_status(total: int, paid: int) -> str:
    if total <= 0:
        return Bill.Status.NIL
    if paid >= total:
        return Bill.Status.PAID
    return Bill.Status.PARTIAL if paid > 0 else Bill.Status.UNPAID


@dataclass
class BillStatement:
    """Where a bill stands on `as_of`: per part and in sum; fines separately."""

    bill: Bill
    as_of: date
    paid: int
    unpaid: int
    credit: int
    status: str
    parts: list[PartStatement] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(p.overdue for p in self.parts)

    @property
    def months_late(self) -> int:
        return max((p.months_late for p in self.parts), default=0)

    @property
    def fine_months(self) -> list[billing.FineMonth]:
        """The fine for each month late, of every fined part (in practice the PU part)."""
        return [m for p in self.parts for m in p.fine_months]

    @property
    def fine_percent(self) -> Decimal:
        return max((p.fine_percent for p in self.parts), default=Decimal(0))

    @property
    def fine(self) -> int:
        return sum(p.fine for p in self.parts)

    @property
    def status_label(self) -> str:
        return _status_label(self.status, self.overdue)


def split_by_part(parts: list[BillPart], payments: list[tuple[int, date]]) -> list[list]:
    """Which part each payment allocated to a bill settles: the earliest-due part first.

    `payments`: (amount, day) in the order paid. Returns, per part, its (amount, day)
    pieces; what exceeds every part (a credit) is left out.
    """
    pieces: list[list] = [[] for _part in parts]
    room = [max(part.total, 0) for part in parts]
    index = 0
    for amount, day in payments:
        while amount > 0 and index < len(parts):
            take = min(amount, room[index])
            if take:
                pieces[index].append((take, day))
                room[index] -= take
                amount -= take
            if room[index] == 0:
                index += 1
    return pieces


def bill_statement(
    bill: Bill, *, as_of: date | None = None, rules: PaymentRuleBook | None = None
) -> BillStatement:
    """Paid, unpaid, months late and fine of `bill` and of each of its parts on `as_of`.

    Uses `bill.allocations` (prefetch them with their payments for lists).
    Payments made after `as_of` do not count yet. Each part (PU, BPU) is late
    after its own due date and fined by its own basis's rule (BPU: never).
    """
    as_of = as_of or timezone.localdate()
    rules = rules or PaymentRuleBook()
    allocations = sorted(
        (
            (a.payment.paid_on, a.payment_id, a.pk, a.amount)
            for a in bill.allocations.all()
            if a.payment.paid_on <= as_of
        ),
    )
    payments = [(amount, day) for day, _p, _a, amount in allocations]
    paid = sum(amount for amount, _day in payments)
    parts = bill.parts() or [BillPart("pu", bill.due_date, bill.total)]
    statements = []
    for part, pieces in zip(parts, split_by_part(parts, payments), strict=True):
        part_paid = sum(amount for amount, _day in pieces)
        unpaid = max(part.total - part_paid, 0)
        percent = rules.fine_percent(bill.period, part.basis)
        overdue = unpaid > 0 and as_of > part.due_date
        schedule = billing.fine_schedule(
            due_date=part.due_date,
            parts=pieces + ([(unpaid, as_of)] if unpaid else []),
            fine_percent=percent,
        )
        statements.append(
            PartStatement(
                basis=part.basis,
                due_date=part.due_date,
                total=part.total,
                paid=part_paid,
                unpaid=unpaid,
                status=_part_status(part.total, part_paid),
                overdue=overdue,
                months_late=(
                    billing.months_late(due_date=part.due_date, paid_on=as_of) if overdue else 0
                ),
                fine_percent=percent,
                fine_months=schedule if percent else [],
            )
        )
    return BillStatement(
        bill=bill,
        as_of=as_of,
        paid=paid,
        unpaid=max(bill.total - paid, 0),
        credit=max(paid - bill.total, 0),
        status=bill.status_for(paid),
        parts=statements,
    )


def allocations_prefetch() -> Prefetch:
    return Prefetch(
        "allocations", queryset=PaymentAllocation.objects.select_related("payment").order_by("pk")
    )


def bill_statements(bills, *, as_of: date | None = None) -> list[BillStatement]:
    """Statements for many bills with two queries (bills + allocations) and one for the rules."""
    rules = PaymentRuleBook()
    bills = bills.prefetch_related(allocations_prefetch())
    return [bill_statement(b, as_of=as_of, rules=rules) for b in bills]


@dataclass
class FullYearPayers:
    regency: Regency
    year: int
    paid: list[WorkUnit]
    not_paid: list[WorkUnit]

    @property
    def total(self) -> int:
        return len(self.paid) + len(self.not_paid)


def villages_paid_full_year(
    *, user, regency: Regency, year: int, as_of: date | None = None
) -> FullYearPayers:
    """Village units of `regency` whose 12 bills of `year` are all paid in full (e.g. 85 of 159).

    A village counts when it has a bill for every month January–December and
    each is paid in full by `as_of` (default: today), late or not. A month whose
    bill is nil (nothing owed) is not a month paid.
    """
    villages = list(
        WorkUnit.objects.visible_to(user)
        .filter(regency=regency, kind=WorkUnit.Kind.VILLAGE, is_active=True)
        .order_by("code")
    )
    months_paid: dict[int, int] = defaultdict(int)
    bills = Bill.objects.filter(unit__in=villages, period__year=year).with_paid(as_of)
    for unit_id, total, paid in bills.values_list("unit_id", "total", "paid"):
        months_paid[unit_id] += total > 0 and paid >= total
    paid = [v for v in villages if months_paid[v.pk] == 12]
    return FullYearPayers(regency, year, paid, [v for v in villages if months_paid[v.pk] != 12])


# --- budget forecast for next year ----------------------------------------------------

FORECAST_PER_PAGE = 100  # units a page of the forecast (the .xlsx has them all)
PAYER_APBD = "apbd"
PAYER_APBDES = "apbdes"


@dataclass
class ForecastUnit:
    unit: WorkUnit
    roster_period: date
    workers: int
    monthly: int  # what the first month of the year would cost, before growth
    employer: int = 0  # annual, after growth
    worker_deduction: int = 0

    @property
    def payer(self) -> str:
        """The unit's funding source (blank: OPD APBD, village APBDes); sponsor/self: neither budget."""
        return self.unit.payer

    @property
    def apbd(self) -> int:
        return self.employer if self.payer == PAYER_APBD else 0

    @property
    def apbdes(self) -> int:
        return self.employer if self.payer == PAYER_APBDES else 0

    @property
    def annual(self) -> int:
        return self.employer + self.worker_deduction


@dataclass
class ForecastTotals:
    """Sums of a set of forecast units (a regency's, or all of them)."""

    units: int = 0
    workers: int = 0
    monthly: int = 0
    apbd: int = 0
    apbdes: int = 0
    worker_deduction: int = 0
    annual: int = 0

    @classmethod
    def of(cls, rows) -> ForecastTotals:
        totals = cls()
        for row in rows:
            totals.units += row.units if isinstance(row, ForecastTotals) else 1
            for name in ("workers", "monthly", "apbd", "apbdes", "worker_deduction", "annual"):
                setattr(totals, name, getattr(totals, name) + getattr(row, name))
        return totals


@dataclass
class ForecastRegency:
    regency: Regency
    units: list[ForecastUnit]

    @cached_property
    def totals(self) -> ForecastTotals:
        """Summed once (the page shows every regency's sums with one page of units)."""
        return ForecastTotals.of(self.units)

    @property
    def workers(self):
        return self.totals.workers

    @property
    def monthly(self):
        return self.totals.monthly

    @property
    def apbd(self):
        return self.totals.apbd

    @property
    def apbdes(self):
        return self.totals.apbdes

    @property
    def worker_deduction(self):
        return self.totals.worker_deduction

    @property
    def annual(self):
        return self.totals.annual


@dataclass
class BudgetForecast:
    year: int
    growth_percent: Decimal
    wage_change_percent: Decimal
    as_of: date
    regencies: list[ForecastRegency]
    rates: list[ContributionRate]

    @cached_property
    def totals(self) -> ForecastTotals:
        """Every unit's sums, from the regencies' sums."""
        return ForecastTotals.of(r.totals for r in self.regencies)

    @property
    def annual(self) -> int:
        return self.totals.annual

    @property
    def unconfirmed_rates(self) -> list[ContributionRate]:
        return [r for r in self.rates if r.certainty != "confirmed"]

    def units_page(self, *, page=1, order: str = "annual", per_page: int | None = None) -> Page:
        """One page of units: `order` "annual" (largest contribution first: what weighs on the
        budget) or "code" (unit code, so by regency); the sums stay those of every unit."""
        rows = [u for r in self.regencies for u in r.units]
        if order == "code":
            rows.sort(key=lambda u: u.unit.code)
        else:
            rows.sort(key=lambda u: (-u.annual, u.unit.code))
        return Paginator(rows, per_page or FORECAST_PER_PAGE).get_page(page)


def budget_forecast(
    *,
    user,
    year: int,
    regency: Regency | None = None,
    growth_percent: Decimal = Decimal(0),
    wage_change_percent: Decimal = Decimal(0),
    as_of: date | None = None,
) -> BudgetForecast:
    """Next fiscal year's contributions: current verified rosters × the rates in force each month.

    Per unit: its latest verified roster up to `as_of`, wages changed by
    `wage_change_percent`, each month of `year` at the rates in force that month
    (per worker, whole Rupiah, half up), then the year's sum grown by
    `growth_percent` (headcount). Split by who pays: APBD (OPD units), APBDes
    (village units) and the part rate rows deduct from workers. With no growth
    and no wage change it is 12 × the monthly bills when the rates do not change.
    """
    as_of = as_of or timezone.localdate()
    growth = Decimal(growth_percent)
    wage_change = Decimal(wage_change_percent)
    units = WorkUnit.objects.visible_to(user).filter(is_active=True)
    if regency is not None:
        units = units.filter(regency=regency)
    latest = (
        Roster.objects.filter(unit=OuterRef("pk"), status=Roster.Status.VERIFIED, period__lte=as_of)
        .order_by("-period")
        .values("pk")[:1]
    )
    units = list(
        units.annotate(roster_id=Subquery(latest))
        .filter(roster_id__isnull=False)
        .order_by("regency__code", "code")
    )
    # one object per regency, not one per unit (select_related would build 3.000 of them)
    regencies = Regency.objects.in_bulk({u.regency_id for u in units})
    for unit in units:
        unit.regency = regencies[unit.regency_id]
    roster_ids = [u.roster_id for u in units]
    rosters = {
        pk: (period, verified_at)
        for pk, period, verified_at in Roster.objects.filter(pk__in=roster_ids)
        .order_by()  # no join to units for the default ordering
        .values_list("pk", "period", "verified_at")
    }
    periods = {pk: period for pk, (period, _v) in rosters.items()}
    workers = roster_worker_counts(units, periods)
    bills = forecast_bills(roster_ids, rosters)
    bill_rules: dict = {}

    months = [date(year, m, 1) for m in range(1, 13)]
    # the rate rows read once for the year's months and the stored bills' months
    bill_months = {period for found in bills.values() for period, *_rest in found}
    rules_of = rules_reader(min(bill_months | {months[0]}), max(bill_months | {months[-1]}))
    groups: dict[str, list] = {}
    for month in months:
        rules = rules_of(month)
        groups.setdefault(rules.digest, [rules, 0])[1] += 1
    wage_ppm = None if wage_change == 0 else billing.percent_to_ppm(Decimal(100) + wage_change)
    employer = defaultdict(int)
    deduction = defaultdict(int)
    first_month: dict[int, int] = {}
    used_rates: dict[int, ContributionRate] = {}
    for rules, count in groups.values():
        sums = stored_monthly_sums(
            rules, bills, workers, units, wage_ppm=wage_ppm, cache=bill_rules, rules_of=rules_of
        )
        rest = [rid for rid in roster_ids if rid not in sums]
        sums.update(roster_sums(rules, rest, wage_ppm=wage_ppm) if rest else {})
        for roster_id, (amount, worker_part) in sums.items():
            employer[roster_id] += (amount - worker_part) * count
            deduction[roster_id] += worker_part * count
        if rules.period == months[0]:
            first_month = {rid: amount for rid, (amount, _w) in sums.items()}
        for rate in rules.rates:
            used_rates[rate.pk] = rate

    by_regency: dict[int, ForecastRegency] = {}
    for unit in units:
        row = ForecastUnit(
            unit=unit,
            roster_period=periods[unit.roster_id],
            workers=sum(workers.get(unit.roster_id, {}).values()),
            monthly=first_month.get(unit.roster_id, 0),
            employer=billing.percent_of(employer[unit.roster_id], Decimal(100) + growth),
            worker_deduction=billing.percent_of(deduction[unit.roster_id], Decimal(100) + growth),
        )
        by_regency.setdefault(unit.regency_id, ForecastRegency(unit.regency, [])).units.append(row)
    return BudgetForecast(
        year=year,
        growth_percent=growth,
        wage_change_percent=wage_change,
        as_of=as_of,
        regencies=list(by_regency.values()),
        rates=sorted(used_rates.values(), key=lambda r: (r.programme, r.basis, r.risk_class)),
    )


def roster_worker_counts(units, periods: dict[int, date]) -> dict[int, dict[str, int]]:
    """Per roster: its entries per segment. From the coverage summary (unit × month ×
    segment, kept current when a roster is verified) where it has rows for the roster's
    unit and month; counted from the entries for the other rosters."""
    wanted = {(u.pk, periods[u.roster_id]): u.roster_id for u in units}
    counts: dict[int, dict[str, int]] = {}
    if wanted:
        summary = CoverageSummary.objects.filter(
            unit_id__in={unit for unit, _p in wanted},
            period__in={period for _u, period in wanted},
        ).values_list("unit_id", "period", "segment", "on_roster")
        for unit_id, period, segment, n in summary:
            if (unit_id, period) in wanted:
                found = counts.setdefault(wanted[(unit_id, period)], {})
                if n:
                    found[segment] = n
    missing = [rid for rid in wanted.values() if rid not in counts]
    if missing:
        for roster_id, segment, n in (
            RosterEntry.objects.filter(roster_id__in=missing)
            .values("roster_id", "segment")
            .annotate(n=Count("pk"))
            .values_list("roster_id", "segment", "n")
        ):
            counts.setdefault(roster_id, {})[segment] = n
    return counts


def forecast_bills(roster_ids: list[int], rosters: dict) -> dict[int, list[tuple]]:
    """Per roster: (period, rules digest, contribution total, workers billed) of its bills
    computed from the roster as verified now (`roster_verified_at`)."""
    found: dict[int, list[tuple]] = defaultdict(list)
    # a roster's bills latest first (the default ordering without its join to units)
    rows = (
        Bill.objects.filter(roster_id__in=roster_ids)
        .order_by("-period")
        .values_list(
            "roster_id",
            "roster_verified_at",
            "period",
            "rules_digest",
            "contribution_total",
            "worker_count",
        )
    )
    for roster_id, verified_at, *figures in rows:
        if verified_at == rosters[roster_id][1]:
            found[roster_id].append(tuple(figures))
    return found


def _unit_terms(rules, unit: WorkUnit, segments) -> tuple:
    """What decides a unit's monthly amounts in a month's rules: the matrix rows of its risk
    class and payer for the segments on its roster, with the paid-up relief as it applies
    to the unit."""
    terms = []
    for row in rules.matrix:
        if row.risk_class != unit.jkk_risk_class or row.funding_source != unit.payer:
            continue
        if row.segment not in segments:
            continue
        parts = []
        for part in row.parts:
            values = part.sql_values()[1:]  # without the rate's id: the amounts, not the label
            if values[8] and unit.relief_not_eligible:  # paid-up relief, unit not eligible
                values[5], values[8] = billing.PPM, 0
            parts.append(tuple(values))
        terms.append((row.segment, tuple(parts)))
    return tuple(terms)


def _new_participant_rule(rules) -> bool:
    return bool(rules.new_participants_from and rules.relief_in_force)


def stored_monthly_sums(
    rules,
    bills: dict[int, list[tuple]],
    workers: dict[int, int],
    units,
    *,
    wage_ppm,
    cache,
    rules_of=period_rules,
) -> dict[int, tuple[int, int]]:
    """`roster_sums` for the month of `rules`, read from stored bills where they say the same.

    A roster's bill gives the month's amount when wages are not changed and: the bill is
    current (computed from the roster as verified now, with its month's rates and relief:
    its rules digest), the unit's rows of the rates and relief (risk class, payer,
    paid-up eligibility) are the same in both months, neither month has the
    new-participant relief rule (it depends on the month), those rows deduct no share
    from workers (bills do not store it), and every entry of the roster was billed (an
    entry starting after the bill's month counts only later). Other rosters are left
    out, for `roster_sums`. `cache`: period rules per bill month, kept across months;
    `rules_of`: how to read a month's rules (`rules_reader`: rows read once).
    """
    if wage_ppm is not None or _new_participant_rule(rules):
        return {}
    sums: dict[int, tuple[int, int]] = {}
    known: dict[tuple, tuple] = {}  # units alike (risk class, payer, eligibility, segments)

    def terms_of(month_rules, unit, segments):
        key = (
            month_rules.period,
            unit.jkk_risk_class,
            unit.payer,
            unit.relief_not_eligible,
            frozenset(segments),
        )
        if key not in known:
            known[key] = _unit_terms(month_rules, unit, segments)
        return known[key]

    for unit in units:
        roster_id = unit.roster_id
        segments = workers.get(roster_id, {})
        terms = terms_of(rules, unit, segments)
        if any(values[7] for _segment, parts in terms for values in parts):  # worker share
            continue
        for period, bill_digest, amount, billed in bills.get(roster_id, ()):
            if period > rules.period or billed != sum(segments.values()):
                continue
            if period not in cache:
                try:
                    cache[period] = rules_of(period)
                except ValidationError:
                    cache[period] = None
            then = cache[period]
            if (
                then is not None
                and not _new_participant_rule(then)
                and bill_digest == then.digest_for(unit.relief_not_eligible)
                and terms_of(then, unit, segments) == terms
            ):
                sums[roster_id] = (amount, 0)
                break
    return sums


# --- figures for the coverage summary (issue #10) ---------------------------------------


def overdue_unpaid_by_unit(*, unit_ids, as_of: date) -> dict[int, tuple[int, int]]:
    """Per unit: (unpaid contribution in Rp, number of bills) of bills past due on `as_of`.

    The same rule as the arrears page (`arrears.arrears_page`: unpaid on `as_of`, due date
    before it, payments made up to `as_of`), fines excluded, in one aggregate query for
    many units (`unit_ids=None`: every unit): the allocations are summed once per bill
    rather than per bill in a correlated subquery.
    """
    from django.db import connection

    bill, allocation = Bill._meta.db_table, PaymentAllocation._meta.db_table
    payment = PaymentAllocation._meta.get_field("payment").related_model._meta.db_table
    where = ""
    if unit_ids is not None:
        ids = [int(u) for u in unit_ids]
        if not ids:
            return {}
        where = f"AND b.unit_id IN ({','.join(map(str, ids))})"
    sql = f"""
        SELECT b.unit_id, SUM(b.total - COALESCE(p.paid, 0)), COUNT(*)
        FROM {bill} b
        LEFT JOIN (
            SELECT a.bill_id, SUM(a.amount) AS paid
            FROM {allocation} a JOIN {payment} y ON y.id = a.payment_id
            WHERE y.paid_on <= %s GROUP BY a.bill_id
        ) p ON p.bill_id = b.id
        WHERE b.due_date < %s AND b.total > 0 AND COALESCE(p.paid, 0) < b.total {where}
        GROUP BY b.unit_id
    """  # noqa: S608 - table names from _meta, ids are integers, dates are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of, as_of])
        return {unit_id: (int(amount), int(count)) for unit_id, amount, count in cursor.fetchall()}


def bills_paid_on(bills) -> dict[int, date | None]:
    """Per bill id: the day its payments first added up to its total (None: not yet paid)."""
    bills = list(bills)
    totals = {b.pk: b.total for b in bills}
    running: dict[int, int] = defaultdict(int)
    out: dict[int, date | None] = {pk: None for pk in totals}
    allocations = (
        PaymentAllocation.objects.filter(bill_id__in=list(totals))
        .order_by("bill_id", "payment__paid_on", "pk")
        .values_list("bill_id", "amount", "payment__paid_on")
    )
    for bill_id, amount, paid_on in allocations:
        if out[bill_id] is None and totals[bill_id] > 0:
            running[bill_id] += amount
            if running[bill_id] >= totals[bill_id]:
                out[bill_id] = paid_on
    return out


def contribution_estimate(
    *, unit: WorkUnit, period: date, workers: Mapping[tuple[str, int], int]
) -> int:
    """A unit's monthly contribution (JKK + JKM, after relief) for `workers`: how many workers
    billed for the month (TMT not after it) have each (segment, wage).

    The same rule as a bill's lines (per worker and programme, whole Rupiah, half up), so
    equal wages give equal amounts and are computed once; without the first-months-in-full
    exception for participants new since a relief, which needs a verified history: an
    estimate for the roster preview, not a bill.
    """
    rules = period_rules(period)
    terms = {(row.segment, row.risk_class): row.parts for row in rules.matrix}
    total = 0
    for (segment, wage), count in workers.items():
        for part in terms.get((segment, unit.jkk_risk_class), ()):
            rate = part.rate
            if rate is None:
                continue
            gross = billing.contribution_for(
                wage=wage,
                rate=billing.RateTerms(
                    kind=rate.kind,
                    percent=rate.percent,
                    amount=rate.amount,
                    minimum=rate.minimum or 0,
                    maximum=rate.maximum,
                ),
            )
            total += billing.percent_of(gross, Decimal(part.keep_ppm) / 10_000) * count
    return total


# --- one bill's page: its programmes, and a unit's bills still to pay ------------------------


def programme_totals(bill: Bill) -> list[tuple[str, int, int]]:
    """(programme, billed, relief) over the bill's lines, one query: the JKK/JKM split."""
    from django.db.models import Sum

    names = {
        f"{p.lower()}_{part}": Sum(f"{p.lower()}_{part}")
        for p in billing.BILLED_PROGRAMMES
        for part in ("amount", "relief")
    }
    sums = bill.lines.aggregate(**names)
    return [
        (p, sums[f"{p.lower()}_amount"] or 0, sums[f"{p.lower()}_relief"] or 0)
        for p in billing.BILLED_PROGRAMMES
    ]


def unpaid_bills(bills, unit_id):
    """The unit's bills (from a scoped `bills` queryset) not fully paid, oldest first, with `paid`."""
    from django.db.models import F

    return (
        bills.filter(unit_id=unit_id, total__gt=0)
        .with_paid()
        .filter(paid__lt=F("total"))
        .select_related("unit")
        .order_by("period")
    )
