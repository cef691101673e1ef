"""A job: long work (a large roster import, a province's billing run) run by a worker.

The row is the job's whole state: the web process creates it, the worker
claims it, reports progress on it and stores the outcome in it; the progress
page reads it. Celery carries only the job's id.
"""

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.querysets import ScopedQuerySet
from bpjs_tracker.roles import scope_for


class JobQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Only the person who started a job sees its progress and result.

        A job's result can show rows of a roster (names, NIKs, wages); whoever
        else may see that roster sees it on the roster's own pages.
        """
        if user is None or not user.is_authenticated or scope_for(user) is None:
            return self.none()
        return self.filter(owner=user)


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    kind = models.CharField(_("jenis"), max_length=40)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    unit = models.ForeignKey(
        "regencies.WorkUnit",
        verbose_name=_("unit kerja"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    params = models.JSONField(_("parameter"), default=dict)
    language = models.CharField(_("bahasa"), max_length=8, default="id")
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    # The rows a file says it holds (an .xlsx sheet's declared size, a CSV's lines), read
    # before the file is parsed: the first figure the progress page shows for a large file.
    rows_estimate = models.PositiveIntegerField(_("perkiraan baris"), default=0)
    rows_read = models.PositiveIntegerField(_("baris dibaca"), default=0)
    rows_checked = models.PositiveIntegerField(_("baris diperiksa"), default=0)
    rows_written = models.PositiveIntegerField(_("baris disimpan"), default=0)
    result = models.JSONField(_("hasil"), null=True, blank=True)
    result_url = models.CharField(_("halaman hasil"), max_length=300, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = pgettext_lazy("plural", "pekerjaan latar")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def stage(self) -> str:
        """A file's declared size while it is parsed: 'membaca berkas: ~100.000 baris'.

        Empty once the rows are counted, and for jobs that read no file (a billing run).
        """
        if self.state != self.State.RUNNING or self.rows_total or not self.rows_estimate:
            return ""
        return gettext("membaca berkas: ~%(rows)s baris") % {
            "rows": number_format(self.rows_estimate, force_grouping=True)
        }

    def percent(self) -> int | None:
        """Read, checked and written count a third each; None before the rows are counted."""
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return None
        done = self.rows_read + self.rows_checked + self.rows_written
        return min(99, done * 100 // (3 * self.rows_total))
