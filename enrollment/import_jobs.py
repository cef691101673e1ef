"""Payment and KPJ files as jobs (jobs/): the check and the import of a large file.

A file of at least `IMPORT_JOB_MIN_BYTES` is kept on the shared storage and
checked by a job (dry run); its result page is the import page with the same
preview, problems and summary as the in-process path, and a confirm button
that imports the same kept file in a second job. Each job calls the one
service (`payments_import`, `membership_kpj_import`), all or nothing; the
import and the job's state commit in one transaction, so a redelivered job
finds itself done and saves nothing twice.
"""

import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from enrollment.billing.payments import STATUS_LABELS, payments_import
from enrollment.services.memberships import membership_kpj_import
from jobs.models import Job
from jobs.services import JobOutcome, job_done_within, job_start, register

PAYMENTS = "payments_import"
KPJ = "kpj_import"


def is_large(size: int | None) -> bool:
    return size is not None and size >= settings.IMPORT_JOB_MIN_BYTES


def _keep(folder: str, upload) -> str:
    upload.seek(0)
    name = f"jobs/{folder}/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    return default_storage.save(name, ContentFile(upload.read()))


def import_start(kind: str, *, upload=None, kept: Job | None = None, by) -> Job:
    """Check a new upload (dry run), or import the file a finished check kept (`kept`).

    A check is imported once: confirming it again (a second click, the back button)
    returns the import job it already started.
    """
    if kept is not None:
        started = Job.objects.filter(kind=kind, owner=by, params__checked_by_job=kept.pk).first()
        if started is not None:
            return started
    if kept is None:
        folder = "payments" if kind == PAYMENTS else "kpj"
        params = {"path": _keep(folder, upload), "name": Path(upload.name).name, "dry_run": True}
    else:
        params = {**kept.params, "dry_run": False, "checked_by_job": kept.pk}
    return job_start(kind, params, by=by)


def checked_job(request, kind: str, job_id) -> Job | None:
    """The user's own finished, clean check of a file, ready to import; else None."""
    job = (
        Job.objects.visible_to(request.user)
        .filter(pk=job_id if str(job_id).isdigit() else None, kind=kind, state=Job.State.DONE)
        .first()
    )
    if job is None or not job.params.get("dry_run") or not (job.result or {}).get("ok"):
        return None
    if job.params.get("purged"):  # its file is gone (purge_abandoned_uploads): check again
        return None
    return job


def _imported_before(job: Job) -> JobOutcome | None:
    """An import's result is written only within its transaction: if there is one, an earlier
    attempt committed the import, and this one reports it rather than running again."""
    if job.params.get("dry_run") or job.result is None:
        return None
    return JobOutcome(job.result, _url(job))


def _read(job: Job) -> bytes:
    with default_storage.open(job.params["path"], "rb") as handle:
        return handle.read()


def _finish(job: Job, outcome: JobOutcome) -> JobOutcome:
    """A real import: the job is done within the import's transaction (or at once when nothing
    was saved: a refused file, nothing to change); the kept file goes after the commit."""
    if job.params.get("dry_run"):
        return outcome
    path = job.params["path"]
    transaction.on_commit(lambda: default_storage.delete(path))
    return job_done_within(job, outcome)


def _url(job: Job) -> str:
    return reverse("jobs:result", args=[job.pk])


# --- payments ----------------------------------------------------------------------------------


def _run_import(job: Job, run, outcome) -> JobOutcome:
    """A payment or KPJ import as a job: the service reports rows read and checked as it goes,
    written once committed; a real import marks the job done within its own transaction
    (`within`), so the payments or numbers and the job's state commit together."""
    if (before := _imported_before(job)) is not None:
        return before
    done: list[JobOutcome] = []
    result = run(within=lambda saved: done.append(_finish(job, outcome(job, saved))))
    return done[0] if done else _finish(job, outcome(job, result))


def run_payments(job: Job, progress) -> JobOutcome:
    return _run_import(
        job,
        lambda within: payments_import(
            name=job.params["name"],
            content=_read(job),
            by=job.owner,
            dry_run=job.params["dry_run"],
            progress=progress,
            within=within,
        ),
        _payments_outcome,
    )


def _payments_outcome(job: Job, result) -> JobOutcome:
    data = {
        "file_name": result.file_name,
        "dry_run": result.dry_run,
        "ok": result.ok,
        "saved": result.saved,
        "problems": [str(p) for p in result.problems],
        "rows": [
            {
                "row": r.row,
                "status": r.status,
                "unit_code": r.unit_code,
                "period": r.period.isoformat() if r.period else None,
                "amount": r.amount,
                "owed": r.owed,
                "reference": r.reference,
                "message": str(r.message),
            }
            for r in result.rows
        ],
    }
    return JobOutcome(data, _url(job))


def _payment_row(data: dict) -> SimpleNamespace:
    owed = data["owed"]
    return SimpleNamespace(
        **{**data, "period": date.fromisoformat(data["period"]) if data["period"] else None},
        difference=None if owed is None else data["amount"] - owed,
    )


def payments_page(request, job: Job) -> tuple[str, dict]:
    from enrollment.billing.admin import PaymentImportForm
    from enrollment.models import Payment

    data = job.result
    result = SimpleNamespace(**{**data, "rows": [_payment_row(r) for r in data["rows"]]})
    done = ""
    if not data["dry_run"] and data["ok"]:
        done = _("%(n)s pembayaran dari %(file)s disimpan.") % {
            "n": data["saved"],
            "file": data["file_name"],
        }
    return "admin/enrollment/payment/import.html", {
        "opts": Payment._meta,
        "title": _("Impor berkas pembayaran"),
        "form": PaymentImportForm(),
        "result": result,
        "labels": STATUS_LABELS,
        "confirm_job": job.pk if data["dry_run"] and data["ok"] else None,
        "done_message": done,
    }


# --- KPJ numbers -------------------------------------------------------------------------------


def run_kpj(job: Job, progress) -> JobOutcome:
    return _run_import(
        job,
        lambda within: membership_kpj_import(
            upload=SimpleUploadedFile(job.params["name"], _read(job)),
            by=job.owner,
            dry_run=job.params["dry_run"],
            progress=progress,
            within=within,
        ),
        _kpj_outcome,
    )


def _kpj_outcome(job: Job, result) -> JobOutcome:
    data = {
        "dry_run": result.dry_run,
        "ok": result.ok,
        "row_count": result.row_count,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "problems": [
            {"location": p.location, "is_error": p.is_error, "message": str(p.message)}
            for p in result.sorted_problems()
        ],
        "changes": [
            {
                "nik": c.nik,
                "name": c.name,
                "unit": c.unit,
                "programme": c.programme,
                "old": c.old,
                "new": c.new,
            }
            for c in result.changes
        ],
    }
    return JobOutcome(data, _url(job))


def kpj_page(request, job: Job) -> tuple[str, dict]:
    from enrollment.forms import KpjUploadForm
    from enrollment.models import Membership

    data = job.result
    result = SimpleNamespace(**data, sorted_problems=data["problems"])
    done = ""
    if not data["dry_run"] and data["ok"]:
        done = _("%(count)s nomor KPJ disimpan.") % {"count": data["updated"]}
    return "admin/enrollment/membership/kpj_import.html", {
        "opts": Membership._meta,
        "title": _("Impor nomor KPJ"),
        "form": KpjUploadForm(),
        "result": result,
        "confirm_job": job.pk if data["dry_run"] and data["ok"] else None,
        "done_message": done,
    }


def register_kinds() -> None:
    register(PAYMENTS, run_payments, page=payments_page)
    register(KPJ, run_kpj, page=kpj_page)
