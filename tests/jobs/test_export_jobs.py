"""Forecast and dashboard .xlsx exports over EXPORT_JOB_MIN_UNITS units: written by a job.

The workbook equals the one the request path writes; the result page offers the
download; only the job's owner sees the result and the file.
"""

import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from bpjs_tracker.roles import Role
from enrollment.export_jobs import DASHBOARD, FORECAST
from jobs.models import Job
from jobs.services import job_run
from tests.enrollment.billing_helpers import verified_roster

FORECAST_XLSX = reverse("admin:enrollment_bill_forecast") + "?year=2026&growth=5&format=xlsx"
DASHBOARD_XLSX = reverse("admin:dashboard_xlsx") + "?period=2025-01"


def _values(content: bytes, *, skip_first_cell=()) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [
            row for row in sheet.iter_rows(values_only=True) if row[0] not in skip_first_cell
        ]
        for sheet in book.worksheets
    }


@pytest.fixture
def rosters(world):
    verified_roster(world.kdi_dlhk, date(2025, 1, 1), [2_750_000, 3_000_000])
    return world


def _download(client, url, settings) -> tuple[Job, bytes]:
    settings.EXPORT_JOB_MIN_UNITS = 1
    response = client.get(url)
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("jobs:progress", args=[job.pk])
    assert job.state == Job.State.DONE, job.error
    page = client.get(reverse("jobs:progress", args=[job.pk]), follow=True)
    download = reverse("jobs:download", args=[job.pk])
    assert download in page.content.decode()
    answer = client.get(download)
    assert answer.status_code == 200
    assert f'filename="{job.result["file_name"]}"' in answer["Content-Disposition"]
    return job, b"".join(answer.streaming_content)


def test_a_small_forecast_export_is_still_written_within_the_request(
    client, rosters, province_admin, settings
):
    settings.EXPORT_JOB_MIN_UNITS = 10_000
    client.force_login(province_admin)
    response = client.get(FORECAST_XLSX)
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert not Job.objects.exists()


def test_a_large_forecast_export_is_the_same_workbook_from_a_job(
    client, rosters, province_admin, settings
):
    client.force_login(province_admin)
    settings.EXPORT_JOB_MIN_UNITS = 10_000
    in_request = client.get(FORECAST_XLSX).content
    job, from_job = _download(client, FORECAST_XLSX, settings)
    assert job.kind == FORECAST
    assert job.result["file_name"] == "proyeksi-iuran-2026-semua.xlsx"
    created = {"Dibuat", "Created"}  # the time it was written
    assert _values(from_job, skip_first_cell=created) == _values(
        in_request, skip_first_cell=created
    )


def test_a_large_dashboard_export_is_the_same_workbook_from_a_job(
    client, rosters, province_admin, settings
):
    client.force_login(province_admin)
    settings.EXPORT_JOB_MIN_UNITS = 10_000
    in_request = client.get(DASHBOARD_XLSX).content
    job, from_job = _download(client, DASHBOARD_XLSX, settings)
    assert job.kind == DASHBOARD
    assert _values(from_job) == _values(in_request)


def test_a_retried_export_job_leaves_one_file(client, rosters, province_admin, settings):
    client.force_login(province_admin)
    job, _content = _download(client, DASHBOARD_XLSX, settings)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # redelivered
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    _dirs, files = default_storage.listdir(f"jobs/exports/{job.pk}")
    assert files == [job.result["file_name"]]


@pytest.mark.parametrize("role", [Role.SEKDA, Role.BRANCH_STAFF, Role.OPD_TREASURER])
def test_only_the_owner_sees_an_exports_result_and_file(
    client, rosters, province_admin, settings, role
):
    client.force_login(province_admin)
    job, _content = _download(client, DASHBOARD_XLSX, settings)
    client.force_login(rosters.user(role))
    for name in ("jobs:progress", "jobs:result", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    client.logout()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_a_sekdas_large_export_is_of_their_regency_only(client, rosters, settings):
    sekda = rosters.user(Role.SEKDA)
    client.force_login(sekda)
    job, content = _download(client, DASHBOARD_XLSX, settings)
    assert job.owner == sekda
    settings.EXPORT_JOB_MIN_UNITS = 10_000
    assert _values(content) == _values(client.get(DASHBOARD_XLSX).content)
    client.force_login(rosters.user(Role.PROVINCE_ADMIN))
    assert _values(content) != _values(client.get(DASHBOARD_XLSX).content)


def test_a_running_export_has_no_download_yet(client, rosters, province_admin, settings):
    client.force_login(province_admin)
    job, _content = _download(client, DASHBOARD_XLSX, settings)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:result", args=[job.pk]))["Location"] == reverse(
        "jobs:progress", args=[job.pk]
    )
