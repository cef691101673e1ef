"""Writes for reference data: load or refresh regions and branch offices from fixtures/."""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from regencies import codes
from regencies.models import (
    BranchAssignment,
    BranchOffice,
    Certainty,
    District,
    Province,
    Regency,
    Village,
)

PROVINCE_CODE = "74"
PROVINCE_NAME = "Sulawesi Tenggara"


def default_fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


@dataclass
class ModelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ReferenceLoadResult:
    counts: dict[str, ModelCounts] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


class ReferenceDataError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _read_csv(path: Path, columns: list[str]) -> list[tuple[int, dict]]:
    """Rows with their line numbers (header = line 1); raises on missing columns."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(
                [
                    _("%(file)s:1: kolom tidak ada: %(cols)s")
                    % {"file": path.name, "cols": ", ".join(missing)}
                ]
            )
        return [(number, row) for number, row in enumerate(reader, start=2)]


def _check(problems, where, fn, *args):
    try:
        return fn(*args)
    except ValidationError as exc:
        problems.append(f"{where}: {exc.messages[0]}")
        return None


def validate_regions(regencies, districts, villages) -> list[str]:
    """Every code well formed, under its parent, of the kind its number says."""
    problems: list[str] = []
    regency_codes, district_codes = set(), set()
    for number, row in regencies:
        where = f"regencies.csv:{number}"
        code = _check(problems, where, codes.validate_code, row["code"], "regency")
        if code is None:
            continue
        if not code.startswith(PROVINCE_CODE + "."):
            problems.append(
                f"{where}: "
                + _("kabupaten/kota %(code)s bukan bagian provinsi %(p)s")
                % {"code": code, "p": PROVINCE_CODE}
            )
        if row["type"] != codes.regency_kind(code):
            problems.append(
                f"{where}: "
                + _(
                    "jenis '%(type)s' tidak cocok dengan kode %(code)s (01-69 kabupaten, 71-99 kota)"
                )
                % {"type": row["type"], "code": code}
            )
        regency_codes.add(code)
    for number, row in districts:
        where = f"districts.csv:{number}"
        code = _check(problems, where, codes.validate_code, row["code"], "district")
        if code is None:
            continue
        if row["regency_code"] not in regency_codes:
            problems.append(
                f"{where}: "
                + _("kecamatan %(code)s berada di bawah kabupaten/kota %(parent)s yang tidak ada")
                % {"code": code, "parent": row["regency_code"]}
            )
        elif codes.parent_code(code) != row["regency_code"]:
            problems.append(
                f"{where}: "
                + _("kode %(code)s tidak diawali kode kabupaten/kotanya %(parent)s")
                % {"code": code, "parent": row["regency_code"]}
            )
        district_codes.add(code)
    for number, row in villages:
        where = f"villages.csv:{number}"
        code = _check(problems, where, codes.validate_code, row["code"], "village")
        if code is None:
            continue
        if row["district_code"] not in district_codes:
            problems.append(
                f"{where}: "
                + _("desa/kelurahan %(code)s berada di bawah kecamatan %(parent)s yang tidak ada")
                % {"code": code, "parent": row["district_code"]}
            )
        elif codes.parent_code(code) != row["district_code"]:
            problems.append(
                f"{where}: "
                + _("kode %(code)s tidak diawali kode kecamatannya %(parent)s")
                % {"code": code, "parent": row["district_code"]}
            )
        if row["type"] != codes.village_kind(code):
            problems.append(
                f"{where}: "
                + _("jenis '%(type)s' tidak cocok dengan kode %(code)s (1xxx kelurahan, 2xxx desa)")
                % {"type": row["type"], "code": code}
            )
    return problems


def _sync(model, wanted: dict[str, dict], fields: list[str]) -> ModelCounts:
    """Create rows whose code is new and update rows whose fields differ (with history)."""
    counts = ModelCounts()
    existing = {obj.code: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for code, values in wanted.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(code=code, **values))
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            to_update.append(obj)
        else:
            counts.unchanged += 1
    if to_create:
        bulk_create_with_history(to_create, model, batch_size=500)
    if to_update:
        bulk_update_with_history(to_update, model, fields, batch_size=500)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _sync_regions(regencies, districts, villages, result: ReferenceLoadResult) -> None:
    province = Province.objects.filter(code=PROVINCE_CODE).first()
    if province is None:
        province = Province(code=PROVINCE_CODE, name=PROVINCE_NAME)
        bulk_create_with_history([province], Province)
        province = Province.objects.get(code=PROVINCE_CODE)
        result.counts["province"] = ModelCounts(created=1)
    else:
        result.counts["province"] = ModelCounts(unchanged=1)
    result.counts["regency"] = _sync(
        Regency,
        {
            r["code"]: {"name": r["name"], "kind": r["type"], "province_id": province.pk}
            for _n, r in regencies
        },
        ["name", "kind", "province_id"],
    )
    regency_ids = dict(Regency.objects.values_list("code", "pk"))
    result.counts["district"] = _sync(
        District,
        {
            d["code"]: {"name": d["name"], "regency_id": regency_ids[d["regency_code"]]}
            for _n, d in districts
        },
        ["name", "regency_id"],
    )
    district_ids = dict(District.objects.values_list("code", "pk"))
    result.counts["village"] = _sync(
        Village,
        {
            v["code"]: {
                "name": v["name"],
                "kind": v["type"],
                "district_id": district_ids[v["district_code"]],
            }
            for _n, v in villages
        },
        ["name", "kind", "district_id"],
    )


def _parse_day(value: str, where: str, problems: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(
            f"{where}: " + _("tanggal '%(value)s' tidak sah, gunakan YYYY-MM-DD") % {"value": value}
        )
        return None


def _sync_branches(directory: Path, result: ReferenceLoadResult) -> None:
    offices = _read_csv(
        directory / "branch_offices.csv",
        ["short_name", "name", "level", "parent", "village_code", "certainty", "source"],
    )
    assignments = _read_csv(
        directory / "branch_assignments.csv",
        ["branch", "regency_code", "valid_from", "valid_to", "certainty", "source"],
    )
    problems: list[str] = []
    villages = dict(Village.objects.values_list("code", "pk"))
    regencies = dict(Regency.objects.values_list("code", "pk"))
    names = {row["short_name"] for _n, row in offices}
    for number, row in offices:
        where = f"branch_offices.csv:{number}"
        if row["level"] not in BranchOffice.Level.values:
            problems.append(f"{where}: " + _("tingkat '%(v)s' tidak dikenal") % {"v": row["level"]})
        if row["parent"] and row["parent"] not in names:
            problems.append(
                f"{where}: " + _("kantor induk '%(v)s' tidak ada") % {"v": row["parent"]}
            )
        if row["village_code"] and row["village_code"] not in villages:
            problems.append(
                f"{where}: " + _("desa/kelurahan %(v)s tidak ada") % {"v": row["village_code"]}
            )
        if row["certainty"] not in Certainty.values:
            problems.append(
                f"{where}: " + _("kepastian '%(v)s' tidak dikenal") % {"v": row["certainty"]}
            )
    for number, row in assignments:
        where = f"branch_assignments.csv:{number}"
        if row["branch"] not in names:
            problems.append(f"{where}: " + _("kantor '%(v)s' tidak ada") % {"v": row["branch"]})
        if row["regency_code"] not in regencies:
            problems.append(
                f"{where}: " + _("kabupaten/kota %(v)s tidak ada") % {"v": row["regency_code"]}
            )
        if row["certainty"] not in Certainty.values:
            problems.append(
                f"{where}: " + _("kepastian '%(v)s' tidak dikenal") % {"v": row["certainty"]}
            )
        row["valid_from"] = _parse_day(row["valid_from"], where, problems)
        row["valid_to"] = _parse_day(row["valid_to"], where, problems)
    if problems:
        raise ReferenceDataError(problems)

    counts = ModelCounts()
    by_name: dict[str, BranchOffice] = {}
    for _number, row in offices:  # parents come before children in the file
        values = {
            "name": row["name"],
            "level": row["level"],
            "parent": by_name.get(row["parent"]),
            "village_id": villages.get(row["village_code"]),
            "certainty": row["certainty"],
            "source": row["source"],
        }
        office, created = BranchOffice.objects.get_or_create(
            short_name=row["short_name"], defaults=values
        )
        if created:
            counts.created += 1
        elif _differs(office, values):
            _assign_and_save(office, values)
            counts.updated += 1
        else:
            counts.unchanged += 1
        by_name[row["short_name"]] = office
    result.counts["branch_office"] = counts

    counts = ModelCounts()
    for _number, row in assignments:
        key = {
            "branch_office": by_name[row["branch"]],
            "regency_id": regencies[row["regency_code"]],
            "valid_from": row["valid_from"],
        }
        values = {
            "valid_to": row["valid_to"],
            "certainty": row["certainty"],
            "source": row["source"],
        }
        assignment = BranchAssignment.objects.filter(**key).first()
        if assignment is None:
            assignment = BranchAssignment(**key, **values)
            assignment.full_clean()
            assignment.save()
            counts.created += 1
        elif _differs(assignment, values):
            _assign_and_save(assignment, values)
            counts.updated += 1
        else:
            counts.unchanged += 1
    result.counts["branch_assignment"] = counts


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


def _assign_and_save(obj, values: dict) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()


# Other apps add their reference data (rates, benefit schedules, ...) here from their
# AppConfig.ready(), so `reference_load` and `manage.py load_reference` load everything
# in one transaction without regencies importing them. A loader takes the fixtures
# directory, returns counts per model and raises ReferenceDataError on bad rows.
ReferenceLoader = Callable[[Path], dict[str, ModelCounts]]
_extra_loaders: dict[str, ReferenceLoader] = {}


def register_reference_loader(name: str, loader: ReferenceLoader) -> None:
    """Run `loader` after regions and offices on every `reference_load` (idempotent by name)."""
    _extra_loaders[name] = loader


def reference_load(*, directory: Path | None = None) -> ReferenceLoadResult:
    """Load or refresh regions, branch offices and registered data from `directory`, all or nothing.

    Rows are matched by code and only created or updated when they differ, so a
    second run changes nothing. Rows no longer in the source are kept (work units
    and history point at them). Raises ReferenceDataError listing every problem
    as "<file>:<line>: <message>" and saves nothing then.
    """
    directory = directory or default_fixtures_dir()
    wilayah = directory / "wilayah-74"
    regencies = _read_csv(wilayah / "regencies.csv", ["code", "name", "type"])
    districts = _read_csv(wilayah / "districts.csv", ["code", "regency_code", "name"])
    villages = _read_csv(wilayah / "villages.csv", ["code", "district_code", "name", "type"])
    problems = validate_regions(regencies, districts, villages)
    if problems:
        raise ReferenceDataError(problems)
    result = ReferenceLoadResult()
    with transaction.atomic():
        _sync_regions(regencies, districts, villages, result)
        _sync_branches(directory, result)
        for loader in _extra_loaders.values():
            result.counts.update(loader(directory))
    return result
