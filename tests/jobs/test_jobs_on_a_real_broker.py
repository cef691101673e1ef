"""Jobs through a real Celery worker over Redis, on PostgreSQL (`.ci/run`'s second stage).

The test starts the worker itself (`celery -A bpjs_tracker worker --pool=solo`)
against the test database, because it must kill it in the middle of a job and
start another: the message, acknowledged only at the end (acks_late), goes
back to the queue once its visibility timeout passes, the second worker runs
the job again, and the roster comes out whole and single. `.ci/run` gives the
broker (Redis db 14) and a folder for the workers' pid files, which its exit
trap stops in any case.

The newer job kinds (payment and KPJ files checked then imported, a dashboard export, a
billing run) go through the worker too: the same result as the in-process path, progress on
the job row, and nothing doubled when their message is delivered twice or redelivered after
the job's state was lost.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bpjs_tracker.roles import sync_roles
from enrollment.jobs import roster_import_start
from enrollment.models import Roster, RosterEntry, RosterUpload, Worker
from enrollment.services.rosters import roster_import, roster_upload_keep
from jobs.models import Job
from regencies.services import reference_load
from tests.enrollment.conftest import roster_csv, worker_row
from tests.factories import make_nik

BROKER = os.environ.get("CELERY_BROKER_URL", "")
pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (.ci/run gives Redis db 14)"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker shares the test database"
    ),
]
ROOT = Path(settings.BASE_DIR)
JAN = dt.date(2025, 1, 1)
ROWS = 10_000
VISIBILITY = 5  # seconds before Redis hands an unacknowledged job to another worker


def ten_thousand_rows(name: str):
    rows = []
    for i in range(ROWS):
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=i % 3000)
        nik = make_nik(i // 3000, birth_date=birth)
        rows.append(
            worker_row(nik, f"Pekerja {i}", birth=f"{birth:%d-%m-%Y}", wage=str(2_500_000 + i))
        )
    return roster_csv(rows, name=name)


class Workers:
    """Celery workers started for one test, each a process group stopped at the end."""

    def __init__(self, log_dir: Path, media_root: Path):
        self.log_dir, self.media_root = log_dir, media_root
        self.procs: list[subprocess.Popen] = []
        self.pidfiles: dict[int, Path] = {}

    def start(self) -> subprocess.Popen:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            # the test database's mirror, as Django's test runner makes it for this process
            # (unset, a replica alias would read the database the suite started from)
            **({"DATABASE_REPLICA_URL": url} if os.environ.get("DATABASE_REPLICA_URL") else {}),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "DJANGO_MEDIA_ROOT": str(self.media_root),
        }
        number = len(self.procs) + 1
        pid_dir = Path(os.environ.get("CELERY_TEST_PID_DIR", self.log_dir))
        pidfile = pid_dir / f"celery-test-{os.getpid()}-{number}.pid"
        command = [
            sys.executable, "-m", "celery", "-A", "bpjs_tracker", "worker", "--pool=solo",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
            f"--hostname=test{number}-{os.getpid()}@%h",
            f"--pidfile={pidfile}",
        ]  # fmt: skip
        log = (self.log_dir / f"worker{number}.log").open("wb")
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        self.pidfiles[proc.pid] = pidfile
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)  # the machine dies: no warm shutdown, no ack
        proc.wait(timeout=10)
        self.pidfiles[proc.pid].unlink(missing_ok=True)  # it cannot remove its own now

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.log_dir.glob("*.log"))


@pytest.fixture
def workers(tmp_path, settings):
    import redis

    redis.Redis.from_url(BROKER).flushdb()  # no message left from an earlier run
    settings.CELERY_TASK_ALWAYS_EAGER = False
    log_dir = tmp_path / "workers"
    log_dir.mkdir()
    pool = Workers(log_dir, Path(settings.MEDIA_ROOT))
    yield pool
    pool.stop_all()


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    """A transactional test flushes the database; put the session's reference data back."""
    yield
    with django_db_blocker.unblock():
        reference_load()
        sync_roles()


@pytest.fixture
def reference_data(transactional_db, reference_data_restored):
    """Regions and roles for a transactional test (the one before it flushed them)."""
    reference_load()
    sync_roles()


def wait_for(job: Job, workers: Workers, *, until, timeout: float = 120) -> list[tuple]:
    """Poll the job row until `until(job)`; returns what was seen (state, read, checked, written)."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.append((job.state, job.rows_read, job.rows_checked, job.rows_written))
        if until(job):
            return seen
        time.sleep(0.02)
    pytest.fail(f"job {job.pk} stuck at {seen[-1]}\n{workers.logs()}")


def entries(unit) -> list[tuple]:
    return sorted(
        RosterEntry.objects.filter(roster__unit=unit).values_list(
            "worker__nik", "row_number", "position", "segment", "wage", "start_date"
        )
    )


FEB = dt.date(2025, 2, 1)


@pytest.mark.django_db(transaction=True)
def test_a_10000_row_import_through_the_worker_equals_the_in_process_one(
    reference_data, world, province_admin, workers
):
    workers.start()
    upload = roster_upload_keep(
        unit=world.kdi_dlhk, period=JAN, upload=ten_thousand_rows("a.csv"), by=province_admin
    )
    job = roster_import_start(upload=upload, by=province_admin)
    seen = wait_for(job, workers, until=lambda j: j.finished)

    assert job.state == Job.State.DONE, job.error
    assert (job.rows_total, job.rows_read, job.rows_checked, job.rows_written) == (ROWS,) * 4
    assert any(state == "running" and 0 < read < ROWS for state, read, _c, _w in seen) or any(
        state == "running" and checked == ROWS and written == 0
        for state, _r, checked, written in seen
    ), "no progress was seen while the job ran"

    # the same file, in-process, for another unit in another month (no double enrolment)
    in_process = roster_import(
        unit=world.kdi_satpol, period=FEB, upload=ten_thousand_rows("a.csv"), by=province_admin
    )
    assert job.result["created"] == in_process.created == ROWS
    assert {k: job.result[k] for k in in_process.counts()} == in_process.counts()
    through_worker = RosterUpload.objects.get(pk=upload.pk)
    assert through_worker.status == RosterUpload.Status.IMPORTED
    assert through_worker.summary == in_process.upload.summary
    assert entries(world.kdi_dlhk) == entries(world.kdi_satpol)
    assert len(entries(world.kdi_dlhk)) == ROWS


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_a_retry_that_duplicates_nothing(
    reference_data, world, province_admin, workers
):
    first = workers.start()
    upload = roster_upload_keep(
        unit=world.kdi_dlhk, period=JAN, upload=ten_thousand_rows("a.csv"), by=province_admin
    )
    job = roster_import_start(upload=upload, by=province_admin)
    wait_for(job, workers, until=lambda j: j.state == Job.State.RUNNING and j.rows_read > 0)
    workers.kill(first)
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING and job.attempts == 1, "the job ended before the kill"
    assert Roster.objects.count() == 0  # its transaction died with the worker

    workers.start()  # another machine takes over once the visibility timeout has passed
    wait_for(job, workers, until=lambda j: j.finished, timeout=VISIBILITY + 90)

    assert job.state == Job.State.DONE, job.error
    assert job.attempts == 2
    assert job.result["created"] == ROWS
    assert Roster.objects.filter(unit=world.kdi_dlhk, period=JAN).count() == 1
    assert RosterEntry.objects.count() == ROWS
    assert Worker.objects.count() == ROWS
    assert RosterUpload.objects.get().status == RosterUpload.Status.IMPORTED


# --- the newer job kinds: payments, KPJ numbers, an export, a billing run ---------------------


def delivered_again(job: Job, workers: Workers, *, state_lost: bool) -> Job:
    """The job's message once more, through the broker, after the job ended.

    `state_lost`: as if the first worker died between the work's commit and the job's
    end (the job row still says running): the handler runs again and must find its work
    done. Otherwise the job row says done and the worker leaves it alone.
    """
    from jobs.tasks import run_job

    attempts = job.attempts
    if state_lost:
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    run_job.delay(job.pk)
    expected = attempts + (1 if state_lost else 0)
    if state_lost:
        wait_for(job, workers, until=lambda j: j.attempts == expected and j.finished)
    else:
        time.sleep(1)  # the worker takes the message and leaves the finished job alone
        job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, expected), job.error
    return job


def through_the_worker(job: Job, workers: Workers) -> Job:
    """Wait for a job the worker runs; its message is sent twice (a double delivery)."""
    from jobs.tasks import run_job

    run_job.delay(job.pk)  # a second message for the same job, queued behind the first
    wait_for(job, workers, until=lambda j: j.finished)
    assert job.state == Job.State.DONE, job.error
    time.sleep(1)  # the second message: the job is done, it runs nothing
    job.refresh_from_db()
    assert job.attempts == 1
    return job


def counts(job: Job) -> tuple:
    job.refresh_from_db()
    return (job.rows_estimate, job.rows_total, job.rows_read, job.rows_checked, job.rows_written)


BANK = (
    "Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n"
    "74.71-DLHK,2025-01,14850,10-02-2025,A1\n"
    "74.71-DLHK,2025-02,10000,10-03-2025,A2\n"
    "74.71-SATPOLPP,2025-01,20000,10-02-2025,A3\n"
)


@pytest.mark.django_db(transaction=True)
def test_a_payment_file_checked_and_imported_through_the_worker(reference_data, bills, workers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bpjs_tracker.roles import Role
    from enrollment import import_jobs
    from enrollment.billing.payments import payments_import
    from enrollment.models import Payment

    workers.start()
    staff = bills.user(Role.BRANCH_STAFF)
    upload = SimpleUploadedFile("bank.csv", BANK.encode())
    check = through_the_worker(import_jobs.import_start(import_jobs.PAYMENTS, upload=upload,
                                                        by=staff), workers)  # fmt: skip
    in_process = payments_import(name="bank.csv", content=BANK.encode(), by=staff, dry_run=True)
    assert check.result == import_jobs._payments_outcome(check, in_process).result
    assert counts(check) == (3, 3, 3, 3, 0)
    assert not Payment.objects.exists()

    done = import_jobs.import_start(import_jobs.PAYMENTS, kept=check, by=staff)
    through_the_worker(done, workers)
    assert (done.result["ok"], done.result["saved"]) == (True, 3)
    assert counts(done) == (3, 3, 3, 3, 3)
    saved = sorted(Payment.objects.values_list("reference", "amount", "unit__code", "paid_on"))
    assert saved == [(r.reference, r.amount, r.unit_code, r.paid_on) for r in in_process.rows]

    delivered_again(done, workers, state_lost=True)
    assert done.result["saved"] == 3 and Payment.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_kpj_numbers_checked_and_imported_through_the_worker(reference_data, members, workers):
    from bpjs_tracker.roles import Role
    from enrollment import import_jobs
    from enrollment.models import Membership
    from enrollment.services.memberships import membership_kpj_import
    from tests.jobs.conftest import A, B

    def kpj_file():
        return roster_csv(
            [[A, "12345678901"], [B, "12345678902"]], name="kpj.csv", headers=["NIK", "KPJ"]
        )

    workers.start()
    staff = members.user(Role.BRANCH_STAFF)
    check = through_the_worker(
        import_jobs.import_start(import_jobs.KPJ, upload=kpj_file(), by=staff), workers
    )
    in_process = membership_kpj_import(upload=kpj_file(), by=staff, dry_run=True)
    assert check.result == import_jobs._kpj_outcome(check, in_process).result
    assert counts(check) == (2, 2, 2, 2, 0)

    done = through_the_worker(import_jobs.import_start(import_jobs.KPJ, kept=check, by=staff),
                              workers)  # fmt: skip
    assert done.result["updated"] == 4  # two workers, two programmes each
    assert counts(done) == (2, 2, 2, 2, 4)
    kpjs = dict(Membership.objects.values_list("worker__nik", "kpj").distinct())
    assert kpjs == {A: "12345678901", B: "12345678902"}
    history = Membership.history.count()

    delivered_again(done, workers, state_lost=True)
    assert done.result["updated"] == 4
    assert Membership.history.count() == history  # nothing written twice


@pytest.mark.django_db(transaction=True)
def test_a_dashboard_export_through_the_worker_is_the_in_process_workbook(
    reference_data, world, province_admin, workers
):
    import io

    from django.core.files.storage import default_storage
    from openpyxl import load_workbook

    from bpjs_tracker.dashboard.selectors import coverage_table
    from bpjs_tracker.dashboard.views import coverage_workbook
    from enrollment.export_jobs import dashboard_export_start
    from regencies.models import WorkUnit
    from tests.enrollment.billing_helpers import verified_roster

    def values(content: bytes) -> dict:
        book = load_workbook(io.BytesIO(content))
        return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}

    verified_roster(world.kdi_dlhk, JAN, [2_750_000, 3_000_000])
    workers.start()
    job = through_the_worker(
        dashboard_export_start(period=JAN, regency=None, by=province_admin), workers
    )
    units = WorkUnit.objects.visible_to(province_admin).count()
    assert counts(job) == (0, units, units, units, units)
    with default_storage.open(job.result["file"], "rb") as handle:
        through_worker = handle.read()
    in_process = coverage_workbook(coverage_table(user=province_admin, period=JAN, regency=None))
    assert values(through_worker) == values(in_process)

    delivered_again(job, workers, state_lost=True)
    _dirs, files = default_storage.listdir(f"jobs/exports/{job.pk}")
    assert files == [job.result["file_name"]]  # replaced, not doubled


@pytest.mark.django_db(transaction=True)
def test_a_billing_run_through_the_worker_equals_the_in_process_one(
    reference_data, world, province_admin, workers
):
    from enrollment.billing.services import bills_generate
    from enrollment.jobs import bills_generate_start
    from enrollment.models import Bill
    from tests.enrollment.billing_helpers import verified_roster

    for period in (JAN, FEB):  # the same rosters in two months: one billed each way
        verified_roster(world.kdi_dlhk, period, [2_750_000, 3_000_000])
        verified_roster(world.kdi_satpol, period, [2_750_000])
    workers.start()
    job = through_the_worker(
        bills_generate_start(period=JAN, regency=world.kendari, by=province_admin), workers
    )
    in_process = bills_generate(period=FEB, regency=world.kendari, by=province_admin)
    assert job.result["created"] == in_process.created == 2
    for name in ("recomputed", "unchanged", "adjusted", "without_roster"):
        assert job.result[name] == getattr(in_process, name), name
    assert counts(job) == (0, 2, 0, 0, 2)

    def totals(period):
        return sorted(Bill.objects.filter(period=period).values_list("unit__code", "total"))

    assert totals(JAN) == totals(FEB)

    delivered_again(job, workers, state_lost=True)
    assert (job.result["created"], job.result["unchanged"]) == (0, 2)
    assert Bill.objects.filter(period=JAN).count() == 2
    assert totals(JAN) == totals(FEB)


@pytest.mark.django_db(transaction=True)
def test_a_10000_row_payment_check_shows_its_progress_while_the_worker_runs(
    reference_data, bills, workers
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bpjs_tracker.roles import Role
    from enrollment import import_jobs

    lines = [f"74.71-DLHK,,1000,10-02-2025,R{i}" for i in range(ROWS)]
    content = ("Kode Unit,Periode,Jumlah,Tanggal Bayar,Referensi\n" + "\n".join(lines)).encode()
    workers.start()
    job = import_jobs.import_start(
        import_jobs.PAYMENTS,
        upload=SimpleUploadedFile("bank.csv", content),
        by=bills.user(Role.BRANCH_STAFF),
    )
    seen = []
    deadline = time.monotonic() + 120
    while not job.finished and time.monotonic() < deadline:
        job.refresh_from_db()
        seen.append((job.state, job.rows_estimate, job.rows_read, job.rows_checked))
        time.sleep(0.01)
    assert job.state == Job.State.DONE, job.error or workers.logs()
    assert counts(job) == (ROWS, ROWS, ROWS, ROWS, 0)
    assert any(
        state == "running" and estimate == ROWS and checked < ROWS
        for state, estimate, _read, checked in seen
    ), "the file's size was not seen before its rows were checked"
