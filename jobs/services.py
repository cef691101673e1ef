"""Start and run jobs: `job_start(kind, params, by=user)` and the runner the task calls.

A job kind is a plain function registered with `register(kind, handler)`;
`handler(job, progress)` calls the app's own service (the same one the
request path calls), passes it `progress`, and returns a `JobOutcome`. The
services are all or nothing, so a failed job leaves nothing half-saved, and
each handler is idempotent: a job redelivered after its worker died finds
what the first attempt committed, or nothing, and ends the same way.

Without a broker (`CELERY_BROKER_URL` unset) `job_start` runs the job at once,
in the same process; with one, it queues the job's id once the transaction
that created the row commits.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jobs.models import Job

logger = logging.getLogger(__name__)

JOB_FAILED = _(
    "Pekerjaan gagal karena kesalahan sistem; tidak ada yang disimpan. Coba lagi, atau "
    "hubungi administrator dengan nomor pekerjaan #%(job)s."
)
UNKNOWN_KIND = "Unknown job kind: %s"


@dataclass(frozen=True)
class JobOutcome:
    result: dict
    url: str = ""  # the page the progress page opens when the job is done


Handler = Callable[[Job, "Progress"], JobOutcome]
# A result page: `page(request, job)` -> (template, context) for `jobs:result`.
Page = Callable[[object, Job], tuple[str, dict]]
_HANDLERS: dict[str, Handler] = {}
_PAGES: dict[str, Page] = {}


def register(kind: str, handler: Handler, *, page: Page | None = None) -> None:
    """Make `kind` startable (apps register their kinds in `AppConfig.ready`).

    `page`: the kind's result page, served at `jobs:result` to the job's owner only.
    """
    _HANDLERS[kind] = handler
    if page is not None:
        _PAGES[kind] = page


def result_page(kind: str) -> Page | None:
    return _PAGES.get(kind)


def job_done_within(job: Job, outcome: JobOutcome) -> JobOutcome:
    """Mark the job done inside the caller's transaction (the one that saved its work).

    Then the work and the job's state commit together: a job redelivered after
    its worker died past that commit is done already and is not run again.
    """
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        result=outcome.result,
        result_url=outcome.url,
        finished_at=timezone.now(),
    )
    return outcome


class Progress:
    """Counts reported by a service: `progress(total=…, read=…, checked=…, written=…)`.

    `estimate=…`: the rows a file declares before it is parsed (shown as "~100.000 baris").

    Each call is one UPDATE of the job row in autocommit, so the progress page
    sees it at once. Services call it outside their write transaction.
    """

    FIELDS = {"total": "rows_total", "read": "rows_read", "checked": "rows_checked",
              "written": "rows_written", "estimate": "rows_estimate"}  # fmt: skip

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, **counts: int) -> None:
        values = {self.FIELDS[name]: value for name, value in counts.items()}
        if values:
            Job.objects.filter(pk=self.job_id).update(**values)


def job_start(kind: str, params: dict, *, by, unit=None) -> Job:
    """Create the job and run it (in-process) or queue it (broker); returns the job row."""
    if kind not in _HANDLERS:
        raise ValueError(UNKNOWN_KIND % kind)
    job = Job.objects.create(
        kind=kind,
        params=params,
        owner=by,
        unit=unit,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from jobs.tasks import run_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_job.apply(args=[job.pk])  # here and now; the job row holds the outcome
        job.refresh_from_db()
    else:
        transaction.on_commit(partial(run_job.delay, job.pk))
    return job


def job_run(job_id: int) -> None:
    """Run one job to its end; a job already done or failed is left alone (redelivery)."""
    claimed = Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        rows_total=0,
        rows_estimate=0,
        rows_read=0,
        rows_checked=0,
        rows_written=0,
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner", "unit").get(pk=job_id)
    handler = _HANDLERS[job.kind]
    logger.info("job %s (%s) started, attempt %s", job.pk, job.kind, job.attempts)
    with translation.override(job.language):
        try:
            outcome = handler(job, Progress(job.pk))
        except (ValidationError, PermissionDenied) as exc:
            _finish(job, state=Job.State.FAILED, error=_message(exc))
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, state=Job.State.FAILED, error=str(JOB_FAILED % {"job": job.pk}))
        else:
            _finish(job, state=Job.State.DONE, result=outcome.result, result_url=outcome.url)
            logger.info("job %s (%s) done", job.pk, job.kind)


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def _finish(job: Job, **values) -> None:
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **values)
