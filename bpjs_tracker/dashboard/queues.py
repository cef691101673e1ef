"""Start-page lists: branch staff's work queues and a treasurer's month (reads only)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connections, router
from django.db.models import BigIntegerField, Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from bpjs_tracker.dashboard import interfaces
from bpjs_tracker.dashboard.addresses import INT_PK, ChangeUrls, address
from bpjs_tracker.roles import scope_for
from enrollment.models import (
    Bill,
    DoubleEnrolmentResolution,
    Membership,
    Roster,
    UnitMonthSummary,
    Worker,
)
from regencies.models import WorkUnit

QUEUE_LENGTH = 15
ARREARS_MONTHS = 3
CANDIDATES_IN_LIST = 5000  # beyond this many, the scoped query runs without the short list


def _active_jkk(today: date) -> Q:
    return Q(programme="JKK", start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))


def _doubles_version() -> tuple:
    """The largest membership id, membership history id and resolution id, and the number of
    resolutions, in one query: as three ORM aggregates they cost 2 ms of CPU a page, most of
    it building the SQL. Each maximum is read from its primary key's index."""
    history = Membership.history.model
    parts = [
        (Membership, Membership._meta.pk.column, "MAX"),
        (history, history._meta.pk.column, "MAX"),
        (DoubleEnrolmentResolution, DoubleEnrolmentResolution._meta.pk.column, "MAX"),
        (DoubleEnrolmentResolution, DoubleEnrolmentResolution._meta.pk.column, "COUNT"),
    ]
    connection = connections[router.db_for_read(Membership)]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(  # noqa: S608 - names from the models' metadata, quoted
        f"(SELECT {function}({quote(column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model, column, function in parts
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def double_candidates(today: date) -> list[int]:
    """Workers with an active JKK membership in two or more units, not yet resolved, in the
    whole province: the short list the branch queues narrow to each user's scope.

    Finding them means grouping every active membership by worker (about 1 s at 1.000.000
    workers; a branch's start page did it on every visit: 2,4 s). Doubles change only when
    memberships or resolutions do, and each such write adds a row (memberships and their
    history, resolutions) or the day changes, so the list is kept in the cache under those
    maxima and recomputed after any change."""
    key = "queues:double-candidates:" + ":".join(str(v) for v in (today, *_doubles_version()))
    try:
        candidates = cache.get(key)
    except RedisError:  # a shared cache that is down (DJANGO_CACHE_URL): compute, as without one
        candidates = None
    if candidates is None:
        candidates = list(
            Membership.objects.filter(_active_jkk(today))
            .exclude(worker__double_resolutions__isnull=False)
            .values("worker_id")
            .annotate(low=Min("unit_id"), high=Max("unit_id"))  # two units: min < max (hashable)
            .filter(low__lt=F("high"))
            .values_list("worker_id", flat=True)
        )
        with suppress(RedisError):
            cache.set(key, candidates, 24 * 3600)
    return candidates


@dataclass
class WaitingRoster:
    roster: Roster
    days: int
    url: str = ""  # the roster's admin page


def branch_queues(*, user, today: date) -> dict:
    """Rosters waiting (oldest first), double enrolments, units > 3 months in arrears, follow-ups
    overdue and agreements expiring, each at most QUEUE_LENGTH long, as `user` may see them."""
    from mou.models import Agreement
    from mou.selectors import follow_ups_overdue

    waiting = list(
        Roster.objects.visible_to(user)
        .filter(status=Roster.Status.SUBMITTED)
        .select_related("unit")
        .order_by("created_at")[:QUEUE_LENGTH]
    )
    month = today.replace(day=1)
    active = _active_jkk(today)
    candidates = double_candidates(today)
    doubles = []
    if candidates:
        scoped = Membership.objects.visible_to(user).filter(active)
        if len(candidates) <= CANDIDATES_IN_LIST:
            scoped = scoped.filter(worker_id__in=candidates)
        doubles = list(
            scoped.exclude(worker__double_resolutions__isnull=False)  # open = not resolved
            .values("worker_id", "worker__nik", "worker__name")
            .annotate(units=Count("unit", distinct=True))  # units in this user's scope
            .filter(units__gt=1)
            .order_by("worker__name")[:QUEUE_LENGTH]
        )
    units_of: dict[int, list] = {}
    for worker_id, unit_id, code in (
        Membership.objects.filter(
            active, programme="JKK", worker_id__in=[d["worker_id"] for d in doubles]
        )
        .values_list("worker_id", "unit_id", "unit__code")
        .order_by("unit__code")
    ):
        units_of.setdefault(worker_id, []).append((unit_id, code))
    for double in doubles:
        double["unit_choices"] = units_of.get(double["worker_id"], [])
    in_arrears = list(
        UnitMonthSummary.objects.visible_to(user)
        .filter(period=month, arrears_bills__gt=ARREARS_MONTHS)
        .select_related("unit")
        .order_by("-arrears")[:QUEUE_LENGTH]
    )
    follow_ups = list(follow_ups_overdue(user=user, today=today)[:QUEUE_LENGTH])
    expiring = list(
        Agreement.objects.visible_to(user)
        .expiring_within(90, today)
        .select_related("regency")
        .order_by("valid_until")[:QUEUE_LENGTH]
    )
    # Each list's addresses resolved once (the lists wrote a `{% url %}` per line).
    roster_url = ChangeUrls("enrollment_roster")
    if doubles:  # an <int:worker_id> address: a number stands in for the id
        resolve = address("admin:dashboard_double_resolve", INT_PK).split(f"/{INT_PK}/")
        for double in doubles:
            double["resolve_url"] = f"/{double['worker_id']}/".join(resolve)
    follow_up_url, agreement_url = ChangeUrls("mou_followup"), ChangeUrls("mou_agreement")
    return {
        # Days in WITA: a roster sent at 00:30 WITA is still yesterday in UTC.
        "waiting": [
            WaitingRoster(r, (today - timezone.localdate(r.created_at)).days, roster_url(r.pk))
            for r in waiting
        ],
        "doubles": doubles,
        "arrears": in_arrears,
        "follow_ups": follow_ups,
        "follow_up_urls": [(f, follow_up_url(f.pk)) for f in follow_ups],
        "expiring": expiring,
        "expiring_urls": [(a, agreement_url(a.pk)) for a in expiring],
        "memberships_url": address("admin:enrollment_membership_changelist"),
        "bills_url": address("admin:enrollment_bill_changelist"),
    }


@dataclass
class UnitMonth:
    unit: WorkUnit
    roster: Roster | None
    roster_url: str = ""  # the roster's admin page


@dataclass
class ReturnedRoster:
    """A roster branch staff sent back: its reason, and the upload page prefilled to fix it."""

    roster: Roster
    fix_url: str
    roster_url: str = ""  # the returned roster's admin page


def upload_url(unit_id: int, period: date) -> str:
    """The roster upload page with the unit and the month already chosen."""
    query = urlencode({"unit": unit_id, "period": f"{period:%Y-%m}"})
    return address("admin:enrollment_roster_upload") + "?" + query


@dataclass
class TreasurerStart:
    period: date
    units: list[UnitMonth]
    returned: list[ReturnedRoster] = field(default_factory=list)  # any month, oldest first
    unpaid: list = field(default_factory=list)  # BillStatement, unpaid > 0
    unpaid_urls: list = field(default_factory=list)  # (BillStatement, its bill's admin page)
    lapsed: list[Worker] = field(default_factory=list)
    drop: list = field(default_factory=list)  # (worker, unit) to leave off the next roster
    next_label: str = ""
    next_url: str = ""


def treasurer_start(*, user, today: date, units: list[WorkUnit] | None = None) -> TreasurerStart:
    """This month's roster per unit, rosters returned (any month, with the reason and a link to
    fix them), unpaid bills, lapsed people, next task."""
    from enrollment.billing.selectors import (
        PaymentRuleBook,
        allocations_prefetch,
        bill_statement,
    )

    period = today.replace(day=1)
    scope = scope_for(user)
    roster_url = ChangeUrls("enrollment_roster")
    if units is None:  # the user's units by code (the start page passes those it has read)
        units = list(WorkUnit.objects.visible_to(user).order_by("code"))
    # This month's rosters and the returned ones (any month) in one query: a treasurer's
    # units are few, and so are their returned rosters.
    rosters = list(
        Roster.objects.visible_to(user)
        .filter(Q(period=period) | Q(status=Roster.Status.RETURNED))
        .select_related("unit")
        .order_by("period", "unit__code", "pk")
    )
    this_month = {r.unit_id: r for r in rosters if r.period == period}
    start = TreasurerStart(
        period,
        [
            UnitMonth(u, r, roster_url(r.pk) if r else "")
            for u in units
            for r in [this_month.get(u.pk)]
        ],
    )
    start.returned = [
        ReturnedRoster(r, upload_url(r.unit_id, r.period), roster_url(r.pk))
        for r in rosters
        if r.status == Roster.Status.RETURNED
    ][:QUEUE_LENGTH]
    # Only the bills not fully paid by today are read and stated: every bill of every past
    # month was stated to list none (two queries and a dozen statements a visit).
    settled = Coalesce(
        Sum("allocations__amount", filter=Q(allocations__payment__paid_on__lte=today)),
        Value(0),
        output_field=BigIntegerField(),
    )
    open_bills = (
        Bill.objects.visible_to(user)
        .filter(total__gt=0)
        .alias(settled=settled)
        .filter(settled__lt=F("total"))
        .values("pk")
    )
    bills = list(
        Bill.objects.filter(pk__in=open_bills)
        .select_related("unit")
        .prefetch_related(allocations_prefetch())
        .order_by("period")
    )
    if bills:
        rules = PaymentRuleBook()
        statements = [bill_statement(b, as_of=today, rules=rules) for b in bills]
        start.unpaid = [s for s in statements if s.unpaid > 0]
    if start.unpaid:
        bill_url = ChangeUrls("enrollment_bill")
        start.unpaid_urls = [(s, bill_url(s.bill.pk)) for s in start.unpaid]
    lapsed = interfaces.bpu_inactive_worker_ids(today, sorted(scope.unit_ids or []))
    if lapsed:
        start.lapsed = list(Worker.objects.filter(pk__in=lapsed).order_by("name")[:50])
    mine = sorted(scope.unit_ids or [])
    kept_elsewhere = (
        DoubleEnrolmentResolution.objects.filter(decision="keep")
        .exclude(keep_unit_id__in=mine)
        .filter(
            worker__memberships__unit_id__in=mine,
            worker__memberships__end__isnull=True,
        )
        .select_related("worker", "keep_unit")
        .distinct()
    )
    start.drop = list(kept_elsewhere[:50])
    missing = next((m for m in start.units if m.roster is None), None)
    if start.returned:
        returned = start.returned[0]
        start.next_label = _("Perbaiki roster %(unit)s yang dikembalikan") % {
            "unit": returned.roster.unit.code
        }
        start.next_url = returned.fix_url
    elif missing:
        start.next_label = _("Unggah roster %(unit)s bulan ini") % {"unit": missing.unit.code}
        start.next_url = upload_url(missing.unit.pk, period)
    elif start.unpaid:
        start.next_label = _("Catat pembayaran tagihan %(bill)s") % {"bill": start.unpaid[0].bill}
        start.next_url = address("admin:enrollment_payment_add")
    else:
        start.next_label = _("Semua beres bulan ini: lihat roster")
        start.next_url = address("admin:enrollment_roster_changelist")
    return start
