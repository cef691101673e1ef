"""A job's progress page, the JSON it polls, its result page and its file: 404 for anyone but its owner."""

from pathlib import Path

from django.contrib import admin
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.models import Job
from jobs.services import result_page as page_of

TITLE = _("Memproses…")


def _job(request, job_id) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user), pk=job_id)


def progress_json(request, job_id):
    job = _job(request, job_id)
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            "state": job.state,
            "state_label": job.get_state_display(),
            "percent": job.percent(),
            "stage": job.stage(),
            "rows": {
                "total": job.rows_total,
                "read": job.rows_read,
                "checked": job.rows_checked,
                "written": job.rows_written,
                "estimate": job.rows_estimate,
            },
            "error": job.error,
            "result_url": job.result_url if job.state == Job.State.DONE else "",
        }
    )


def progress_page(request, job_id):
    """A progress bar that polls the JSON above; a finished job goes straight to its result."""
    job = _job(request, job_id)
    if job.state == Job.State.DONE and job.result_url:
        return HttpResponseRedirect(job.result_url)
    context = {
        **admin.site.each_context(request),
        "title": TITLE,
        "job": job,
        "progress_url": reverse("jobs:progress_json", args=[job.pk]),
    }
    return TemplateResponse(request, "jobs/progress.html", context)


def _done(request, job_id) -> Job:
    job = _job(request, job_id)
    if job.state != Job.State.DONE:
        raise Http404
    return job


def result_page(request, job_id):
    """The result page of a finished job, drawn by its kind (see `jobs.services.register`)."""
    job = _job(request, job_id)
    if job.state != Job.State.DONE:
        return HttpResponseRedirect(reverse("jobs:progress", args=[job.pk]))
    page = page_of(job.kind)
    if page is None:
        raise Http404
    template, context = page(request, job)
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "job": job, **context}
    )


def download(request, job_id):
    """The file a job wrote (an export) from the shared storage, as an attachment."""
    job = _done(request, job_id)
    name = (job.result or {}).get("file")
    if not name or not default_storage.exists(name):
        raise Http404
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=(job.result or {}).get("file_name") or Path(name).name,
    )
