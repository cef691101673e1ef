"""A job's progress page and JSON: its owner sees them; anyone else gets 404."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from bpjs_tracker.roles import Role
from enrollment.services.rosters import RETURN_REASON_REQUIRED
from jobs.models import Job
from jobs.services import _HANDLERS, JobOutcome, job_start, register


@pytest.fixture
def kinds():
    """Two job kinds for these tests: one that counts rows, one that refuses."""

    def counts(job, progress):
        progress(total=10, read=10, checked=4)
        return JobOutcome({"n": 10}, "/admin/")

    def refuses(job, progress):
        raise ValidationError(RETURN_REASON_REQUIRED)

    def breaks(job, progress):
        raise RuntimeError("disk full")

    register("test_counts", counts)
    register("test_refuses", refuses)
    register("test_breaks", breaks)
    yield
    for kind in ("test_counts", "test_refuses", "test_breaks"):
        _HANDLERS.pop(kind)


def test_owner_reads_the_progress_as_json(client, world, opd_treasurer, kinds):
    job = job_start("test_counts", {}, by=opd_treasurer)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # seen while it runs
    client.force_login(opd_treasurer)
    data = client.get(reverse("jobs:progress_json", args=[job.pk])).json()
    assert data["state"] == "running"
    assert data["rows"] == {"total": 10, "read": 10, "checked": 4, "written": 0, "estimate": 0}
    assert data["stage"] == ""  # the rows are counted: the figures say it all
    assert data["percent"] == 46  # (10 + 4 + 0) of 3 × 10
    assert data["result_url"] == ""  # only once it is done
    page = client.get(reverse("jobs:progress", args=[job.pk]))
    assert page.status_code == 200
    assert 'src="/static/jobs/progress.js"' in page.content.decode()


def test_a_files_declared_size_is_the_first_figure_shown(client, world, opd_treasurer, kinds):
    job = job_start("test_counts", {}, by=opd_treasurer)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, rows_total=0, rows_read=0, rows_checked=0, rows_estimate=100_000
    )
    client.force_login(opd_treasurer)
    data = client.get(reverse("jobs:progress_json", args=[job.pk])).json()
    assert data["stage"] == "membaca berkas: ~100.000 baris"
    assert data["rows"]["estimate"] == 100_000 and data["percent"] is None
    page = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'id="job-stage">membaca berkas: ~100.000 baris<' in page
    Job.objects.filter(pk=job.pk).update(rows_estimate=0)  # no file, or none declared
    assert client.get(reverse("jobs:progress_json", args=[job.pk])).json()["stage"] == ""


@pytest.mark.parametrize(
    "role",
    [Role.VILLAGE_TREASURER, Role.BRANCH_STAFF, Role.SEKDA, Role.PROVINCE_ADMIN],
)
def test_nobody_else_sees_a_job(client, world, opd_treasurer, kinds, role):
    job = job_start("test_counts", {}, by=opd_treasurer)
    client.force_login(world.user(role))
    assert client.get(reverse("jobs:progress_json", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:progress", args=[job.pk])).status_code == 404


def test_anonymous_is_sent_to_the_login(client, world, opd_treasurer, kinds):
    job = job_start("test_counts", {}, by=opd_treasurer)
    response = client.get(reverse("jobs:progress_json", args=[job.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_refused_job_keeps_the_message_in_the_language_it_was_started_in(
    world, opd_treasurer, kinds
):
    indonesian = job_start("test_refuses", {}, by=opd_treasurer)
    with translation.override("en"):
        english = job_start("test_refuses", {}, by=opd_treasurer)
    assert indonesian.state == english.state == Job.State.FAILED
    assert indonesian.error == (
        "Tulis alasan pengembalian agar bendahara tahu apa yang harus diperbaiki."
    )
    assert english.error == "Write a reason for returning so the treasurer knows what to fix."


def test_an_unexpected_error_is_reported_without_its_internals(world, opd_treasurer, kinds):
    job = job_start("test_breaks", {}, by=opd_treasurer)
    assert job.state == Job.State.FAILED
    assert "disk full" not in job.error
    assert job.error.startswith("Pekerjaan gagal karena kesalahan sistem")
    assert f"#{job.pk}" in job.error


def test_an_unknown_kind_is_refused_before_anything_is_saved(world, opd_treasurer):
    with pytest.raises(ValueError):
        job_start("no_such_kind", {}, by=opd_treasurer)
    assert Job.objects.count() == 0


def test_with_a_broker_the_job_is_queued_only_once_its_row_is_committed(
    world, opd_treasurer, kinds, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from jobs import tasks

    sent = []
    monkeypatch.setattr(tasks.run_job, "delay", lambda job_id: sent.append(job_id))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_start("test_counts", {}, by=opd_treasurer)
        assert sent == []  # a worker must not look for a row it cannot see yet
    assert len(callbacks) == 1 and sent == [job.pk]
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED  # the worker runs it, not this process


def test_the_progress_page_of_a_failed_job_shows_why(client, world, opd_treasurer, kinds):
    job = job_start("test_refuses", {}, by=opd_treasurer)
    client.force_login(opd_treasurer)
    page = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "Tulis alasan pengembalian agar bendahara tahu apa yang harus diperbaiki." in page
    assert '<div id="job-error">' in page  # shown, not hidden
