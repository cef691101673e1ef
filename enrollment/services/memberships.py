"""Memberships (JKK, JKM) derived from verified rosters, and KPJ numbers from BPJS files."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from enrollment.imports import parsing
from enrollment.imports.bounds import MAX_PROBLEMS, ProblemBudget
from enrollment.imports.problems import ERROR, WARNING, Problem
from enrollment.imports.reading import (
    FILE_HEADER_ONLY,
    KPJ_LAYOUT,
    declared_rows,
    read_roster_file,
)
from enrollment.imports.rows import DUPLICATE_NIK
from enrollment.models import Membership, Programme, Roster
from enrollment.services import bulk

# A roster enrols its workers in these programmes (DOMAIN.md §1: JKK + JKM).
ROSTER_PROGRAMMES = (Programme.JKK, Programme.JKM)
BATCH = 500
PROGRESS_EVERY = 5000  # rows between two progress reports while a file is read

KPJ_NOT_ALLOWED = _("Anda tidak berhak mengubah nomor KPJ.")
KPJ_REQUIRED = _("KPJ kosong. Isi nomor KPJ dari BPJS Ketenagakerjaan, atau hapus baris ini.")
KPJ_NIK_UNKNOWN = _(
    "NIK %(nik)s tidak punya kepesertaan aktif yang dapat Anda lihat; baris ini dilewati. "
    "Periksa NIK, atau apakah roster unitnya sudah diverifikasi."
)
KPJ_TAKEN = _(
    "KPJ %(kpj)s sudah dipakai pekerja lain (NIK %(other)s). Satu KPJ hanya untuk satu orang; "
    "periksa nomornya."
)


@dataclass
class MembershipSync:
    opened: int = 0
    closed: int = 0
    removed: int = 0
    workers_started: int = 0  # people whose cover (JKK + JKM) starts: what an officer counts
    workers_ended: int = 0


def memberships_sync(*, roster: Roster, by=None) -> MembershipSync:
    """Open and close the unit's JKK/JKM memberships so that they match a verified roster.

    Opened from the roster's month for workers on it without an open membership
    through the unit; ended on the last day of the previous month for members no
    longer on it; removed when they were opened for this same month by an
    earlier verification (a re-uploaded, re-verified roster). A KPJ on the
    roster fills an open membership's empty KPJ. Every change gets its history
    row. Set-based: a fixed number of SQL statements however long the roster
    (`bulk.sync_memberships`). Call inside the verification's transaction.
    """
    counts = bulk.sync_memberships(
        roster_id=roster.pk,
        unit_id=roster.unit_id,
        period=roster.period,
        programmes=[str(p) for p in ROSTER_PROGRAMMES],
        stamp=bulk.HistoryStamp(
            when=timezone.now(),
            user_id=by.pk if by is not None else None,
            reason=_g("Verifikasi roster %(roster)s") % {"roster": roster},
        ),
    )
    return MembershipSync(
        opened=counts.opened,
        closed=counts.closed,
        removed=counts.removed,
        # In people: the workers of the rows written, the same sets `roster_verify_effect`
        # counts before the change (pinned by tests/enrollment/test_memberships_sync_set_based.py).
        workers_started=counts.workers_started,
        workers_ended=counts.workers_ended,
    )


# --- KPJ numbers from a BPJS file -----------------------------------------------------------------


@dataclass(slots=True)
class KpjChange:
    nik: str
    name: str
    unit: str
    programme: str
    old: str
    new: str


@dataclass
class KpjImportResult:
    dry_run: bool
    sheet: str = ""
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    updated: int = 0  # memberships whose KPJ changes
    unchanged: int = 0
    skipped: int = 0  # rows whose NIK has no open membership in scope
    changes: list[KpjChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row, p.severity != ERROR))


def _require_can_set_kpj(by) -> None:
    if by is not None and not by.has_perm("enrollment.change_membership"):
        raise PermissionDenied(KPJ_NOT_ALLOWED)


def membership_kpj_import(
    *,
    upload,
    by=None,
    dry_run: bool = False,
    progress: Callable[..., None] | None = None,
    within: Callable[[KpjImportResult], None] | None = None,
) -> KpjImportResult:
    """Set KPJ numbers from a NIK → KPJ file, on open memberships in the user's scope; all or nothing.

    `progress(estimate=…, total=…, read=…, checked=…, written=…)`: counts for a job's
    progress bar, reported outside the write transaction. `within(result)`: called inside
    the transaction that saves the numbers, after them (a job marks itself done there).
    """
    _require_can_set_kpj(by)
    report = progress or _no_progress
    upload.seek(0) if hasattr(upload, "seek") else None
    data, filename = upload.read(), Path(getattr(upload, "name", "") or "kpj.csv").name
    if progress is not None and (estimate := declared_rows(data, filename=filename)):
        report(estimate=estimate)
    sheet = read_roster_file(data, filename=filename, layout=KPJ_LAYOUT)
    result = KpjImportResult(dry_run=dry_run, sheet=sheet.name, problems=list(sheet.problems))
    if not sheet.readable:
        return result
    nik_label, kpj_label = sheet.columns["nik"].header, sheet.columns["kpj"].header
    i_nik, i_kpj = sheet.columns["nik"].index, sheet.columns["kpj"].index
    wanted: dict[str, tuple[int, str]] = {}
    for number, cells in sheet.rows:
        if len(result.problems) >= MAX_PROBLEMS:
            del result.problems[MAX_PROBLEMS:]
            result.problems.append(
                Problem(sheet.name, number, "A", ProblemBudget().message(number))
            )
            break
        result.row_count += 1
        if result.row_count % PROGRESS_EVERY == 0:
            report(read=result.row_count)
        nik = kpj = None
        try:
            nik = parsing.parse_nik(cells[i_nik] if i_nik < len(cells) else None).nik
        except ValidationError as exc:
            result.problems.append(Problem(sheet.name, number, nik_label, exc.messages[0]))
        try:
            kpj = parsing.parse_kpj(cells[i_kpj] if i_kpj < len(cells) else None)
            if not kpj:
                raise ValidationError(KPJ_REQUIRED, code="required")
        except ValidationError as exc:
            result.problems.append(Problem(sheet.name, number, kpj_label, exc.messages[0]))
            kpj = None
        if nik and nik in wanted:
            result.problems.append(
                Problem(
                    sheet.name,
                    number,
                    nik_label,
                    str(DUPLICATE_NIK % {"nik": nik, "row": wanted[nik][0]}),
                )
            )
        elif nik and kpj:
            wanted[nik] = (number, kpj)
    report(total=result.row_count, read=result.row_count)
    if sheet.refusal is not None:  # a limit broken midway (bounds.py): that message alone
        result.problems = [sheet.refusal]
    elif result.row_count == 0:
        result.problems.append(Problem(sheet.name, 2, "A", str(FILE_HEADER_ONLY)))
    if not result.ok:
        return result

    scoped = Membership.objects.visible_to(by) if by is not None else Membership.objects.all()
    niks = list(wanted)
    memberships = []
    for start in range(0, len(niks), BATCH):
        memberships.extend(
            scoped.filter(end__isnull=True, worker__nik__in=niks[start : start + BATCH])
            .select_related("worker", "unit")
            .order_by("worker__nik", "programme")
        )
    holders: dict[str, str] = {}
    kpjs = list({kpj for _row, kpj in wanted.values()})
    for start in range(0, len(kpjs), BATCH):
        holders.update(
            Membership.objects.filter(kpj__in=kpjs[start : start + BATCH])
            .values_list("kpj", "worker__nik")
            .distinct()
        )
    found = {m.worker.nik for m in memberships}
    for nik, (number, kpj) in wanted.items():
        other = holders.get(kpj)
        if other is not None and other != nik:
            result.problems.append(
                Problem(
                    sheet.name, number, kpj_label, str(KPJ_TAKEN % {"kpj": kpj, "other": other})
                )
            )
        if nik not in found:
            result.skipped += 1
            result.problems.append(
                Problem(sheet.name, number, nik_label, str(KPJ_NIK_UNKNOWN % {"nik": nik}), WARNING)
            )
    if not result.ok:
        return result
    changed = []
    for membership in memberships:
        kpj = wanted[membership.worker.nik][1]
        if membership.kpj == kpj:
            result.unchanged += 1
            continue
        result.changes.append(
            KpjChange(
                membership.worker.nik,
                membership.worker.name,
                membership.unit.code,
                membership.programme,
                membership.kpj,
                kpj,
            )
        )
        membership.kpj, membership.updated_at = kpj, timezone.now()
        changed.append(membership)
    result.updated = len(changed)
    report(checked=result.row_count)
    if dry_run or not changed:
        return result
    with transaction.atomic():
        bulk_update_with_history(
            changed,
            Membership,
            ["kpj", "updated_at"],
            batch_size=BATCH,
            default_user=by,
            default_change_reason=_g("Impor KPJ dari berkas %(name)s") % {"name": filename},
        )
        if within is not None:
            within(result)
    report(written=result.updated)  # after the commit: from inside it would not be seen
    return result


def _no_progress(**counts) -> None:
    """A `progress` that reports nothing (the request path)."""
