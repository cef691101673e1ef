"""Large roster files go through a job: progress page → preview → confirm → job → roster.

Without a broker (the test suite, `make run`) the job runs in-process, in the
request that starts it, so the progress page finds it finished.
"""

import pytest
from django.urls import reverse

from enrollment.jobs import IMPORT, PREVIEW
from enrollment.models import Membership, Roster, RosterEntry, RosterUpload
from jobs.models import Job
from jobs.services import job_run
from tests.enrollment.conftest import roster_csv, sample, worker_row
from tests.factories import make_nik

UPLOAD = reverse("admin:enrollment_roster_upload")


@pytest.fixture
def every_file_is_large(settings):
    settings.ROSTER_JOB_MIN_BYTES = 1


def _upload(client, unit, upload, period="2025-01"):
    return client.post(UPLOAD, {"unit": unit.pk, "period": period, "file": upload})


def test_a_large_file_is_previewed_in_a_job_then_imported_in_another(
    client, world, opd_treasurer, every_file_is_large
):
    client.force_login(opd_treasurer)
    response = _upload(client, world.kdi_dlhk, sample("good_roster.xlsx"))
    preview_job = Job.objects.get(kind=PREVIEW)
    assert response["Location"] == reverse("jobs:progress", args=[preview_job.pk])
    upload = RosterUpload.objects.get()
    preview_url = reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])
    assert (preview_job.state, preview_job.result_url) == (Job.State.DONE, preview_url)
    # the sample holds 3 workers: each read and checked, none written by a preview
    assert (preview_job.rows_total, preview_job.rows_read, preview_job.rows_checked) == (3, 3, 3)
    assert preview_job.rows_written == 0
    assert Roster.objects.count() == 0

    assert client.get(response["Location"])["Location"] == preview_url  # done: straight there
    page = client.get(preview_url)
    assert page.context["can_confirm"] and page.context["summary"]["created"] == 3

    confirmed = client.post(preview_url)
    import_job = Job.objects.get(kind=IMPORT)
    assert confirmed["Location"] == reverse("jobs:progress", args=[import_job.pk])
    roster = Roster.objects.get()
    assert import_job.state == Job.State.DONE
    assert import_job.result_url == reverse("admin:enrollment_roster_change", args=[roster.pk])
    assert import_job.result == {
        "upload_id": upload.pk, "ok": True, "roster_id": roster.pk, "entries": 3,
        "created": 3, "updated": 0, "unchanged": 0, "left": 0,
    }  # fmt: skip
    assert (import_job.rows_read, import_job.rows_checked, import_job.rows_written) == (3, 3, 3)
    assert roster.entries.count() == 3


def test_a_small_file_is_previewed_within_the_request_as_before(client, world, opd_treasurer):
    client.force_login(opd_treasurer)
    response = _upload(client, world.kdi_dlhk, sample("good_roster.xlsx"))
    upload = RosterUpload.objects.get()
    assert response["Location"] == reverse(
        "admin:enrollment_roster_upload_preview", args=[upload.pk]
    )
    assert Job.objects.count() == 0


def test_a_rejected_file_saves_nothing_and_the_job_ends_on_its_problems(
    client, world, opd_treasurer, every_file_is_large
):
    client.force_login(opd_treasurer)
    _upload(client, world.kdi_dlhk, sample("nik_too_short.xlsx"))
    job = Job.objects.get()
    upload = RosterUpload.objects.get()
    assert job.state == Job.State.DONE and job.result["ok"] is False
    assert job.result_url == reverse("admin:enrollment_roster_upload_preview", args=[upload.pk])
    assert upload.status == RosterUpload.Status.REJECTED
    assert (Roster.objects.count(), RosterEntry.objects.count()) == (0, 0)


def test_a_redelivered_import_job_after_the_commit_duplicates_nothing(
    client, world, opd_treasurer, every_file_is_large
):
    """The worker died after the import committed but before the job was marked done."""
    client.force_login(opd_treasurer)
    rows = [worker_row(make_nik(i), f"Pekerja {i}") for i in range(1, 6)]
    _upload(client, world.kdi_dlhk, roster_csv(rows))
    upload = RosterUpload.objects.get()
    client.post(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))
    job = Job.objects.get(kind=IMPORT)
    first = dict(job.result)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, result=None)  # as if it died

    job_run(job.pk)  # the broker hands the message to another worker

    job.refresh_from_db()
    assert (job.state, job.attempts, job.result) == (Job.State.DONE, 2, first)
    assert first["created"] == 5
    assert RosterEntry.objects.count() == 5 and Roster.objects.count() == 1
    assert RosterUpload.objects.get().status == RosterUpload.Status.IMPORTED


def test_a_finished_job_delivered_again_is_left_alone(
    client, world, opd_treasurer, every_file_is_large
):
    client.force_login(opd_treasurer)
    _upload(client, world.kdi_dlhk, sample("good_roster.xlsx"))
    job = Job.objects.get()
    job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 1)


def test_confirming_someone_elses_large_upload_fails_with_the_reason(
    client, world, opd_treasurer, province_admin, every_file_is_large
):
    client.force_login(opd_treasurer)
    _upload(client, world.kdi_dlhk, sample("good_roster.xlsx"))
    upload = RosterUpload.objects.get()
    client.force_login(province_admin)
    client.post(reverse("admin:enrollment_roster_upload_preview", args=[upload.pk]))
    job = Job.objects.get(kind=IMPORT)
    assert job.state == Job.State.FAILED
    assert job.error == "Hanya pengunggah berkas yang dapat mengonfirmasi impornya."
    assert Roster.objects.count() == 0


def test_a_large_roster_is_verified_in_a_job_and_again_changes_nothing(
    client, world, branch_staff, opd_treasurer, settings, every_file_is_large
):
    client.force_login(opd_treasurer)
    rows = [worker_row(make_nik(i), f"Pekerja {i}") for i in range(1, 4)]
    _upload(client, world.kdi_dlhk, roster_csv(rows))
    client.post(
        reverse("admin:enrollment_roster_upload_preview", args=[RosterUpload.objects.get().pk])
    )
    roster = Roster.objects.get()
    settings.ROSTER_JOB_MIN_ROWS = 3  # this roster's 3 entries are "large"
    client.force_login(branch_staff)
    response = client.post(reverse("admin:enrollment_roster_verify", args=[roster.pk]))
    job = Job.objects.get(kind="roster_verify")
    assert response["Location"] == reverse("jobs:progress", args=[job.pk])
    assert job.state == Job.State.DONE, job.error
    assert job.result == {
        "roster_id": roster.pk,
        "already": False,
        "opened": 6,
        "closed": 0,
        "removed": 0,
    }  # fmt: skip  (3 workers × JKK and JKM)
    assert job.result_url == reverse("admin:enrollment_roster_change", args=[roster.pk])
    roster.refresh_from_db()
    assert roster.status == Roster.Status.VERIFIED
    assert Membership.objects.filter(unit=world.kdi_dlhk).count() == 6

    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # redelivered
    job_run(job.pk)
    job.refresh_from_db()
    assert job.result["already"] is True and job.attempts == 2
    assert Membership.objects.filter(unit=world.kdi_dlhk).count() == 6


def test_a_treasurer_cannot_verify_through_a_job(
    client, world, opd_treasurer, settings, every_file_is_large
):
    client.force_login(opd_treasurer)
    _upload(client, world.kdi_dlhk, sample("good_roster.xlsx"))
    client.post(
        reverse("admin:enrollment_roster_upload_preview", args=[RosterUpload.objects.get().pk])
    )
    roster = Roster.objects.get()
    settings.ROSTER_JOB_MIN_ROWS = 1
    response = client.post(reverse("admin:enrollment_roster_verify", args=[roster.pk]))
    # Refused at the door (no change permission on rosters), before any job is started.
    assert response.status_code == 403
    assert not Job.objects.filter(kind="roster_verify").exists()
    roster.refresh_from_db()
    assert roster.status == Roster.Status.SUBMITTED
