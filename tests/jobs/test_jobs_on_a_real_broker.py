"""Jobs through a real Celery worker over Redis, on PostgreSQL (`.ci/run`'s second stage).

The test starts the worker itself (`celery -A bpjs_tracker worker --pool=solo`)
against the test database, because it must kill it in the middle of a job and
start another: the message, acknowledged only at the end (acks_late), goes
back to the queue once its visibility timeout passes, the second worker runs
the job again, and the roster comes out whole and single. `.ci/run` gives the
broker (Redis db 14) and a folder for the workers' pid files, which its exit
trap stops in any case.
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
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
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
