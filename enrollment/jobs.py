"""Enrollment work as jobs (jobs/): a large roster's preview, import and verification; billing.

The admin's upload page sends a file of at least `ROSTER_JOB_MIN_BYTES` here
instead of previewing it within the request: the file is kept first (a pending
`RosterUpload`, on the storage every web and worker machine shares), then a
job checks it (`roster_upload_preview`) and the progress page opens the same
preview page as before; confirming a large upload imports it in a job
(`roster_upload_confirm`) that ends on the roster's page. Both call the one
roster service; both are safe to run twice (a redelivered job).
"""

from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.roles import scope_for
from enrollment.billing.services import bills_generate
from enrollment.models import Roster, RosterUpload
from enrollment.services.rosters import (
    month_start,
    roster_upload_confirm,
    roster_upload_keep,
    roster_upload_preview,
    roster_verify,
)
from enrollment.summary import summary_rebuild
from jobs.models import Job
from jobs.services import JobOutcome, job_start, register
from regencies.models import Regency

PREVIEW = "roster_preview"
IMPORT = "roster_import"
VERIFY = "roster_verify"
BILLING = "bills_generate"
SUMMARY = "summary_rebuild"
BILLING_NOT_ALLOWED = _("Hanya administrator provinsi yang dapat menjalankan penagihan.")


def is_large(size: int | None) -> bool:
    return size is not None and size >= settings.ROSTER_JOB_MIN_BYTES


def is_large_roster(roster: Roster) -> bool:
    return roster.entry_count >= settings.ROSTER_JOB_MIN_ROWS


def roster_preview_start(*, unit, period, upload, by) -> Job:
    """Keep the file and check it in a job; the job's result page is the upload's preview."""
    record = roster_upload_keep(unit=unit, period=period, upload=upload, by=by)
    return job_start(PREVIEW, {"upload_id": record.pk}, by=by, unit=unit)


def roster_import_start(*, upload: RosterUpload, by, typed: str = "") -> Job:
    """Import a kept upload in a job; its result page is the roster (or the preview if refused).

    `typed`: the second confirmation of a suspect preview (see `roster_upload_confirm`).
    """
    return job_start(IMPORT, {"upload_id": upload.pk, "typed": typed}, by=by, unit=upload.unit)


def roster_verify_start(*, roster: Roster, by) -> Job:
    """Verify a large roster in a job (memberships and the month's bill); ends on the roster."""
    return job_start(VERIFY, {"roster_id": roster.pk}, by=by, unit=roster.unit)


def _preview_url(upload: RosterUpload) -> str:
    return reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])


def _upload(job: Job) -> RosterUpload:
    return RosterUpload.objects.select_related("unit").get(pk=job.params["upload_id"])


def run_preview(job: Job, progress) -> JobOutcome:
    upload = _upload(job)
    if upload.status == RosterUpload.Status.PENDING:
        roster_upload_preview(upload=upload, by=job.owner, progress=progress)
        upload.refresh_from_db()
    summary = upload.summary or {}
    return JobOutcome(
        {"upload_id": upload.pk, "ok": bool(summary.get("ok")), "rows": upload.row_count},
        _preview_url(upload),
    )


def run_import(job: Job, progress) -> JobOutcome:
    upload = _upload(job)
    if upload.status == RosterUpload.Status.PENDING:
        result = roster_upload_confirm(
            upload=upload, by=job.owner, typed=job.params.get("typed", ""), progress=progress
        )
        upload.refresh_from_db()
        if not result.ok:
            return JobOutcome({"upload_id": upload.pk, "ok": False}, _preview_url(upload))
    elif upload.status == RosterUpload.Status.REJECTED:
        return JobOutcome({"upload_id": upload.pk, "ok": False}, _preview_url(upload))
    # Imported now, or by an earlier attempt of this job: the roster holds the counts.
    roster = Roster.objects.get(pk=upload.roster_id)
    return JobOutcome(
        {
            "upload_id": upload.pk,
            "ok": True,
            "roster_id": roster.pk,
            "entries": roster.entry_count,
            "created": roster.created_count,
            "updated": roster.updated_count,
            "unchanged": roster.unchanged_count,
            "left": roster.left_count,
        },
        reverse("admin:enrollment_roster_change", args=[roster.pk]),
    )


def run_verify(job: Job, progress) -> JobOutcome:
    """roster_verify is one transaction, and verifying a verified roster changes nothing."""
    roster = Roster.objects.select_related("unit").get(pk=job.params["roster_id"])
    progress(total=roster.entry_count, read=roster.entry_count, checked=roster.entry_count)
    result = roster_verify(roster=roster, by=job.owner)
    progress(written=roster.entry_count)
    return JobOutcome(
        {
            "roster_id": roster.pk,
            "already": result.already,
            "opened": result.opened,
            "closed": result.closed,
            "removed": result.removed,
        },
        reverse("admin:enrollment_roster_change", args=[roster.pk]),
    )


def _require_province(by) -> None:
    scope = scope_for(by)
    if scope is None or not scope.is_province:
        raise PermissionDenied(BILLING_NOT_ALLOWED)


def bills_generate_start(*, period, regency: Regency | None = None, by) -> Job:
    """A month's bills for the province (or one regency) in a job: the province admin only.

    Started from the province's runs page (`BillAdmin.runs_view`).
    """
    _require_province(by)
    params = {"period": f"{period:%Y-%m}", "regency_id": regency.pk if regency else None}
    return job_start(BILLING, params, by=by)


def run_billing(job: Job, progress) -> JobOutcome:
    """bills_generate is all or nothing and idempotent: a second run changes nothing."""
    _require_province(job.owner)
    regency_id = job.params.get("regency_id")
    regency = Regency.objects.get(pk=regency_id) if regency_id else None
    result = bills_generate(period=month_start(job.params["period"]), regency=regency, by=job.owner)
    progress(total=len(result.bill_ids), written=len(result.bill_ids))
    summary = asdict(result)
    summary["period"] = job.params["period"]
    summary.pop("bill_ids")
    summary["regency"] = str(regency) if regency else ""
    return JobOutcome(summary, reverse("jobs:result", args=[job.pk]))


def summary_rebuild_start(*, periods: list, regency: Regency | None = None, by) -> Job:
    """Rebuild the dashboard's coverage summary for months (of one regency) in a job."""
    _require_province(by)
    params = {
        "periods": [f"{p:%Y-%m}" for p in periods],
        "regency_id": regency.pk if regency else None,
    }
    return job_start(SUMMARY, params, by=by)


def run_summary(job: Job, progress) -> JobOutcome:
    """summary_rebuild is one transaction that rewrites the months: running it twice is the same."""
    _require_province(job.owner)
    regency_id = job.params.get("regency_id")
    regency = Regency.objects.get(pk=regency_id) if regency_id else None
    periods = [month_start(p) for p in job.params["periods"]]
    written = summary_rebuild(periods=periods, regency=regency)
    progress(total=written, read=written, checked=written, written=written)
    result = {"periods": job.params["periods"], "regency": str(regency) if regency else "",
              "written": written}  # fmt: skip
    return JobOutcome(result, reverse("jobs:result", args=[job.pk]))


def province_run_page(request, job: Job) -> tuple[str, dict]:
    """The outcome of a billing run or a summary rebuild, as counts."""
    titles = {BILLING: _("Penagihan selesai"), SUMMARY: _("Ringkasan cakupan dibangun ulang")}
    return "jobs/province_run_result.html", {"title": titles[job.kind], "result": job.result}


def register_kinds() -> None:
    from enrollment import export_jobs, import_jobs

    import_jobs.register_kinds()
    export_jobs.register_kinds()
    register(PREVIEW, run_preview)
    register(IMPORT, run_import)
    register(VERIFY, run_verify)
    register(BILLING, run_billing, page=province_run_page)
    register(SUMMARY, run_summary, page=province_run_page)
