"""A large roster imported as a job through a real Celery worker, against the in-process import.

    .venv/bin/python benchmarks/roster_job.py [--rows 100000]
        [--pg-url postgres://postgres@127.0.0.1:5432] [--broker redis://127.0.0.1:6379/14]

Self-contained: a throwaway PostgreSQL database (``bpjs_bench_job_<pid>``, dropped at the
end), migrations and reference data, one Celery worker (``--pool=solo``) on the given Redis
database (emptied first), and two generated ``.xlsx`` rosters of --rows workers each (two
sets of NIKs, so both imports create every worker). Then, in this process:

- in-process: ``roster_import`` of the first file for one unit (what a request does);
- job: what the upload request does for a large file (keep the file, queue the job:
  ``roster_upload_keep`` + ``roster_import_start``), then the job row is polled every 50 ms
  until the worker reports its first figure (the file's declared size, "membaca berkas:
  ~100.000 baris", read before the parse), its first rows read, and until it is done.

Prints: the request's share ("answers in"), first progress, job end, and the job's end over
the in-process time. Issue #14's targets: < 1 s, < 2 s, ≤ 1.5×.
"""

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    import psycopg2
    import redis
    from roster_import import make_rows, write_xlsx

    workdir = Path(tempfile.mkdtemp(prefix="bpjs_bench_job_"))
    database = f"bpjs_bench_job_{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bpjs_tracker.settings",
        "DATABASE_URL": f"{args.pg_url}/{database}",
        "CELERY_BROKER_URL": args.broker,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    admin = psycopg2.connect(f"{args.pg_url}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{database}"')
    redis.Redis.from_url(args.broker).flushdb()
    worker = None
    try:
        for command in (["migrate", "--noinput", "-v0"], ["load_reference"]):
            subprocess.run(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "bpjs_tracker", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        first, second = workdir / "in_process.xlsx", workdir / "job.xlsx"
        size = write_xlsx(first, make_rows(args.rows, seed=7))
        write_xlsx(second, make_rows(args.rows, seed=8))
        os.environ.update(env)
        figures = measure(first, second)
        print(f"{args.rows:,} rows, .xlsx {size / 1024 / 1024:.1f} MB, PostgreSQL, one solo worker")
        for name, value in figures.items():
            print(f"  {name:<28} {value}")
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(workdir, ignore_errors=True)


def measure(in_process_file: Path, job_file: Path) -> dict:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bpjs_tracker.models import User
    from enrollment.jobs import roster_import_start
    from enrollment.services.rosters import roster_import, roster_upload_keep
    from jobs.models import Job
    from regencies.models import Regency, WorkUnit

    kendari = Regency.objects.get(code="74.71")
    unit_a = WorkUnit.objects.create(code="74.71-DLHK", name="DLHK", kind="opd", regency=kendari)
    unit_b = WorkUnit.objects.create(code="74.71-SDA", name="SDA", kind="opd", regency=kendari)
    owner = User.objects.create(username="bench", role="province_admin", is_staff=True)

    def upload(path: Path):
        return SimpleUploadedFile(path.name, path.read_bytes())

    started = time.perf_counter()
    result = roster_import(
        unit=unit_a, period=dt.date(2025, 1, 1), upload=upload(in_process_file), by=owner
    )
    in_process = time.perf_counter() - started
    assert result.ok and result.created > 0

    started = time.perf_counter()
    record = roster_upload_keep(
        unit=unit_b, period=dt.date(2025, 2, 1), upload=upload(job_file), by=owner
    )
    job = roster_import_start(upload=record, by=owner)
    answered = time.perf_counter() - started
    running = first_progress = first_rows = None
    stage = ""
    while True:
        job.refresh_from_db()
        if running is None and job.state != Job.State.QUEUED:
            running = time.perf_counter() - started
        if first_progress is None and (job.rows_estimate or job.rows_read or job.finished):
            first_progress = time.perf_counter() - started
            stage = job.stage() or f"{job.rows_read} rows read"
        if first_rows is None and (job.rows_read or job.finished):
            first_rows = time.perf_counter() - started
        if job.finished:
            break
        time.sleep(0.05)
    ended = time.perf_counter() - started
    assert job.state == Job.State.DONE, job.error
    assert job.result["created"] == result.created
    return {
        "in-process import": f"{in_process:.2f} s",
        "job: request answers in": f"{answered:.2f} s (keep the file + queue)",
        "job: running after": f"{running:.2f} s (the worker took it)",
        "job: first progress after": f"{first_progress:.2f} s ('{stage}')",
        "job: first rows read after": f"{first_rows:.2f} s (after the parse)",
        "job: done after": f"{ended:.2f} s",
        "job / in-process": f"{ended / in_process:.2f}×",
    }


if __name__ == "__main__":
    main()
