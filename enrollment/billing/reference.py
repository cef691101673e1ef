"""Load contribution rates, reliefs, due-date/fine rules and holidays from fixtures/ (idempotent).

Registered with `regencies.services.register_reference_loader`, so
`manage.py load_reference` (and the test session) loads them with the regions.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enrollment.models import (
    ContributionRate,
    ContributionRelief,
    DatedRule,
    PaymentRule,
    PublicHoliday,
)
from regencies.services import ModelCounts, ReferenceDataError


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _flag(value: str, empty: bool) -> bool:
    """1, ya, true: True; 0, tidak, false: False; empty: `empty`."""
    text = value.lower()
    if text == "":
        return empty
    if text in ("1", "ya", "true", "yes"):
        return True
    if text in ("0", "tidak", "false", "no"):
        return False
    raise ValueError(value)


def _yes(value: str) -> bool:
    return _flag(value, True)


def _no(value: str) -> bool:
    return _flag(value, False)


@dataclass(frozen=True)
class RuleFile:
    name: str
    model: type
    key: tuple[str, ...]  # natural key of a row in the file
    columns: dict[str, object]  # column -> converter


FILES = [
    RuleFile(
        "contribution_rates.csv",
        ContributionRate,
        ("programme", "basis", "risk_class", "effective_from"),
        {
            "programme": str,
            "basis": str,
            "risk_class": str,
            "kind": str,
            "percent": _decimal,
            "amount": _int,
            "minimum": lambda v: int(v or 0),
            "maximum": _int,
            "worker_share_percent": lambda v: Decimal(v or 0),
            "effective_from": _day,
            "effective_to": _day,
            "legal_basis": str,
            "certainty": str,
            "note": str,
        },
    ),
    RuleFile(
        "contribution_reliefs.csv",
        ContributionRelief,
        ("programme", "basis", "funding_source", "effective_from"),
        {
            "programme": str,
            "basis": str,
            "discount_percent": _decimal,
            "effective_from": _day,
            "effective_to": _day,
            "new_participants_from": _day,
            "full_months_for_new": lambda v: int(v or 0),
            "funding_source": str,
            "requires_paid_up": _no,
            "legal_basis": str,
            "certainty": str,
            "note": str,
        },
    ),
    RuleFile(
        "payment_rules.csv",
        PaymentRule,
        ("basis", "effective_from"),
        {
            "basis": str,
            "due_day": int,
            "due_month_offset": int,
            "holiday_shift": str,
            "fine_percent": _decimal,
            "effective_from": _day,
            "effective_to": _day,
            "legal_basis": str,
            "certainty": str,
            "note": str,
        },
    ),
    RuleFile(
        "public_holidays.csv",
        PublicHoliday,
        ("date",),
        {"date": _day, "name": str, "is_holiday": _yes, "certainty": str, "source": str},
    ),
]


def _rows(path: Path, spec: RuleFile, problems: list[str]) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in spec.columns if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(
                _("%(file)s:1: kolom tidak ada: %(cols)s")
                % {"file": spec.name, "cols": ", ".join(missing)}
            )
            return []
        rows = []
        for number, raw in enumerate(reader, start=2):
            values = {}
            for column, convert in spec.columns.items():
                text = (raw[column] or "").strip()
                try:
                    values[column] = convert(text)
                except (ValueError, InvalidOperation):
                    problems.append(
                        _("%(file)s:%(line)s: %(column)s '%(value)s' tidak sah")
                        % {"file": spec.name, "line": number, "column": column, "value": text}
                    )
            rows.append((number, values))
        return rows


def _overlaps_in_file(spec: RuleFile, rows: list[tuple[int, DatedRule]]) -> list[str]:
    """Rows of the file that would be in force together for the same key (blank = every value)."""
    problems = []
    model = spec.model
    for i, (line_a, a) in enumerate(rows):
        for line_b, b in rows[i + 1 :]:
            same_key = all(
                getattr(a, f) == getattr(b, f)
                or (f in model.WILDCARD_FIELDS and (not getattr(a, f) or not getattr(b, f)))
                for f in model.KEY_FIELDS
            )
            a_end, b_end = a.effective_to or date.max, b.effective_to or date.max
            if same_key and a.effective_from <= b_end and b.effective_from <= a_end:
                problems.append(
                    _("%(file)s:%(line)s: periode tumpang tindih dengan baris %(other)s")
                    % {"file": spec.name, "line": line_b, "other": line_a}
                )
    return problems


def _sync_file(directory: Path, spec: RuleFile) -> ModelCounts:
    problems: list[str] = []
    rows = _rows(directory / spec.name, spec, problems)
    if problems:
        raise ReferenceDataError(problems)
    model = spec.model
    existing = {tuple(getattr(o, f) for f in spec.key): o for o in model._default_manager.all()}
    counts = ModelCounts()
    planned: list[tuple[int, object, bool]] = []  # (line, instance, changed)
    for number, values in rows:
        obj = existing.get(tuple(values[f] for f in spec.key))
        if obj is None:
            planned.append((number, model(**values), True))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            planned.append((number, obj, True))
        else:
            planned.append((number, obj, False))
    if issubclass(model, DatedRule):
        problems += _overlaps_in_file(spec, [(n, o) for n, o, _c in planned])
    if problems:
        raise ReferenceDataError(problems)
    # Shorten rows before lengthening others, so a row's clean() never meets a stale neighbour.
    for number, obj, changed in sorted(planned, key=lambda p: p[1].pk is None):
        if not changed:
            counts.unchanged += 1
            continue
        try:
            obj.full_clean()
        except ValidationError as exc:
            problems.append(
                _("%(file)s:%(line)s: %(message)s")
                % {"file": spec.name, "line": number, "message": "; ".join(exc.messages)}
            )
            continue
        created = obj.pk is None
        obj.save()
        counts.created += created
        counts.updated += not created
    if problems:
        raise ReferenceDataError(problems)
    return counts


def contribution_rules_load(directory: Path) -> dict[str, ModelCounts]:
    """Create or update rates, reliefs, payment rules and holidays from `directory` (idempotent).

    Rows are matched by their natural key (programme, basis, risk class and start
    date for a rate); rows added in the admin and not in the files are kept.
    Overlapping periods, inside a file or against the database, are refused and
    nothing is saved (the caller's transaction rolls back). A directory with none
    of these files (a regions-only fixtures copy) loads nothing.
    """
    present = [spec for spec in FILES if (directory / spec.name).exists()]
    if not present:
        return {}
    missing = [spec.name for spec in FILES if spec not in present]
    if missing:
        raise ReferenceDataError(
            [_("%(file)s: berkas tidak ditemukan") % {"file": name} for name in missing]
        )
    return {spec.model._meta.model_name: _sync_file(directory, spec) for spec in FILES}
