"""Roster uploads that never reached a final state (issue #11): found and closed; the files
of imports never confirmed, deleted after the retention (issue #14)."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from enrollment.models import Roster, RosterUpload

logger = logging.getLogger(__name__)


def uploads_stale(*, before: datetime):
    """Uploads still pending that were made before `before` (previews never confirmed too)."""
    return RosterUpload.objects.filter(
        status=RosterUpload.Status.PENDING, created_at__lt=before
    ).order_by("created_at")


def uploads_abandon(*, before: datetime) -> int:
    """Mark stale pending uploads abandoned; their files stay, like a rejected upload's."""
    with transaction.atomic():
        return uploads_stale(before=before).update(
            status=RosterUpload.Status.ABANDONED, updated_at=timezone.now()
        )


# --- retention: files of imports never confirmed (issue #14) -------------------------------------


@dataclass
class PurgeResult:
    """What `uploads_purge` deleted (or, with dry_run, would delete)."""

    roster_uploads: list[int] = field(default_factory=list)  # RosterUpload ids
    import_checks: list[int] = field(default_factory=list)  # payment/KPJ check Job ids
    files: int = 0  # files that were still on the storage
    bytes: int = 0


def uploads_purge(*, before: datetime, dry_run: bool = False) -> PurgeResult:
    """Delete the files of imports never confirmed or refused, uploaded before `before`.

    - Roster uploads pending, abandoned or rejected: the file goes, the upload stays (its
      preview, counts and problems) with `file_purged_at`; a pending one becomes abandoned.
      An imported upload's file is its roster's and is never touched, nor any file a roster
      names.
    - Payment and KPJ files kept for a check (`enrollment.import_jobs`): the file goes and the
      check is marked purged (it can no longer be imported), unless an import of it started
      after `before` (a failed import younger than the retention keeps its file), is still
      queued or running, or succeeded (it deleted the file itself; a confirmed import's file
      is never touched here).
    """
    result = PurgeResult()
    kept_by_rosters = set(Roster.objects.exclude(file="").values_list("file", flat=True))
    uploads = RosterUpload.objects.filter(
        status__in=[
            RosterUpload.Status.PENDING,
            RosterUpload.Status.ABANDONED,
            RosterUpload.Status.REJECTED,
        ],
        created_at__lt=before,
        file_purged_at__isnull=True,
    ).order_by("pk")
    for upload in uploads:
        name = upload.file.name
        if name and name not in kept_by_rosters:
            _delete(name, result, dry_run=dry_run)
        result.roster_uploads.append(upload.pk)
        if not dry_run:
            status = upload.status
            if status == RosterUpload.Status.PENDING:
                status = RosterUpload.Status.ABANDONED
            now = timezone.now()
            RosterUpload.objects.filter(pk=upload.pk, file_purged_at__isnull=True).update(
                file="", file_purged_at=now, status=status, updated_at=now
            )
    for check in _stale_checks(before):
        _delete(check.params["path"], result, dry_run=dry_run)
        result.import_checks.append(check.pk)
        if not dry_run:
            check.params = {**check.params, "purged": timezone.now().isoformat()}
            check.save(update_fields=["params"])
    return result


def _stale_checks(before: datetime) -> list:
    from enrollment.import_jobs import KPJ, PAYMENTS
    from jobs.models import Job

    kinds = [PAYMENTS, KPJ]
    checks = Job.objects.filter(kind__in=kinds, created_at__lt=before, params__dry_run=True)
    imports = Job.objects.filter(kind__in=kinds, params__dry_run=False).values_list(
        "params", "state", "created_at"
    )
    keep = {  # imported (its file went with the commit), still running, or failed lately
        params.get("checked_by_job")
        for params, state, created in imports
        if created >= before or state != Job.State.FAILED
    }
    return [
        check
        for check in checks.order_by("pk")
        if check.pk not in keep and check.params.get("path") and not check.params.get("purged")
    ]


def _delete(name: str, result: PurgeResult, *, dry_run: bool) -> None:
    try:
        if not default_storage.exists(name):
            return
        size = default_storage.size(name)
        if not dry_run:
            default_storage.delete(name)
    except OSError:
        logger.warning("upload file %s could not be deleted", name, exc_info=True)
        return
    result.files += 1
    result.bytes += size
