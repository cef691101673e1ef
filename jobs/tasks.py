"""The one Celery task: run a job by its id (the job row carries everything else)."""

from celery import shared_task

from jobs.services import job_run


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> None:
    job_run(job_id)
