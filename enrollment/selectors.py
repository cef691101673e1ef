"""Reads with rules: a roster's monthly changes (mutasi) and its double enrolments."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.money import format_rupiah
from enrollment.models import Membership, Roster, RosterEntry, Sex
from enrollment.services import bulk
from regencies.models import Segment

CHANGE_KINDS = {
    "joined": _("Masuk"),
    "left": _("Keluar"),
    "changed": _("Berubah"),
}
FIELD_LABELS = {
    "name": _("Nama"),
    "birth_date": _("Tanggal lahir"),
    "sex": _("Jenis kelamin"),
    "position": _("Jabatan"),
    "segment": _("Kategori"),
    "wage": _("Upah"),
    "start_date": _("TMT"),
    "kpj": _("KPJ"),
}
MUTASI_FIELDS = ("name", "birth_date", "sex", "position", "segment", "wage", "start_date", "kpj")


@dataclass(slots=True)
class Mutation:
    """One line of the monthly changes: who joined, left or changed, and what changed."""

    kind: str  # "joined" | "left" | "changed"
    nik: str
    name: str
    position: str
    wage: int | None
    old_wage: int | None = None
    old_position: str | None = None
    fields: dict = field(default_factory=dict)  # field -> (old, new)

    @property
    def kind_label(self) -> str:
        return str(CHANGE_KINDS[self.kind])

    @property
    def description(self) -> str:
        return describe_changes(self.fields)


def describe_changes(fields: dict) -> str:
    """`{"wage": (2500000, 2700000)}` → "Upah: Rp 2.500.000 → Rp 2.700.000" (the labels in
    the active language). Values may be as stored or as the preview keeps them (strings)."""
    return "; ".join(
        f"{FIELD_LABELS.get(name, name)}: {shown_value(name, old)} → {shown_value(name, new)}"
        for name, (old, new) in fields.items()
    )


def shown_value(name: str, value) -> str:
    """One roster field's value as a person reads it: money, dates, sexes and segments."""
    if value in (None, ""):
        return "–"
    if name == "wage":
        return format_rupiah(int(value))
    if name in ("birth_date", "start_date"):
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return day.strftime("%d-%m-%Y")
    if name == "sex":
        return str(dict(Sex.choices).get(value, value))
    if name == "segment":
        return str(dict(Segment.choices).get(value, value))
    return str(value)


@dataclass
class RosterChanges:
    roster: Roster
    previous: Roster | None
    lines: list[Mutation]

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    @property
    def joined(self) -> int:
        return self.count("joined")

    @property
    def left(self) -> int:
        return self.count("left")

    @property
    def changed(self) -> int:
        return self.count("changed")


def roster_changes(*, roster: Roster) -> RosterChanges:
    """Who joined, left, or changed (wage, position, ...) since the unit's previous roster."""
    previous = (
        Roster.objects.filter(unit_id=roster.unit_id, period__lt=roster.period)
        .order_by("-period")
        .first()
    )
    now = bulk.fetch_roster_rows(roster.pk)
    before = bulk.fetch_roster_rows(previous.pk) if previous else {}
    lines = []
    for nik, row in sorted(now.items(), key=lambda item: item[1].row):
        old = before.get(nik)
        if old is None:
            lines.append(Mutation("joined", nik, row.name, row.position, row.wage))
            continue
        changed = {
            f: (getattr(old, f), getattr(row, f))
            for f in MUTASI_FIELDS
            if getattr(old, f) != getattr(row, f)
        }
        if changed:
            lines.append(
                Mutation(
                    "changed",
                    nik,
                    row.name,
                    row.position,
                    row.wage,
                    old_wage=old.wage,
                    old_position=old.position,
                    fields=changed,
                )
            )
    for nik, old in sorted(before.items(), key=lambda item: item[1].row):
        if nik not in now:
            lines.append(Mutation("left", nik, old.name, old.position, None, old_wage=old.wage))
    return RosterChanges(roster=roster, previous=previous, lines=lines)


@dataclass(frozen=True)
class DoubleEnrolmentLine:
    nik: str
    name: str
    row: int
    units: tuple  # ((code, name), ...) of the other units' rosters of the same month


def roster_double_enrolments(*, roster: Roster, by=None) -> list[DoubleEnrolmentLine]:
    """Workers of `roster` who are also on another unit's roster of the same month.

    One join from this roster's entries to the same workers' other entries (the
    worker index), so a 20,000-row roster's page reads only the doubles, not
    every row of the month (issue #13). With `by`, the other units are named as `by` may
    read them (a treasurer: only units in scope by name, enrollment.services.import_scope).
    """
    from enrollment.services.import_scope import unit_namer

    name_units = unit_namer(by) if by is not None else list
    others: dict[int, list] = {}
    elsewhere = (
        RosterEntry.objects.filter(roster__period=roster.period)
        .exclude(roster__unit_id=roster.unit_id)
        .filter(worker_id__in=RosterEntry.objects.filter(roster=roster).values("worker_id"))
    )
    for worker_id, code, name in elsewhere.values_list(
        "worker_id", "roster__unit__code", "roster__unit__name"
    ):
        others.setdefault(worker_id, []).append((code, name))
    if not others:
        return []
    rows = (
        RosterEntry.objects.filter(roster=roster, worker_id__in=elsewhere.values("worker_id"))
        .order_by("row_number")
        .values_list("worker_id", "worker__nik", "worker__name", "row_number")
    )
    return [
        DoubleEnrolmentLine(nik, name, row, tuple(name_units(sorted(others[worker_id]))))
        for worker_id, nik, name, row in rows
    ]


@dataclass(frozen=True)
class VerifyEffect:
    """What verifying a roster would do, in people: whose cover starts, whose ends."""

    workers_starting: int
    workers_ending: int


def roster_verify_effect(*, roster: Roster) -> VerifyEffect:
    """Count the people whose JKK + JKM cover verifying `roster` would start and end (read only).

    The same rule as `memberships_sync`: a worker on the roster missing an open membership
    through the unit starts; an open member absent from it, who joined before its month, ends.
    Two counting queries, whatever the roster's size.
    """
    from enrollment.services.memberships import ROSTER_PROGRAMMES

    on_roster = RosterEntry.objects.filter(roster=roster)
    open_here = Membership.objects.filter(
        unit_id=roster.unit_id, end__isnull=True, programme__in=ROSTER_PROGRAMMES
    )
    fully_open = (
        open_here.values("worker_id")
        .annotate(programmes=Count("programme", distinct=True))
        .filter(programmes=len(ROSTER_PROGRAMMES))
        .values("worker_id")
    )
    starting = on_roster.exclude(worker_id__in=fully_open).count()
    ending = (
        open_here.filter(start__lt=roster.period)
        .exclude(worker_id__in=on_roster.values("worker_id"))
        .values("worker_id")
        .distinct()
        .count()
    )
    return VerifyEffect(workers_starting=starting, workers_ending=ending)
