"""Roster uploads: preview, all-or-nothing import, verification and return (issue #3).

The import is set-based rather than django-import-export's row-by-row path
(about 435 rows/s on PostgreSQL, DESIGN.md): every row is checked in Python,
compared with the roster it replaces (a re-upload of the same month) or else
the unit's latest earlier roster, and only then, in one transaction holding a
lock on the work unit, the workers are upserted and the entries written with
the helpers in ``enrollment.services.bulk``. Any error: nothing is written.

The uploaded file is kept before anything else (``RosterUpload``), so a
rejected file stays for the branch office to see; an imported file becomes the
roster's file, and on a re-upload the earlier file stays on disk and in the
roster's history.
"""

import heapq
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from enrollment.billing.services import BillsGenerateResult, bill_refresh_for_roster
from enrollment.imports.problems import ERROR, WARNING, Problem
from enrollment.imports.reading import declared_rows, max_upload_bytes, read_roster_file
from enrollment.imports.rows import RosterRow, check_rows
from enrollment.models import Roster, RosterEntry, RosterUpload
from enrollment.services import bulk, import_scope
from enrollment.summary import summary_refresh
from regencies.models import Regency, WorkUnit

logger = logging.getLogger(__name__)

UPLOAD_NOT_ALLOWED = _("Anda tidak berhak mengunggah roster untuk unit %(unit)s.")
VERIFY_NOT_ALLOWED = _("Anda tidak berhak memverifikasi atau mengembalikan roster %(roster)s.")
TRANSITION_NOT_ALLOWED = _(
    "Roster %(roster)s berstatus '%(status)s' sehingga tidak dapat %(action)s. "
    "Roster yang dikembalikan perlu diunggah ulang oleh bendahara."
)
RETURN_REASON_REQUIRED = _(
    "Tulis alasan pengembalian agar bendahara tahu apa yang harus diperbaiki."
)
CONFIRM_NOT_PENDING = _("Unggahan ini sudah %(status)s; unggah berkasnya lagi bila perlu.")
CONFIRM_NOT_YOURS = _("Hanya pengunggah berkas yang dapat mengonfirmasi impornya.")
CONFIRM_SUPERSEDED = _(
    "Roster %(roster)s sudah diganti oleh unggahan yang lebih baru; unggah berkas ini lagi bila "
    "memang ini yang benar."
)
DOUBLE_ENROLMENT = _(
    "Pendaftaran ganda: NIK %(nik)s juga ada di roster %(units)s bulan %(period)s, sehingga "
    "iurannya akan ditagih dua kali. Hapus dari roster yang keliru."
)
NIK_REGISTERED_OTHER_NAME = _(
    "NIK %(nik)s sudah terdaftar atas nama lain. Pastikan NIK benar milik pekerja ini; bila "
    "benar, data pekerja akan diperbarui."
)

CONFIRM_TYPE_UNIT = _(
    "Berkas ini tampaknya bukan roster %(unit)s. Bila memang benar, ketik nama unit (%(name)s) "
    "atau kodenya (%(code)s) di kotak konfirmasi, lalu simpan lagi."
)
FILE_FAILED = _(
    "Berkas tidak dapat diproses. Buka di Excel, simpan ulang sebagai Excel Workbook (.xlsx) "
    "lalu unggah lagi; bila tetap gagal, kirim berkasnya ke kantor cabang."
)

ACTION_VERIFY = _("diverifikasi")
ACTION_RETURN = _("dikembalikan")

# Allowed status changes (STYLE.md §3); a re-upload puts any roster back to submitted.
TRANSITIONS = {
    Roster.Status.SUBMITTED: {Roster.Status.VERIFIED, Roster.Status.RETURNED},
    Roster.Status.VERIFIED: set(),
    Roster.Status.RETURNED: set(),
}

COMPARED_FIELDS = ("name", "birth_date", "sex", "position", "segment", "wage", "start_date", "kpj")
WORKER_FIELDS = ("name", "birth_date", "sex")
SUMMARY_LIMIT = 1000  # problems and double enrolments kept in an upload's stored preview
# Changes kept per kind (created / updated / left) in an upload's stored preview; the summary's
# counts are the true totals and the preview page says when a list is cut.
CHANGES_LISTED = 200
PROGRESS_EVERY = 5000  # rows between two progress reports while a file is read

# `progress(total=…, read=…, checked=…, written=…)`: counts for a job's progress bar (jobs/),
# called outside the write transaction; None (the default) reports nothing.
ProgressCallback = Callable[..., None] | None
# A preview is "suspect" (probably another unit's file) when it would end the memberships of
# most of the unit's workers, or most of its new rows are on another unit's roster already;
# below this many rows either share is too small to tell a wrong file from a real change.
SUSPECT_MIN_ROWS = 3


def month_start(value: date | str) -> date:
    """The first day of the month of `value` (a date, or "YYYY-MM")."""
    if isinstance(value, str):
        year, month = value.strip()[:7].split("-")
        return date(int(year), int(month), 1)
    return value.replace(day=1)


@dataclass(slots=True)
class RowChange:
    kind: str  # "created" | "updated" | "left"
    nik: str
    name: str
    row: int | None  # row in the uploaded file; None for those who left
    changes: dict | None = None  # field -> (old, new), for "updated"
    wage: int | None = None  # the wage in the file (created, updated) or the last one (left)
    position: str = ""  # as in the file (created, updated) or the last one (left)


@dataclass(slots=True)
class DoubleEnrolment:
    nik: str
    name: str
    row: int
    units: list  # [(code, name)] of the other units' rosters


@dataclass
class RosterImportResult:
    """What an upload did or would do; the admin, the command and the tests read the same."""

    unit: WorkUnit
    period: date
    dry_run: bool
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as in the file
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    # every created and updated row, in file order; then the first CHANGES_LISTED who leave
    changes: list[RowChange] = field(default_factory=list)
    double_enrolments: list[DoubleEnrolment] = field(default_factory=list)
    created_elsewhere: int = 0  # new rows whose NIK is on another unit's roster of the month
    contribution: tuple[int, int] | None = None  # monthly contribution (before, after), preview
    compared_with: date | None = None  # period of the roster compared with
    replaces: bool = False  # a roster for this month exists and is replaced
    roster: Roster | None = None
    upload: RosterUpload | None = None
    timings: dict[str, float] = field(default_factory=dict)
    rows: list[RosterRow] = field(default_factory=list, repr=False)
    by: object = field(default=None, repr=False)  # the uploader: what the plan may change and say
    every_change: bool = False  # list every worker who leaves, not only the first CHANGES_LISTED

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row, p.severity != ERROR))

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "left": self.left,
        }

    @property
    def suspect(self) -> list[str]:
        """Why this file looks like another unit's: "most_leave", "most_elsewhere" (or [])."""
        reasons = []
        before = self.updated + self.unchanged + self.left
        if self.left >= SUSPECT_MIN_ROWS and self.left * 2 > before:
            reasons.append("most_leave")
        if self.created_elsewhere >= SUSPECT_MIN_ROWS and self.created_elsewhere * 2 > self.created:
            reasons.append("most_elsewhere")
        return reasons

    def listed_changes(self) -> list[RowChange]:
        """The changes a preview lists: the first CHANGES_LISTED of each kind, in order."""
        seen: Counter = Counter()
        listed = []
        for change in self.changes:
            seen[change.kind] += 1
            if seen[change.kind] <= CHANGES_LISTED:
                listed.append(change)
        return listed

    def summary(self) -> dict:
        """A JSON-able digest for the preview page: the counts are the true totals; the lists
        are capped (problems at SUMMARY_LIMIT, changes at CHANGES_LISTED per kind)."""
        return {
            "ok": self.ok,
            "sheet": self.sheet,
            "row_count": self.row_count,
            **self.counts(),
            "before_count": self.updated + self.unchanged + self.left,
            "created_elsewhere": self.created_elsewhere,
            "suspect": self.suspect if self.ok else [],
            "contribution": list(self.contribution) if self.contribution else None,
            "compared_with": self.compared_with.isoformat() if self.compared_with else None,
            "replaces": self.replaces,
            "problems": [p.as_dict() for p in self.sorted_problems()[:SUMMARY_LIMIT]],
            "problem_total": len(self.problems),
            "changes": [
                {
                    "kind": c.kind,
                    "nik": c.nik,
                    "name": c.name,
                    "row": c.row,
                    "wage": c.wage,
                    "changes": {k: [str(v) for v in pair] for k, pair in (c.changes or {}).items()},
                }
                for c in self.listed_changes()
            ],
            "double_enrolments": [
                {"nik": d.nik, "name": d.name, "row": d.row, "units": [list(u) for u in d.units]}
                for d in self.double_enrolments[:SUMMARY_LIMIT]
            ],
        }


# --- permissions ----------------------------------------------------------------------------------


def _require_can_upload(*, unit: WorkUnit, by) -> None:
    """Treasurers for their own units, branch staff and the province; `by=None` is the system."""
    if by is None:
        return
    if by.has_perm("enrollment.add_roster") and (
        WorkUnit.objects.visible_to(by).filter(pk=unit.pk).exists()
    ):
        return
    raise PermissionDenied(UPLOAD_NOT_ALLOWED % {"unit": unit.code})


def _require_can_verify(*, roster: Roster, by) -> None:
    if by is None:
        return
    if by.has_perm("enrollment.change_roster") and (
        Roster.objects.visible_to(by).filter(pk=roster.pk).exists()
    ):
        return
    raise PermissionDenied(VERIFY_NOT_ALLOWED % {"roster": roster})


# --- entry points ---------------------------------------------------------------------------------


def _read_upload(upload) -> tuple[bytes, str]:
    name = Path(getattr(upload, "name", "") or "roster").name
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(), name


def roster_import(
    *,
    unit: WorkUnit,
    period: date,
    upload,
    by=None,
    dry_run: bool = False,
    progress: ProgressCallback = None,
) -> RosterImportResult:
    """Replace the unit's roster for `period` with the uploaded file, all or nothing.

    The file is kept first (a RosterUpload, imported or rejected); with
    `dry_run` nothing at all is saved and the result says what would happen.
    """
    period = month_start(period)
    _require_can_upload(unit=unit, by=by)
    data, filename = _read_upload(upload)
    record = None
    started = time.perf_counter()
    if not dry_run and len(data) <= max_upload_bytes():  # a larger file is refused, never kept
        record = _keep_upload(unit=unit, period=period, data=data, filename=filename, by=by)
    kept = time.perf_counter() - started
    result = _run(
        unit=unit,
        period=period,
        data=data,
        filename=filename,
        by=by,
        record=record,
        progress=progress,
    )
    result.timings["keep"] = kept
    return result


def roster_preview(*, unit: WorkUnit, period: date, upload, by) -> RosterImportResult:
    """Check the file and show what importing it would change; keep it for the confirm step."""
    record = roster_upload_keep(unit=unit, period=period, upload=upload, by=by)
    return roster_upload_preview(upload=record, by=by)


def roster_upload_keep(*, unit: WorkUnit, period: date, upload, by) -> RosterUpload:
    """Keep an uploaded file, unchecked, for a preview that runs later (a job, jobs/)."""
    period = month_start(period)
    _require_can_upload(unit=unit, by=by)
    data, filename = _read_upload(upload)
    return _keep_upload(unit=unit, period=period, data=data, filename=filename, by=by)


def roster_upload_preview(
    *, upload: RosterUpload, by, progress: ProgressCallback = None
) -> RosterImportResult:
    """The preview of a kept upload: check every row, compare, store the summary on it."""
    unit, period = upload.unit, upload.period
    _require_can_upload(unit=unit, by=by)
    with upload.file.open("rb") as handle:
        data = handle.read()
    filename = upload.original_name or Path(upload.file.name).name
    ahead = _ReadAhead(unit, period, size=len(data))
    result = _check(
        unit=unit,
        period=period,
        data=data,
        filename=filename,
        record=upload,
        progress=progress,
        ahead=ahead,
    )
    result.by = by
    if result.ok:
        _plan(result, ahead.future)
        result.contribution = _contribution_change(result)
    result.dry_run = True
    _record_outcome(upload, result, imported=False)
    return result


def roster_upload_confirm(
    *, upload: RosterUpload, by, typed: str = "", progress: ProgressCallback = None
) -> RosterImportResult:
    """Import a previewed upload: only its uploader, only while it waits for confirmation.

    A suspect preview (most workers would leave, or most new rows are enrolled
    elsewhere: probably another unit's file) is imported only when `typed` names
    the unit (its name or code) or the number of workers leaving.
    """
    if upload.status != RosterUpload.Status.PENDING:
        raise ValidationError(
            CONFIRM_NOT_PENDING % {"status": upload.get_status_display().lower()},
            code="not_pending",
        )
    if by is not None and upload.uploaded_by_id != by.pk:
        raise PermissionDenied(CONFIRM_NOT_YOURS)
    _require_can_upload(unit=upload.unit, by=by)
    summary = upload.summary or {}
    if summary.get("suspect") and not confirmation_matches(upload, typed):
        unit = upload.unit
        raise ValidationError(
            CONFIRM_TYPE_UNIT % {"unit": unit.name, "name": unit.name, "code": unit.code},
            code="needs_typed_confirmation",
        )
    newer = RosterUpload.objects.filter(
        unit=upload.unit,
        period=upload.period,
        status=RosterUpload.Status.IMPORTED,
        updated_at__gt=upload.created_at,
    )
    if newer.exists():
        raise ValidationError(
            CONFIRM_SUPERSEDED % {"roster": f"{upload.unit.code} {upload.period:%Y-%m}"},
            code="superseded",
        )
    with upload.file.open("rb") as handle:
        data = handle.read()
    return _run(
        unit=upload.unit,
        period=upload.period,
        data=data,
        filename=upload.original_name or Path(upload.file.name).name,
        by=by,
        record=upload,
        progress=progress,
    )


def roster_upload_changes(*, upload: RosterUpload, by) -> RosterImportResult:
    """Every change a pending upload would make, for the download beside its preview (the
    preview lists only the first CHANGES_LISTED of each kind). Nothing is saved; the caller
    has checked that `by` may see the upload."""
    with upload.file.open("rb") as handle:
        data = handle.read()
    filename = upload.original_name or Path(upload.file.name).name
    result = _check(unit=upload.unit, period=upload.period, data=data, filename=filename)
    result.by, result.every_change = by, True
    if result.ok:
        _plan(result)
    return result


def confirmation_matches(upload: RosterUpload, typed: str) -> bool:
    """The second confirmation of a suspect upload: the unit's name or code, or the number
    of workers leaving (case, spaces and thousands dots ignored)."""

    def norm(text) -> str:
        return " ".join(str(text).split()).casefold().replace(".", "")

    typed = norm(typed or "")
    if not typed:
        return False
    left = (upload.summary or {}).get("left") or 0
    accepted = {norm(upload.unit.name), norm(upload.unit.code)} | ({str(left)} if left else set())
    return typed in accepted


def _contribution_change(result: RosterImportResult) -> tuple[int, int] | None:
    """The unit's monthly contribution with the compared roster and with this file (estimate).

    Counted per (segment, wage): a province's roster has few distinct wages, so 100,000 rows
    cost a Counter and one small GROUP BY, not 100,000 computations.
    """
    from enrollment.billing.arithmetic import month_end
    from enrollment.billing.selectors import contribution_estimate

    last_day = month_end(result.period)
    before: dict = {}
    if result.compared_with is not None:
        entries = RosterEntry.objects.filter(
            roster__unit=result.unit,
            roster__period=result.compared_with,
            start_date__lte=last_day,
        )
        before = {
            (segment, wage): n
            for segment, wage, n in entries.values_list("segment", "wage")
            .annotate(n=Count("pk"))
            .order_by()
        }
    after = Counter((row.segment, row.wage) for row in result.rows if row.start_date <= last_day)
    try:
        return (
            contribution_estimate(unit=result.unit, period=result.period, workers=before),
            contribution_estimate(unit=result.unit, period=result.period, workers=after),
        )
    except ValidationError:  # no rates for the month: nothing to estimate with
        return None


def _keep_upload(*, unit, period, data: bytes, filename: str, by) -> RosterUpload:
    record = RosterUpload(unit=unit, period=period, original_name=filename[:255], uploaded_by=by)
    record.file.save(filename, ContentFile(data), save=False)
    record.save()
    return record


def _record_outcome(record: RosterUpload | None, result: RosterImportResult, *, imported: bool):
    if record is None:
        return
    result.upload = record
    if imported:
        record.status, record.roster = RosterUpload.Status.IMPORTED, result.roster
    elif not result.ok:
        record.status = RosterUpload.Status.REJECTED
    record.row_count = result.row_count
    record.error_count = len(result.errors)
    record.warning_count = len(result.warnings)
    record.summary = result.summary()
    record.save()


def _run(*, unit, period, data, filename, by, record, progress=None) -> RosterImportResult:
    ahead = _ReadAhead(unit, period, size=len(data))
    result = _check(
        unit=unit,
        period=period,
        data=data,
        filename=filename,
        record=record,
        progress=progress,
        ahead=ahead,
    )
    result.by = by
    result.dry_run = record is None
    if not result.ok or record is None:
        if result.ok:
            _plan(result, ahead.future)
        _record_outcome(record, result, imported=False)
        return result
    try:
        with transaction.atomic():
            # One import per unit at a time: a concurrent upload of the same unit and month
            # waits here, then sees this roster and replaces it (exactly one roster remains).
            lock_unit(unit.pk)
            plan = _plan(result, ahead.future)
            _write(result, plan, by=by, record=record)
            # Imported with the roster or not at all: a job retried after its worker died
            # between this commit and the outcome recorded below finds the upload imported.
            RosterUpload.objects.filter(pk=record.pk).update(
                status=RosterUpload.Status.IMPORTED, roster=result.roster
            )
            # A re-upload puts the month back to "submitted": the dashboard's roster column.
            summary_refresh(unit_ids=[unit.pk], since=period, until=period, coverage=False)
            started = time.perf_counter()
    except Exception:
        record.status = RosterUpload.Status.REJECTED  # nothing was saved; keep the file
        record.save(update_fields=["status", "updated_at"])
        raise
    result.timings["commit"] = time.perf_counter() - started  # deferred FK checks run here
    if progress is not None:
        progress(written=len(result.rows))
    result.rows = []  # free the memory; the counts and changes stay
    started = time.perf_counter()
    _record_outcome(record, result, imported=True)
    result.timings["record"] = time.perf_counter() - started
    return result


def lock_unit(unit_id: int) -> None:
    """The work unit's row lock every roster write takes first (import, verify, return).

    One order (unit, then roster, then the rest) for every writer: verify used to lock the
    roster first and the unit later (the memberships' foreign-key check), while the import
    locked the unit, then the roster: a deadlock in 2 of 15 runs on PostgreSQL. FOR NO KEY
    UPDATE still serialises writers of one unit but lets foreign-key checks through.
    """
    WorkUnit.objects.select_for_update(no_key=True).only("pk").get(pk=unit_id)


# --- check: read + rows ---------------------------------------------------------------------------


def _known_regencies() -> frozenset[str]:
    return frozenset(Regency.objects.filter(code__startswith="74.").values_list("code", flat=True))


def _counted(rows: Iterable, progress) -> Iterable:
    """The sheet's rows, reporting how many were read every PROGRESS_EVERY rows."""
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_EVERY == 0:
            progress(read=count)
        yield row


def _check(
    *, unit, period, data, filename, record=None, progress=None, ahead=None
) -> RosterImportResult:
    """Read and check the file; a parser that fails on it still ends in a message and a state."""
    try:
        return _check_file(
            unit=unit, period=period, data=data, filename=filename, progress=progress, ahead=ahead
        )
    except Exception:
        logger.exception("Roster file %s could not be checked", filename)
        result = RosterImportResult(unit=unit, period=period, dry_run=True, sheet=filename)
        result.problems.append(Problem(Path(filename).stem or "berkas", 1, "A", str(FILE_FAILED)))
        if record is not None:
            _record_outcome(record, result, imported=False)
        return result


def _check_file(*, unit, period, data, filename, progress=None, ahead=None) -> RosterImportResult:
    started = time.perf_counter()
    if progress is not None:  # the first figure, before the parse: "~100.000 baris"
        estimate = declared_rows(data, filename=filename)
        if estimate:
            progress(estimate=estimate)
    sheet = read_roster_file(
        data, filename=filename, before_parse=ahead.start if ahead is not None else None
    )
    result = RosterImportResult(
        unit=unit,
        period=period,
        dry_run=True,
        sheet=sheet.name,
        columns={f: c.header for f, c in sheet.columns.items()},
    )
    result.problems.extend(sheet.problems)
    result.timings["parse"] = time.perf_counter() - started
    if not sheet.readable:
        return result
    started = time.perf_counter()
    if progress is not None:
        sheet.rows = _counted(sheet.rows, progress)
    checked = check_rows(
        sheet,
        unit_kind=unit.kind,
        period=period,
        known_regencies=_known_regencies(),
        today=timezone.localdate(),
    )
    result.rows, result.row_count = checked.rows, checked.row_count
    result.problems.extend(checked.problems)
    result.timings["validate"] = time.perf_counter() - started
    if progress is not None:
        count = checked.row_count
        progress(total=count, read=count, checked=count)
    return result


# --- plan: compare with the stored roster ---------------------------------------------------------


@dataclass
class _Plan:
    roster: Roster | None  # the roster of this month, replaced; None: a new one
    new_workers: list[tuple] = field(default_factory=list)  # (nik, name, birth, sex)
    worker_updates: list[tuple] = field(default_factory=list)  # (id, name, birth, sex)
    worker_ids: dict[str, int] = field(default_factory=dict)
    # a replaced month keeps these entries (unchanged, same row) and loses every other one
    keep_entry_ids: list[int] = field(default_factory=list)
    insert_rows: list[RosterRow] = field(default_factory=list)


def _comparison_rosters(unit_id: int, period: date) -> tuple[Roster | None, Roster | None]:
    """(the roster of the same month, the roster to compare with): itself, or the latest earlier."""
    same_month = Roster.objects.filter(unit_id=unit_id, period=period).first()
    if same_month is not None:
        return same_month, same_month
    earlier = Roster.objects.filter(unit_id=unit_id, period__lt=period).order_by("-period")
    return None, earlier.first()


@dataclass
class _Prefetched:
    roster_id: int | None
    updated_at: object
    rows: dict


class _ReadAhead:
    """Starts the read-ahead of the compared roster when the file's parse begins (once).

    Only for a large file (`ROSTER_JOB_MIN_BYTES`, checked in a job): it probably
    holds most of the stored roster, which is then read beside the parse. A small file
    against a large roster reads only the stored rows of its own NIKs and counts the rest
    in SQL (`_compare_with`): reading a 20,000-row roster for a 1,000-row file cost a web
    request 46 ms of CPU.
    """

    def __init__(self, unit: WorkUnit, period: date, *, size: int | None = None):
        self.unit, self.period = unit, period
        self.future: Future | None = None
        self.started = size is not None and size < settings.ROSTER_JOB_MIN_BYTES

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.future = _start_prefetch(self.unit, self.period)


def _start_prefetch(unit: WorkUnit, period: date) -> Future | None:
    """Read the roster to compare with on a second connection while the file is parsed.

    Reading 100,000 stored entries takes about half a second; done beside
    calamine's parse it costs nothing: calamine lets go of the GIL while it parses,
    so the reader calls this just before it (`read_roster_file(before_parse=…)`). Started
    earlier, beside the bounds scan of the sheet's XML, the two took turns at the GIL
    and the parse step grew by about as much as the read-ahead took. The result is used only if the roster is
    still the same one, unchanged (its `updated_at`), once the plan runs under
    the unit's lock; otherwise the plan reads it again. Not inside an outer
    transaction (tests): another connection could not see its rows.
    """
    if not bulk.is_postgresql() or connection.in_atomic_block:
        return None
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(_prefetch, unit.pk, period)
    pool.shutdown(wait=False)
    return future


def _prefetch(unit_id: int, period: date) -> _Prefetched:
    try:
        _same, compared = _comparison_rosters(unit_id, period)
        if compared is None:
            return _Prefetched(None, None, {})
        return _Prefetched(compared.pk, compared.updated_at, bulk.fetch_roster_rows(compared.pk))
    finally:
        connection.close()  # this thread's own connection


def _prefetched_rows(compared: Roster | None, prefetch: Future | None) -> dict | None:
    """The read-ahead's rows if it read this roster, unchanged since; else None."""
    if prefetch is None:
        return None
    try:
        early = prefetch.result()
    except Exception:  # noqa: BLE001 - a failed read-ahead is only a missed shortcut
        return None
    if (early.roster_id, early.updated_at) == (
        (compared.pk, compared.updated_at) if compared else (None, None)
    ):
        return early.rows
    return None


@dataclass
class _Compared:
    """The compared roster as the plan needs it: the file's NIKs, and those who leave."""

    matched: dict  # nik -> StoredRow, for the NIKs of the file that are on the roster
    left: int = 0  # entries whose NIK is not in the file
    left_first: list = field(default_factory=list)  # the first CHANGES_LISTED of them, by row


def _compare_with(
    compared: Roster | None, prefetch: Future | None, niks: list[str], *, every: bool = False
) -> _Compared:
    """Read what the plan compares: the whole roster when the read-ahead has it, else in SQL
    only the stored rows of the file's NIKs, the number of the others and the first of them
    (`every`: all of them)."""
    if compared is None:
        return _Compared({})
    listed = None if every else CHANGES_LISTED
    whole = _prefetched_rows(compared, prefetch)
    if whole is not None:
        in_file = set(niks)
        gone = [s for nik, s in whole.items() if nik not in in_file]
        first = heapq.nsmallest(listed or len(gone), gone, key=lambda s: (s.row, s.entry_id))
        return _Compared({n: whole[n] for n in niks if n in whole}, len(gone), first)
    matched = bulk.fetch_roster_rows(compared.pk, niks)
    left, first = bulk.roster_leavers(compared.pk, [s.worker_id for s in matched.values()], listed)
    return _Compared(matched, left, first)


def _plan(result: RosterImportResult, prefetch: Future | None = None) -> _Plan:
    """Diff the rows against the stored roster; adds the database warnings to `result`."""
    started = time.perf_counter()
    unit, period = result.unit, result.period
    same_month, compared = _comparison_rosters(unit.pk, period)
    rows = result.rows
    comparison = _compare_with(
        compared, prefetch, [row.nik for row in rows], every=result.every_change
    )
    stored = comparison.matched
    result.compared_with = compared.period if compared else None
    result.replaces = replaces = same_month is not None
    plan = _Plan(roster=same_month)

    existing = bulk.fetch_workers([row.nik for row in rows if row.nik not in stored])
    elsewhere = bulk.fetch_other_rosters(
        period=period, unit_id=unit.pk, niks=[row.nik for row in rows]
    )
    sheet, nik_label = result.sheet, _nik_label(result)
    name_units = import_scope.unit_namer(result.by)
    changes: list[RowChange] = []
    updated = unchanged = 0
    worker_ids, new_workers, worker_updates = plan.worker_ids, plan.new_workers, plan.worker_updates
    insert_rows, keep_ids = plan.insert_rows, plan.keep_entry_ids
    for row in rows:
        nik = row.nik
        before = stored.get(nik)
        if before is None:
            changes.append(
                RowChange("created", nik, row.name, row.row, wage=row.wage, position=row.position)
            )
            worker = existing.get(nik)
            if worker is None:
                new_workers.append((nik, row.name, row.birth_date, row.sex))
            else:
                worker_ids[nik] = worker[0]
                if worker[1:] != (row.name, row.birth_date, row.sex):
                    worker_updates.append((worker[0], row.name, row.birth_date, row.sex))
                if worker[1].casefold() != row.name.casefold():
                    result.problems.append(
                        Problem(
                            sheet, row.row, nik_label,
                            str(NIK_REGISTERED_OTHER_NAME % {"nik": nik}), WARNING,
                        )
                    )  # fmt: skip
            insert_rows.append(row)
        else:
            worker_ids[nik] = before.worker_id
            same = before[4:] == row[2:]
            if same:
                unchanged += 1
            else:
                updated += 1
                diff = {
                    f: (getattr(before, f), getattr(row, f))
                    for f in COMPARED_FIELDS
                    if getattr(before, f) != getattr(row, f)
                }
                changes.append(
                    RowChange("updated", nik, row.name, row.row, diff, row.wage, row.position)
                )
                if before[4:7] != row[2:5]:  # name, birth date, sex: the worker's own data
                    worker_updates.append((before.worker_id, row.name, row.birth_date, row.sex))
            if replaces and same and before.row == row.row:
                keep_ids.append(before.entry_id)
            else:
                insert_rows.append(row)
        others = elsewhere.get(nik)
        if others:
            result.created_elsewhere += before is None
            others = name_units(others)
            result.double_enrolments.append(DoubleEnrolment(nik, row.name, row.row, others))
            units = ", ".join(code for code, _name in others)
            result.problems.append(
                Problem(
                    sheet, row.row, nik_label,
                    str(DOUBLE_ENROLMENT % {"nik": nik, "units": units, "period": f"{period:%Y-%m}"}),
                    WARNING,
                )
            )  # fmt: skip
    if worker_updates:
        _keep_identities_outside_scope(result, plan, nik_label)
    # Those who leave: all counted, the first CHANGES_LISTED (by row) listed; a replaced
    # month's entries outside `keep_ids` are deleted in SQL when it is written.
    for before in comparison.left_first:
        changes.append(
            RowChange(
                "left", before.nik, before.name, None, wage=before.wage, position=before.position
            )
        )
    result.created = len(rows) - updated - unchanged
    result.updated, result.unchanged, result.left = updated, unchanged, comparison.left
    result.changes = changes
    result.timings["preview"] = time.perf_counter() - started
    return plan


def _keep_identities_outside_scope(result: RosterImportResult, plan: _Plan, nik_label) -> None:
    """Workers also on rosters outside the uploader's scope keep their identity; a warning says so."""
    locked = import_scope.identity_locked([u[0] for u in plan.worker_updates], by=result.by)
    if not locked:
        return
    plan.worker_updates[:] = [u for u in plan.worker_updates if u[0] not in locked]
    nik_of = {worker_id: nik for nik, worker_id in plan.worker_ids.items() if worker_id in locked}
    stored = set(nik_of.values())
    rows = {row.nik: row.row for row in result.rows if row.nik in stored}
    for nik in stored:
        renamed = str(NIK_REGISTERED_OTHER_NAME % {"nik": nik})  # "will be updated": not so
        result.problems[:] = [
            p for p in result.problems if not (p.row == rows[nik] and p.message == renamed)
        ]
        result.problems.append(
            Problem(
                result.sheet, rows[nik], nik_label,
                str(import_scope.IDENTITY_KEPT % {"nik": nik}), WARNING,
            )
        )  # fmt: skip


def _nik_label(result: RosterImportResult) -> str:
    """Warnings found by the plan point at the NIK column, named as in the file."""
    return result.columns.get("nik", "NIK")


# --- write ----------------------------------------------------------------------------------------


def _write(result: RosterImportResult, plan: _Plan, *, by, record: RosterUpload) -> Roster:
    started = time.perf_counter()
    now = timezone.now()
    roster = plan.roster or Roster(unit=result.unit, period=result.period)
    roster.file.name = record.file.name
    roster.original_name = record.original_name
    roster.uploaded_by = by
    roster.status = Roster.Status.SUBMITTED
    roster.return_reason = ""
    roster.verified_by = None
    roster.verified_at = None
    roster.entry_count = len(result.rows)
    roster.created_count = result.created
    roster.updated_count = result.updated
    roster.unchanged_count = result.unchanged
    roster.left_count = result.left
    roster._history_user = by
    roster.save()

    stamp = bulk.HistoryStamp(
        when=now,
        user_id=by.pk if by is not None else None,
        reason=_g("Impor roster %(roster)s") % {"roster": roster},
    )
    created_ids = bulk.insert_workers(plan.new_workers)
    plan.worker_ids.update(created_ids)
    raced = [w for w in plan.new_workers if w[0] not in created_ids]
    if raced:  # created by a concurrent import of another unit since the plan was made
        for nik, values in bulk.fetch_workers([w[0] for w in raced]).items():
            plan.worker_ids[nik] = values[0]
    bulk.update_workers(plan.worker_updates, stamp=stamp)
    if plan.roster is not None:  # a re-upload of the month: only the kept entries stay
        bulk.delete_entries_except(roster.pk, plan.keep_entry_ids)
    bulk.insert_entries(
        [
            (
                roster.pk,
                plan.worker_ids[row.nik],
                row.row,
                row.position,
                row.segment,
                row.wage,
                row.start_date,
                row.kpj,
            )
            for row in plan.insert_rows
        ]
    )
    result.roster = roster
    result.timings["write"] = time.perf_counter() - started
    return roster


# --- verify / return ------------------------------------------------------------------------------


@dataclass
class RosterVerifyResult:
    roster: Roster
    already: bool = False  # it was verified before; nothing changed
    opened: int = 0
    closed: int = 0
    removed: int = 0
    workers_started: int = 0  # people whose JKK + JKM cover starts with this roster
    workers_ended: int = 0
    billing: BillsGenerateResult | None = None  # the month's bill, created or recomputed


def _transition(roster: Roster, target: str, action) -> None:
    if target not in TRANSITIONS.get(roster.status, set()):
        raise ValidationError(
            TRANSITION_NOT_ALLOWED
            % {"roster": roster, "status": roster.get_status_display(), "action": action},
            code="transition",
        )


def roster_verify(*, roster: Roster, by=None) -> RosterVerifyResult:
    """Verify a submitted roster and derive its memberships (JKK and JKM) from it.

    Workers on the roster without an open membership through the unit get one
    from the roster's month; members no longer on it end on the last day of the
    previous month. Verifying a verified roster again changes nothing.
    """
    from enrollment.services.memberships import memberships_sync

    _require_can_verify(roster=roster, by=by)
    with transaction.atomic():
        lock_unit(roster.unit_id)  # the unit first, as the import does: one order, no deadlock
        roster = Roster.objects.select_for_update().select_related("unit").get(pk=roster.pk)
        if roster.status == Roster.Status.VERIFIED:
            return RosterVerifyResult(roster=roster, already=True)
        _transition(roster, Roster.Status.VERIFIED, ACTION_VERIFY)
        roster.status = Roster.Status.VERIFIED
        roster.verified_by = by
        roster.verified_at = timezone.now()
        roster.return_reason = ""
        roster._history_user = by
        roster.save(
            update_fields=["status", "verified_by", "verified_at", "return_reason", "updated_at"]
        )
        sync = memberships_sync(roster=roster, by=by)
        billing = bill_refresh_for_roster(roster=roster, by=by)
        summary_refresh(unit_ids=[roster.unit_id], since=roster.period)
    return RosterVerifyResult(
        roster=roster,
        opened=sync.opened,
        closed=sync.closed,
        removed=sync.removed,
        workers_started=sync.workers_started,
        workers_ended=sync.workers_ended,
        billing=billing,
    )


def roster_return(*, roster: Roster, by=None, reason: str) -> Roster:
    """Send a submitted roster back to the treasurer with the reason to fix."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(RETURN_REASON_REQUIRED, code="reason_required")
    _require_can_verify(roster=roster, by=by)
    with transaction.atomic():
        lock_unit(roster.unit_id)
        roster = Roster.objects.select_for_update().select_related("unit").get(pk=roster.pk)
        _transition(roster, Roster.Status.RETURNED, ACTION_RETURN)
        roster.status = Roster.Status.RETURNED
        roster.return_reason = reason
        roster._history_user = by
        roster.save(update_fields=["status", "return_reason", "updated_at"])
        summary_refresh(
            unit_ids=[roster.unit_id], since=roster.period, until=roster.period, coverage=False
        )
    return roster
