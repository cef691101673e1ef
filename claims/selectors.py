"""Reads about claims: the schedule in force, deadlines and lateness, counts per unit.

Enrollment is reached through its selectors only: the membership cover on a
date (`cover_on`, BPU lapse from issue #8, behind `worker_cover_on`), the
unit's arrears on a date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from claims.benefits import LevelTerms, ScheduleTerms, late_compensation, service_deadline
from claims.models import BenefitSchedule, Claim
from enrollment.billing.calendar import add_working_days, holidays_between
from enrollment.billing.lapse import Cover, cover_on
from enrollment.models import FactCertainty, Membership


def schedule_in_force(programme: str, day: date) -> BenefitSchedule | None:
    """The benefit schedule of `programme` in force on `day` (the date of death), or None."""
    return (
        BenefitSchedule.objects.in_force(day)
        .filter(programme=programme)
        .prefetch_related("scholarship_rules")
        .first()
    )


def schedule_terms(schedule: BenefitSchedule) -> ScheduleTerms:
    """A plain copy of a schedule row (with its scholarship levels) for claims/benefits.py."""
    return ScheduleTerms(
        programme=schedule.programme,
        name=schedule.name,
        legal_basis=schedule.legal_basis,
        effective_from=schedule.effective_from,
        lump_sum=schedule.lump_sum,
        periodic_amount=schedule.periodic_amount,
        periodic_months=schedule.periodic_months,
        funeral=schedule.funeral,
        wage_multiplier=schedule.wage_multiplier,
        scholarship_min_months=schedule.scholarship_min_months,
        scholarship_max_children=schedule.scholarship_max_children,
        levels=tuple(
            LevelTerms(r.level, str(r.get_level_display()), r.amount_per_year, r.max_years)
            for r in sorted(schedule.scholarship_rules.all(), key=lambda r: r.order)
        ),
        service_working_days=schedule.service_working_days,
        late_percent_per_day=schedule.late_percent_per_day,
        unconfirmed=schedule.certainty == FactCertainty.UNCONFIRMED,
    )


class ScheduleBook:
    """Every schedule read once, to find each claim's without a query per claim (or the
    `rows` already read: the claim page's own schedule)."""

    def __init__(self, rows: Iterable[BenefitSchedule] | None = None):
        if rows is None:
            rows = BenefitSchedule.objects.prefetch_related("scholarship_rules")
        self.rows = list(rows)

    def in_force(self, programme: str, day: date) -> BenefitSchedule | None:
        for row in self.rows:
            if row.programme == programme and row.effective_from <= day:
                if row.effective_to is None or row.effective_to >= day:
                    return row
        return None


def claim_deadline(claim: Claim, *, book: ScheduleBook | None = None, holidays=None) -> date | None:
    """The day by which the claim must be paid, or None while the checklist is incomplete."""
    if claim.documents_complete_on is None:
        return None
    schedule = (book or ScheduleBook()).in_force(claim.programme, claim.date_of_death)
    if schedule is None:
        return None
    start = claim.documents_complete_on
    if holidays is None:  # one claim: the calendar's own function
        return add_working_days(start, schedule.service_working_days)
    # Many claims: the same rule over holidays read once (claim_deadlines).
    return service_deadline(start, schedule.service_working_days, holidays)


@dataclass(frozen=True)
class ClaimCounts:
    open: int = 0
    paid: int = 0
    late: int = 0


def claim_deadlines(claims: Iterable[Claim]) -> dict[int, date]:
    """Each claim's service-level deadline (claims whose clock has started), in two queries."""
    claims = [c for c in claims if c.documents_complete_on]
    if not claims:
        return {}
    starts = [c.documents_complete_on for c in claims]
    book = ScheduleBook()
    holidays = holidays_between(min(starts), max(starts) + timedelta(days=60))
    deadlines = {}
    for claim in claims:
        deadline = claim_deadline(claim, book=book, holidays=holidays)
        if deadline is not None:
            deadlines[claim.pk] = deadline
    return deadlines


def late_claim_ids(claims: Iterable[Claim], as_of: date) -> set[int]:
    """Pks of the claims (open on `as_of`) whose deadline had passed on `as_of`."""
    return {pk for pk, deadline in claim_deadlines(claims).items() if as_of > deadline}


def claim_counts(*, unit_ids: Iterable[int] | None, as_of: date) -> dict[int, ClaimCounts]:
    """Per work unit id: claims open on `as_of`, paid by `as_of`, and open past their deadline.

    Open = submitted, verified or approved (a claim paid after `as_of` was still
    open then); late = open on `as_of` and `as_of` after its service-level
    deadline. Units without claims are left out. `unit_ids=None`: every unit.
    """
    claims = Claim.objects.filter(reported_on__lte=as_of).exclude(
        status__in=[Claim.Status.DRAFT, Claim.Status.REJECTED]
    )
    if unit_ids is not None:  # ids, or a query of them (kept a subquery)
        claims = claims.filter(
            unit_id__in=unit_ids if isinstance(unit_ids, QuerySet) else list(unit_ids)
        )
    claims = list(
        claims.filter(Q(status__in=Claim.OPEN_STATUSES) | Q(status=Claim.Status.PAID)).only(
            "pk",
            "unit_id",
            "status",
            "paid_on",
            "programme",
            "date_of_death",
            "documents_complete_on",
        )
    )
    open_claims = [
        c
        for c in claims
        if c.status in Claim.OPEN_STATUSES or (c.paid_on is not None and c.paid_on > as_of)
    ]
    late = late_claim_ids(open_claims, as_of)
    tallies: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for claim in claims:
        tally = tallies[claim.unit_id]
        if claim.status == Claim.Status.PAID and claim.paid_on <= as_of:
            tally[1] += 1
        else:
            tally[0] += 1
            tally[2] += claim.pk in late
    return {unit: ClaimCounts(*t) for unit, t in tallies.items()}


_UNREAD = object()


def claim_lateness(claim: Claim, *, cash_total: int, today: date, schedule=_UNREAD):
    """The claim's deadline, days late and the amount owed to the heirs (None: clock not started).

    `schedule`: the schedule in force on the date of death when the caller has read it
    already (`schedule_in_force`), so that it is not read again."""
    if schedule is _UNREAD:
        schedule = schedule_in_force(claim.programme, claim.date_of_death)
    if schedule is None:
        return None
    deadline = claim_deadline(claim, book=ScheduleBook([schedule]))
    if deadline is None:
        return None
    day = claim.paid_on or today
    return late_compensation(
        cash_total=cash_total,
        deadline=deadline,
        day=day,
        percent_per_day=schedule.late_percent_per_day,
    )


# --- cover on the date of death (issue #8's cover_on) -----------------------------------------


def worker_cover_on(worker, day: date) -> Cover:
    """Was `worker` covered on `day`? The one rule of `enrollment.billing.lapse.cover_on`:
    JKK and JKM memberships active on the day, and not a BPU member lapsed through arrears."""
    return cover_on(worker, day)


def last_membership_before(worker, programme: str, day: date) -> Membership | None:
    """The worker's latest membership of `programme` that ended before `day` (for the reason)."""
    return (
        Membership.objects.filter(worker=worker, programme=programme, end__lt=day)
        .select_related("unit")
        .order_by("-end")
        .first()
    )


def contribution_months(worker, *, until: date) -> int:
    """Months of JKM membership up to and including the month of `until`, each month once.

    The rule used for the scholarship's minimum (JKM: 36 months): a month counts
    when a JKM membership of the worker covered any day of it. Months actually
    paid are not checked (unconfirmed which BPJS counts).
    """
    months: set[tuple[int, int]] = set()
    for start, end in Membership.objects.filter(
        worker=worker, programme="JKM", start__lte=until
    ).values_list("start", "end"):
        last = min(end or until, until)
        year, month = start.year, start.month
        while (year, month) <= (last.year, last.month):
            months.add((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return len(months)


def wage_on(worker, unit, day: date) -> int | None:
    """The monthly wage on the unit's verified roster in force on `day` (its month or before)."""
    from enrollment.models import Roster, RosterEntry

    entry = (
        RosterEntry.objects.filter(
            worker=worker,
            roster__unit=unit,
            roster__status=Roster.Status.VERIFIED,
            roster__period__lte=day.replace(day=1),
        )
        .order_by("-roster__period")
        .first()
    )
    return entry.wage if entry else None


@dataclass(frozen=True)
class ArrearsOnDay:
    unpaid: int
    bills: int
    months_late: int
    oldest_period: date | None

    @property
    def flagged(self) -> bool:
        return self.months_late > ARREARS_FLAG_MONTHS


ARREARS_FLAG_MONTHS = 3


def unit_arrears_on(unit, day: date) -> ArrearsOnDay:
    """The unit's unpaid contributions past their due date on `day` (fines excluded)."""
    from enrollment.billing.selectors import bill_statements
    from enrollment.models import Bill

    bills = Bill.objects.filter(unit=unit, due_date__lt=day, total__gt=0)
    late = [s for s in bill_statements(bills, as_of=day) if s.unpaid > 0]
    return ArrearsOnDay(
        unpaid=sum(s.unpaid for s in late),
        bills=len(late),
        months_late=max((s.months_late for s in late), default=0),
        oldest_period=min((s.bill.period for s in late), default=None),
    )
