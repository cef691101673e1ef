"""Reads with rules: a roster's monthly changes (mutasi) and its double enrolments."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from enrollment.models import Roster
from enrollment.services import bulk

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
        return "; ".join(
            f"{FIELD_LABELS[name]}: {_shown(old)} → {_shown(new)}"
            for name, (old, new) in self.fields.items()
        )


def _shown(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
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

    With `by`, the other units are named as `by` may read them (a treasurer: only
    units in scope by name, enrollment.services.import_scope).
    """
    from enrollment.services.import_scope import unit_namer

    name_units = unit_namer(by) if by is not None else list
    rows = bulk.fetch_roster_rows(roster.pk)
    others = bulk.fetch_other_rosters(period=roster.period, unit_id=roster.unit_id, niks=list(rows))
    return [
        DoubleEnrolmentLine(nik, rows[nik].name, rows[nik].row, tuple(name_units(units)))
        for nik, units in sorted(others.items(), key=lambda item: rows[item[0]].row)
    ]
