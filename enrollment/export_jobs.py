"""The forecast and dashboard .xlsx exports as jobs (jobs/), for scopes of many units.

An export over at least `EXPORT_JOB_MIN_UNITS` work units (in the user's scope,
or the chosen regency) is written by a job to the shared storage; the job's
result page offers the download (`jobs:download`), to the job's owner only.
Each job computes with its owner's scope, exactly as the request path does,
and writes its file under its own id, so a retried job overwrites it.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from bpjs_tracker.db_router import reading_from_replica
from jobs.models import Job
from jobs.services import JobOutcome, job_start, register
from regencies.models import Regency, WorkUnit

FORECAST = "forecast_export"
DASHBOARD = "dashboard_export"


def _units(user, regency: Regency | None) -> int:
    units = WorkUnit.objects.visible_to(user)
    return (units.filter(regency=regency) if regency else units).count()


def is_large(user, regency: Regency | None) -> bool:
    return _units(user, regency) >= settings.EXPORT_JOB_MIN_UNITS


def forecast_export_start(*, year: int, regency, growth: Decimal, wage_change: Decimal, by) -> Job:
    params = {
        "year": year,
        "regency_id": regency.pk if regency else None,
        "growth": str(growth),
        "wage_change": str(wage_change),
    }
    return job_start(FORECAST, params, by=by)


def dashboard_export_start(*, period: date, regency, by) -> Job:
    params = {"period": f"{period:%Y-%m}", "regency_id": regency.pk if regency else None}
    return job_start(DASHBOARD, params, by=by)


def _regency(job: Job) -> Regency | None:
    """The job's regency, within its owner's scope (as the request path chose it)."""
    regency_id = job.params.get("regency_id")
    if regency_id is None:
        return None
    return Regency.objects.visible_to(job.owner).get(pk=regency_id)


def _write(job: Job, name: str, content: bytes, units: int) -> JobOutcome:
    path = f"jobs/exports/{job.pk}/{name}"
    if default_storage.exists(path):  # an earlier attempt's file: replaced, not doubled
        default_storage.delete(path)
    stored = default_storage.save(path, ContentFile(content))
    result = {"file": stored, "file_name": name, "units": units}
    return JobOutcome(result, reverse("jobs:result", args=[job.pk]))


def run_forecast(job: Job, progress) -> JobOutcome:
    from enrollment.billing.exports import forecast_workbook
    from enrollment.billing.selectors import budget_forecast

    regency = _regency(job)
    units = _units(job.owner, regency)
    progress(total=units)
    with reading_from_replica():
        forecast = budget_forecast(
            user=job.owner,
            year=job.params["year"],
            regency=regency,
            growth_percent=Decimal(job.params["growth"]),
            wage_change_percent=Decimal(job.params["wage_change"]),
        )
    progress(read=units, checked=units)
    content = forecast_workbook(forecast)
    name = f"proyeksi-iuran-{job.params['year']}-{regency.code if regency else 'semua'}.xlsx"
    outcome = _write(job, name, content, units)
    progress(written=units)
    return outcome


def run_dashboard(job: Job, progress) -> JobOutcome:
    from bpjs_tracker.dashboard.selectors import coverage_table
    from bpjs_tracker.dashboard.views import coverage_filename, coverage_workbook
    from enrollment.services.rosters import month_start

    regency = _regency(job)
    units = _units(job.owner, regency)
    progress(total=units)
    with reading_from_replica():
        table = coverage_table(
            user=job.owner, period=month_start(job.params["period"]), regency=regency
        )
    progress(read=units, checked=units)
    outcome = _write(job, coverage_filename(table, "xlsx"), coverage_workbook(table), units)
    progress(written=units)
    return outcome


def export_page(request, job: Job) -> tuple[str, dict]:
    titles = {FORECAST: _("Proyeksi anggaran iuran siap diunduh"),
              DASHBOARD: _("Ekspor cakupan siap diunduh")}  # fmt: skip
    return "jobs/export_result.html", {
        "title": titles[job.kind],
        "download_url": reverse("jobs:download", args=[job.pk]),
        "back_url": reverse(
            "admin:enrollment_bill_forecast" if job.kind == FORECAST else "admin:index"
        ),
    }


def register_kinds() -> None:
    register(FORECAST, run_forecast, page=export_page)
    register(DASHBOARD, run_dashboard, page=export_page)
