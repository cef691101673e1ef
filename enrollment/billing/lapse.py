"""BPU inactivity through arrears, and "was this worker covered on day D?" (DOMAIN.md §2, §4).

A BPU (vulnerable worker) membership is never fined for paying late; instead it
lapses. BPJS's exact rule is unconfirmed; this project uses ONE definition, here:

- A BPU month is **unpaid** when the BPU part of the unit's bill for that month is
  not fully paid by the part's due date. Payments allocated to a bill settle its
  parts in due-date order (the BPU part, due the 15th of the month, before the PU
  part), and the payment service allocates to the oldest bill first: the oldest
  part is paid first. A part not fully paid counts as unpaid for all its BPU members.
  A month whose due date has not passed yet is not unpaid (yet).
- After **3 consecutive unpaid months** the unit's BPU members are **inactive from
  the first day of the next month** until the BPU arrears (every BPU part due before
  that day) are paid in full, and **active again from the day of that payment**, not
  retroactively. If the arrears are paid in full before that first day, nothing lapses.
- The unit's BPU members on day D: workers with a JKK or JKM membership through the
  unit active on D who are on a BPU line of the unit's bills from the three months
  that started the lapse up to D's month.

The state is derived from bills and payment allocations, never stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.billing.arithmetic import SEGMENT_BASIS, add_months, month_start
from enrollment.models import Bill, BillLine, Membership, PaymentAllocation, Programme, Worker
from regencies.models import WorkUnit

MONTHS_TO_LAPSE = 3
BPU_SEGMENTS = tuple(segment for segment, basis in SEGMENT_BASIS.items() if basis == "bpu")

Span = tuple[date, date | None]  # [start, end): end None = still inactive


@dataclass(frozen=True)
class BpuMonth:
    """One contribution month's BPU part: when it was due and when it was fully paid."""

    period: date
    due_date: date
    cleared_on: date | None  # the day payments reached the part's total; None: not yet

    def unpaid(self, today: date) -> bool:
        """Not fully paid by its due date (a month not yet due is not unpaid)."""
        if self.cleared_on is None:
            return self.due_date < today
        return self.cleared_on > self.due_date


def inactive_spans(months: Iterable[BpuMonth], *, today: date) -> list[Span]:
    """The rule, as a pure function: the spans [start, end) in which a unit's BPU members lapse.

    `months`: the unit's BPU parts. See the module's docstring for the rule.
    """
    months = sorted(months, key=lambda m: m.period)
    unpaid = {m.period for m in months if m.unpaid(today)}
    starts = sorted(
        add_months(period, 1)
        for period in unpaid
        if all(add_months(period, -k) in unpaid for k in range(1, MONTHS_TO_LAPSE))
    )
    spans: list[Span] = []
    for start in starts:
        if spans and (spans[-1][1] is None or spans[-1][1] > start):
            continue  # already inactive on that day
        end = _arrears_cleared(months, start)
        if end is None:
            spans.append((start, None))
            break
        if end > start:
            spans.append((start, end))
    return spans


def _arrears_cleared(months: list[BpuMonth], start: date) -> date | None:
    """The first day from `start` on which every BPU part due before it is fully paid."""
    candidates = sorted(
        {start} | {m.cleared_on for m in months if m.cleared_on and m.cleared_on > start}
    )
    for day in candidates:
        if all(
            m.cleared_on is not None and m.cleared_on <= day for m in months if m.due_date < day
        ):
            return day
    return None


# --- from the database ----------------------------------------------------------------


def _bpu_months(unit_ids: Iterable[int] | None) -> dict[int, list[BpuMonth]]:
    """Every bill's BPU part per unit, with the day it was fully paid (two queries)."""
    bills = Bill.objects.filter(bases__contains="bpu")
    if unit_ids is not None:
        bills = bills.filter(unit_id__in=list(unit_ids))
    rows = list(
        bills.values_list(
            "pk", "unit_id", "period", "due_date", "pu_total", "pu_due_date", "bpu_total",
            "bpu_due_date", "bases",
        )
    )  # fmt: skip
    allocations = defaultdict(list)
    found = PaymentAllocation.objects.filter(bill_id__in=[row[0] for row in rows])
    for bill_id, amount, paid_on in found.order_by("payment__paid_on", "payment_id").values_list(
        "bill_id", "amount", "payment__paid_on"
    ):
        allocations[bill_id].append((amount, paid_on))
    result: dict[int, list[BpuMonth]] = defaultdict(list)
    for pk, unit_id, period, due, pu_total, pu_due, bpu_total, bpu_due, bases in rows:
        bpu_due = bpu_due or due
        # What must be allocated to the bill before its BPU part is fully paid: the parts
        # due earlier (the oldest first), then the BPU part itself.
        needed = max(bpu_total, 0)
        if "pu" in bases.split(",") and (pu_due or due) < bpu_due:
            needed += max(pu_total, 0)
        cleared_on, paid = (period if needed <= 0 else None), 0
        for amount, paid_on in allocations[pk]:
            if cleared_on is not None:
                break
            paid += amount
            if paid >= needed:
                cleared_on = paid_on
        result[unit_id].append(BpuMonth(period, bpu_due, cleared_on))
    return result


def bpu_inactive_spans(
    unit_ids: Iterable[int] | None = None, *, today: date | None = None
) -> dict[int, list[Span]]:
    """Per work unit id: the spans [start, end) in which its BPU members lapse (end None: still).

    Units that never lapsed are left out. `today` (default: today, WITA) decides which
    months are already past their due date.
    """
    today = today or timezone.localdate()
    spans = {}
    for unit_id, months in _bpu_months(unit_ids).items():
        found = inactive_spans(months, today=today)
        if found:
            spans[unit_id] = found
    return spans


def _span_on(spans: list[Span], day: date) -> Span | None:
    for start, end in spans:
        if start <= day and (end is None or day < end):
            return start, end
    return None


def _active_on(day: date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


def _bpu_member_lines(day: date, starts: dict[int, date]) -> Q:
    """Lines that make a worker a BPU member of a lapsed unit on `day` (unit id → lapse start)."""
    by_start: dict[date, list[int]] = defaultdict(list)
    for unit_id, start in starts.items():
        by_start[start].append(unit_id)
    condition = Q(pk__in=[])
    for start, units in by_start.items():
        condition |= Q(
            bill__unit_id__in=units,
            bill__period__gte=add_months(start, -MONTHS_TO_LAPSE),
            bill__period__lte=month_start(day),
        )
    return condition & Q(kind=BillLine.Kind.CONTRIBUTION, segment__in=BPU_SEGMENTS)


def bpu_inactive_worker_ids(day: date, unit_ids: Iterable[int] | None = None) -> set[int]:
    """Workers whose BPU membership has lapsed through arrears on `day` (set-based)."""
    starts = {}
    for unit_id, spans in bpu_inactive_spans(unit_ids).items():
        span = _span_on(spans, day)
        if span is not None:
            starts[unit_id] = span[0]
    if not starts:
        return set()
    lines = BillLine.objects.filter(
        _bpu_member_lines(day, starts),
        worker_id=OuterRef("worker_id"),
        bill__unit_id=OuterRef("unit_id"),
    )
    return set(
        Membership.objects.filter(_active_on(day), unit_id__in=list(starts))
        .filter(Exists(lines))
        .values_list("worker_id", flat=True)
    )


# --- one worker on one day -----------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """Whether a worker was covered (JKK and JKM active, not lapsed as BPU) on a day, and why not."""

    covered: bool
    jkk: Membership | None
    jkm: Membership | None
    bpu_inactive: bool
    inactive_since: date | None
    reasons: list[str] = field(default_factory=list)
    lapsed_unit: WorkUnit | None = None  # the unit whose BPU arrears lapsed the member


def cover_on(worker: Worker | int, day: date) -> Cover:
    """Was `worker` covered on `day`? Both memberships active and no BPU lapse on that day."""
    worker_id = getattr(worker, "pk", worker)
    active = list(
        Membership.objects.filter(_active_on(day), worker_id=worker_id)
        .select_related("unit")
        .order_by("-start", "-pk")
    )
    jkk = next((m for m in active if m.programme == Programme.JKK), None)
    jkm = next((m for m in active if m.programme == Programme.JKM), None)
    reasons = []
    when = f"{day:%d-%m-%Y}"
    if jkk is None:
        reasons.append(_("Tidak ada kepesertaan JKK yang aktif pada %(day)s.") % {"day": when})
    if jkm is None:
        reasons.append(_("Tidak ada kepesertaan JKM yang aktif pada %(day)s.") % {"day": when})
    units = {m.unit_id: m.unit for m in (jkk, jkm) if m is not None}
    inactive_since = None
    lapsed_unit = None
    for unit_id, spans in bpu_inactive_spans(units).items():
        span = _span_on(spans, day)
        if span is None:
            continue
        member = BillLine.objects.filter(
            _bpu_member_lines(day, {unit_id: span[0]}), worker_id=worker_id
        ).exists()
        if member and (inactive_since is None or span[0] < inactive_since):
            inactive_since, lapsed_unit = span[0], units[unit_id]
    if inactive_since is not None:
        reasons.append(
            _(
                "Kepesertaan BPU tidak aktif sejak %(since)s: iuran BPU unit %(unit)s tidak "
                "dibayar penuh sampai jatuh tempo selama 3 bulan berturut-turut, dan tunggakannya "
                "belum dilunasi pada %(day)s."
            )
            % {"since": f"{inactive_since:%d-%m-%Y}", "unit": lapsed_unit.code, "day": when}
        )
    return Cover(
        covered=jkk is not None and jkm is not None and inactive_since is None,
        jkk=jkk,
        jkm=jkm,
        bpu_inactive=inactive_since is not None,
        inactive_since=inactive_since,
        reasons=reasons,
        lapsed_unit=lapsed_unit,
    )


# --- what the admin pages show ---------------------------------------------------------------


def unit_bpu_state(unit_id: int, day: date) -> str:
    """One line for the work unit page: are its BPU members lapsed on `day`?"""
    spans = bpu_inactive_spans([unit_id]).get(unit_id, [])
    span = _span_on(spans, day)
    if span is not None:
        return _(
            "Peserta BPU unit ini tidak aktif sejak %(since)s: iuran BPU menunggak 3 bulan "
            "berturut-turut dan belum dilunasi."
        ) % {"since": f"{span[0]:%d-%m-%Y}"}
    if not Bill.objects.filter(unit_id=unit_id, bases__contains="bpu").exists():
        return _("Tidak ada peserta BPU.")
    if spans:
        last = spans[-1]
        return _("Peserta BPU aktif (pernah tidak aktif %(start)s – %(end)s).") % {
            "start": f"{last[0]:%d-%m-%Y}",
            "end": f"{last[1] - timedelta(days=1):%d-%m-%Y}",
        }
    return _("Peserta BPU aktif.")


def cover_summary(worker: Worker | int, day: date, *, user=None) -> str:
    """One line for the worker and membership pages: covered on `day`, or why not.

    With `user`, a lapse through a unit outside the user's scope is told without its code.
    """
    cover = cover_on(worker, day)
    if cover.covered:
        return _("Terlindungi JKK dan JKM pada %(day)s.") % {"day": f"{day:%d-%m-%Y}"}
    reasons = cover.reasons
    unit = cover.lapsed_unit
    if user is not None and unit is not None:
        if not WorkUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
            reasons = [r for r in reasons if unit.code not in r] + [
                _(
                    "Kepesertaan BPU tidak aktif sejak %(since)s karena tunggakan iuran BPU "
                    "unit kerja lain."
                )
                % {"since": f"{cover.inactive_since:%d-%m-%Y}"}
            ]
    return " ".join(reasons)
