"""The files of imports never confirmed go after UPLOAD_RETENTION_DAYS; imported ones never.

`purge_abandoned_uploads` (nightly through Celery beat): roster uploads left pending,
abandoned or refused, and payment/KPJ files kept for a check never imported.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as project_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.roles import Role
from enrollment import import_jobs
from enrollment.models import Payment, RosterUpload
from enrollment.services.rosters import roster_import, roster_upload_keep
from jobs.models import Job
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik
from tests.jobs.conftest import FEB, JAN

BANK = "Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n74.71-DLHK,2025-01,14850,10-02-2025,A1\n"


def _aged(model, pk, days):
    model.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(days=days))


def _kept(world, user, *, days, status=RosterUpload.Status.PENDING, period=JAN):
    rows = [worker_row(make_nik(1), "Pekerja Satu")]
    upload = roster_upload_keep(
        unit=world.kdi_dlhk, period=period, upload=roster_csv(rows), by=user
    )
    RosterUpload.objects.filter(pk=upload.pk).update(status=status)
    _aged(RosterUpload, upload.pk, days)
    upload.refresh_from_db()
    return upload


def _purge(*args) -> str:
    out = StringIO()
    call_command("purge_abandoned_uploads", *args, stdout=out)
    return out.getvalue()


def test_files_of_roster_uploads_never_imported_go_after_the_retention(world, opd_treasurer):
    pending = _kept(world, opd_treasurer, days=100)
    abandoned = _kept(world, opd_treasurer, days=100, status=RosterUpload.Status.ABANDONED)
    refused_long_ago = _kept(world, opd_treasurer, days=91, status=RosterUpload.Status.REJECTED)
    refused_lately = _kept(world, opd_treasurer, days=89, status=RosterUpload.Status.REJECTED)
    pending_lately = _kept(world, opd_treasurer, days=3)
    imported = roster_import(
        unit=world.kdi_satpol,
        period=FEB,
        upload=roster_csv([worker_row(make_nik(2), "Pekerja Dua")]),
        by=world.user(Role.PROVINCE_ADMIN),
    ).upload
    _aged(RosterUpload, imported.pk, 400)
    names = {u.pk: u.file.name for u in (pending, abandoned, refused_long_ago, refused_lately,
                                          pending_lately, imported)}  # fmt: skip

    output = _purge("--days", "90")

    assert "3 roster uploads" in output
    for gone in (pending, abandoned, refused_long_ago):
        gone.refresh_from_db()
        assert not default_storage.exists(names[gone.pk])
        assert gone.file_purged_at is not None and not gone.file
    pending.refresh_from_db()
    assert pending.status == RosterUpload.Status.ABANDONED
    refused_long_ago.refresh_from_db()
    assert refused_long_ago.status == RosterUpload.Status.REJECTED
    for kept in (refused_lately, pending_lately, imported):
        kept.refresh_from_db()
        assert default_storage.exists(names[kept.pk]), kept.status
        assert kept.file_purged_at is None and kept.file.name == names[kept.pk]
    assert imported.roster.file.name == names[imported.pk]  # the roster's own file

    assert "0 roster uploads" in _purge("--days", "90")  # once only


def test_a_dry_run_changes_nothing(world, opd_treasurer):
    upload = _kept(world, opd_treasurer, days=100)
    output = _purge("--days", "90", "--dry-run")
    assert "1 roster uploads" in output and "dry run" in output
    upload.refresh_from_db()
    assert default_storage.exists(upload.file.name) and upload.file_purged_at is None
    assert upload.status == RosterUpload.Status.PENDING


def test_the_retention_defaults_to_the_setting(world, opd_treasurer, settings):
    assert project_settings.UPLOAD_RETENTION_DAYS == 90  # the shipped default
    settings.UPLOAD_RETENTION_DAYS = 5
    young = _kept(world, opd_treasurer, days=4)
    old = _kept(world, opd_treasurer, days=6)
    assert "older than 5 days" in _purge()
    young.refresh_from_db()
    old.refresh_from_db()
    assert young.file_purged_at is None and old.file_purged_at is not None


def _check(user, *, days) -> Job:
    check = import_jobs.import_start(
        import_jobs.PAYMENTS, upload=SimpleUploadedFile("bank.csv", BANK.encode()), by=user
    )
    assert check.state == Job.State.DONE and check.result["ok"], check.error or check.result
    _aged(Job, check.pk, days)
    return check


def test_a_payment_check_never_imported_loses_its_file_and_cannot_be_imported(
    bills, client, as_jobs
):
    staff = bills.user(Role.BRANCH_STAFF)
    old, young = _check(staff, days=100), _check(staff, days=10)

    assert "1 checks" in _purge("--days", "90")

    old.refresh_from_db()
    assert not default_storage.exists(old.params["path"]) and old.params["purged"]
    assert default_storage.exists(young.params["path"])
    client.force_login(staff)
    client.post(reverse("admin:enrollment_payment_import"), {"job": old.pk})
    assert not Job.objects.filter(params__checked_by_job=old.pk).exists()
    assert not Payment.objects.exists()


def test_a_failed_import_younger_than_the_retention_keeps_its_file(bills, as_jobs, monkeypatch):
    from enrollment.billing import payments

    staff = bills.user(Role.BRANCH_STAFF)
    check = _check(staff, days=100)
    monkeypatch.setattr(payments, "payment_record", lambda **kw: 1 / 0)
    failed = import_jobs.import_start(import_jobs.PAYMENTS, kept=check, by=staff)
    assert failed.state == Job.State.FAILED
    assert "0 checks" in _purge("--days", "90")
    assert default_storage.exists(check.params["path"])

    _aged(Job, failed.pk, 95)  # the failed import is old now too
    assert "1 checks" in _purge("--days", "90")
    assert not default_storage.exists(check.params["path"])


def test_an_imported_payment_check_is_left_alone(bills, as_jobs):
    staff = bills.user(Role.BRANCH_STAFF)
    check = _check(staff, days=100)
    done = import_jobs.import_start(import_jobs.PAYMENTS, kept=check, by=staff)
    assert done.state == Job.State.DONE and Payment.objects.count() == 1
    _aged(Job, done.pk, 100)
    assert "0 checks" in _purge("--days", "90")  # the import deletes its file itself
    check.refresh_from_db()
    assert "purged" not in check.params
    assert Payment.objects.count() == 1


def test_the_nightly_schedule_runs_the_purge(world, opd_treasurer):
    from bpjs_tracker.celery import app
    from enrollment.tasks import purge_abandoned_uploads

    entry = project_settings.CELERY_BEAT_SCHEDULE["purge-abandoned-uploads"]
    assert entry["task"] == purge_abandoned_uploads.name == "enrollment.purge_abandoned_uploads"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    upload = _kept(world, opd_treasurer, days=100)
    purge_abandoned_uploads.apply()
    upload.refresh_from_db()
    assert upload.file_purged_at is not None


def test_the_nightly_schedule_abandons_uploads_pending_for_over_a_day(world, opd_treasurer):
    from bpjs_tracker.celery import app
    from enrollment.tasks import abandon_uploads

    entry = project_settings.CELERY_BEAT_SCHEDULE["abandon-uploads"]
    app.loader.import_default_modules()
    assert entry["task"] == abandon_uploads.name and entry["task"] in app.tasks
    stale, fresh = _kept(world, opd_treasurer, days=2), _kept(world, opd_treasurer, days=0)
    abandon_uploads.apply()
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == (
        RosterUpload.Status.ABANDONED,
        RosterUpload.Status.PENDING,
    )
    assert default_storage.exists(stale.file.name)  # the file stays until the retention


def test_the_days_must_be_positive(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _purge("--days", "0")
