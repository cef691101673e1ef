"""The progress page of a job and the JSON it polls; both 404 for anyone but its owner."""

from django.contrib import admin
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.models import Job

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
            "rows": {
                "total": job.rows_total,
                "read": job.rows_read,
                "checked": job.rows_checked,
                "written": job.rows_written,
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
