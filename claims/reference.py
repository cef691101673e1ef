"""Load the death-benefit schedules and their scholarship rules from fixtures/ (idempotent).

`benefit_schedules.csv`: one row per programme and period (dated, legal basis,
certainty), loaded with the contribution rules' machinery (same checks: natural
key, overlapping periods refused). `scholarship_rules.csv`: the school levels of
each schedule, keyed by (programme, schedule start, level). Registered with
`regencies.services.register_reference_loader` from ClaimsConfig.ready().
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from claims.models import BenefitSchedule, ScholarshipRule
from enrollment.billing.reference import RuleFile, _day, _int, _sync_file
from regencies.services import ModelCounts, ReferenceDataError

SCHEDULES = RuleFile(
    "benefit_schedules.csv",
    BenefitSchedule,
    ("programme", "effective_from"),
    {
        "programme": str,
        "name": str,
        "effective_from": _day,
        "effective_to": _day,
        "lump_sum": int,
        "wage_multiplier": _int,
        "periodic_amount": int,
        "periodic_months": int,
        "funeral": int,
        "scholarship_min_months": _int,
        "scholarship_max_children": int,
        "service_working_days": int,
        "late_percent_per_day": Decimal,
        "claim_lapse_years": _int,
        "legal_basis": str,
        "certainty": str,
        "note": str,
    },
)
SCHOLARSHIP_FILE = "scholarship_rules.csv"
SCHOLARSHIP_COLUMNS = [
    "programme",
    "schedule_from",
    "level",
    "order",
    "amount_per_year",
    "max_years",
]


def _sync_scholarships(directory: Path) -> ModelCounts:
    path = directory / SCHOLARSHIP_FILE
    schedules = {(s.programme, s.effective_from): s for s in BenefitSchedule.objects.all()}
    existing = {(r.schedule_id, r.level): r for r in ScholarshipRule.objects.all()}
    counts, problems = ModelCounts(), []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in SCHOLARSHIP_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(
                [
                    _("%(file)s:1: kolom tidak ada: %(cols)s")
                    % {"file": SCHOLARSHIP_FILE, "cols": ", ".join(missing)}
                ]
            )
        for number, raw in enumerate(reader, start=2):
            where = f"{SCHOLARSHIP_FILE}:{number}"
            try:
                key = (raw["programme"].strip(), _day(raw["schedule_from"].strip()))
                values = {
                    "order": int(raw["order"]),
                    "amount_per_year": int(raw["amount_per_year"]),
                    "max_years": int(raw["max_years"]),
                }
            except ValueError:
                problems.append(_("%(where)s: angka atau tanggal tidak sah") % {"where": where})
                continue
            schedule = schedules.get(key)
            if schedule is None:
                problems.append(
                    _("%(where)s: tidak ada jadwal %(programme)s yang mulai %(start)s")
                    % {"where": where, "programme": key[0], "start": key[1]}
                )
                continue
            level = raw["level"].strip()
            obj = existing.get((schedule.pk, level))
            if obj is not None and all(getattr(obj, k) == v for k, v in values.items()):
                counts.unchanged += 1
                continue
            created = obj is None
            obj = obj or ScholarshipRule(schedule=schedule, level=level)
            for name, value in values.items():
                setattr(obj, name, value)
            try:
                obj.full_clean()
            except ValidationError as exc:
                problems.append(f"{where}: {'; '.join(exc.messages)}")
                continue
            obj.save()
            counts.created += created
            counts.updated += not created
    if problems:
        raise ReferenceDataError(problems)
    return counts


def benefit_schedules_load(directory: Path) -> dict[str, ModelCounts]:
    """Create or update benefit schedules and scholarship rules from `directory` (idempotent).

    A directory without `benefit_schedules.csv` (a regions-only copy) loads nothing.
    """
    if not (directory / SCHEDULES.name).exists():
        return {}
    counts = {"benefitschedule": _sync_file(directory, SCHEDULES)}
    if (directory / SCHOLARSHIP_FILE).exists():
        counts["scholarshiprule"] = _sync_scholarships(directory)
    return counts
