"""Workers, monthly rosters and memberships (JKK/JKM) derived from verified rosters."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bpjs_tracker.models import TimeStampedModel
from bpjs_tracker.querysets import scoped_queryset
from regencies.models import Segment, WorkUnit


class Programme(models.TextChoices):
    JKK = "JKK", _("Jaminan Kecelakaan Kerja (JKK)")
    JKM = "JKM", _("Jaminan Kematian (JKM)")
    JHT = "JHT", _("Jaminan Hari Tua (JHT)")
    JP = "JP", _("Jaminan Pensiun (JP)")


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Worker(TimeStampedModel):
    """One person, unique by NIK."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    history = HistoricalRecords()

    objects = scoped_queryset(
        regency_path="roster_entries__roster__unit__regency",
        unit_path="roster_entries__roster__unit",
        multi_valued=True,
    ).as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pekerja")
        verbose_name_plural = _("pekerja")

    def __str__(self):
        return f"{self.name} ({self.nik})"


def roster_upload_to(instance, filename):
    return f"rosters/{instance.unit.code}/{instance.period:%Y-%m}/{filename}"


class Roster(TimeStampedModel):
    """One work unit's list of workers for one month; a re-upload replaces it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        VERIFIED = "verified", _("Terverifikasi")
        RETURNED = "returned", _("Dikembalikan")

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="rosters", verbose_name=_("unit kerja")
    )
    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan."))
    file = models.FileField(_("berkas"), upload_to=roster_upload_to, max_length=300)
    original_name = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    verified_at = models.DateTimeField(_("waktu verifikasi"), null=True, blank=True)
    entry_count = models.PositiveIntegerField(_("jumlah pekerja"), default=0)
    created_count = models.PositiveIntegerField(_("baru"), default=0)
    updated_count = models.PositiveIntegerField(_("berubah"), default=0)
    unchanged_count = models.PositiveIntegerField(_("tetap"), default=0)
    left_count = models.PositiveIntegerField(_("keluar"), default=0)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        ordering = ["-period", "unit__code"]
        verbose_name = _("daftar pekerja (roster)")
        verbose_name_plural = _("daftar pekerja (roster)")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="roster_one_per_unit_and_month",
                violation_error_message=_("Sudah ada roster untuk unit dan bulan ini."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="roster_period_is_first_of_month",
                violation_error_message=_("Periode harus hari pertama bulan."),
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.period:%Y-%m}"

    @property
    def is_verifiable(self) -> bool:
        return self.status == self.Status.SUBMITTED


class RosterUpload(TimeStampedModel):
    """One upload of a roster file, kept whether it was imported, rejected or only previewed.

    The admin's preview step keeps the file here until the uploader confirms;
    a rejected file stays for the branch office to look at (nothing else is
    saved); an imported one is also the roster's file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu konfirmasi")
        IMPORTED = "imported", _("Diimpor")
        REJECTED = "rejected", _("Ditolak")

    unit = models.ForeignKey(
        WorkUnit,
        on_delete=models.PROTECT,
        related_name="roster_uploads",
        verbose_name=_("unit kerja"),
    )
    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan."))
    file = models.FileField(_("berkas"), upload_to=roster_upload_to, max_length=300)
    original_name = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    roster = models.ForeignKey(
        Roster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
        verbose_name=_("roster"),
    )
    row_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    error_count = models.PositiveIntegerField(_("kesalahan"), default=0)
    warning_count = models.PositiveIntegerField(_("peringatan"), default=0)
    summary = models.JSONField(_("ringkasan pratinjau"), default=dict, blank=True)

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("unggahan roster")
        verbose_name_plural = _("unggahan roster")
        constraints = [
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="roster_upload_period_is_first_of_month",
                violation_error_message=_("Periode harus hari pertama bulan."),
            ),
        ]

    def __str__(self):
        return f"{self.unit.code} {self.period:%Y-%m} ({self.get_status_display()})"


class RosterEntry(models.Model):
    """A worker on a roster: position, segment, wage (whole Rupiah) and start date (TMT)."""

    roster = models.ForeignKey(
        Roster,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("roster"),
        # The (roster, worker) unique index serves lookups by roster; a second index
        # would only slow down importing 100,000 entries.
        db_index=False,
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="roster_entries", verbose_name=_("pekerja")
    )
    row_number = models.PositiveIntegerField(_("baris"))
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    segment = models.CharField(_("kategori"), max_length=20, choices=Segment.choices)
    wage = models.PositiveBigIntegerField(_("upah (Rp)"))
    start_date = models.DateField(_("TMT"))
    kpj = models.CharField(_("KPJ"), max_length=15, blank=True)

    objects = scoped_queryset(
        regency_path="roster__unit__regency", unit_path="roster__unit"
    ).as_manager()

    class Meta:
        ordering = ["roster", "row_number"]
        verbose_name = _("baris roster")
        verbose_name_plural = _("baris roster")
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "worker"],
                name="roster_entry_worker_once_per_roster",
                violation_error_message=_("Pekerja ini sudah ada di roster yang sama."),
            ),
        ]

    def __str__(self):
        return f"{self.roster}: {self.worker}"


class Membership(TimeStampedModel):
    """A worker in a programme through a work unit, from the first month to the last."""

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("pekerja")
    )
    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit kerja")
    )
    kpj = models.CharField(_("KPJ"), max_length=15, blank=True)
    start = models.DateField(_("mulai"))
    end = models.DateField(
        _("berakhir"),
        null=True,
        blank=True,
        help_text=_("Hari terakhir kepesertaan; kosong: aktif."),
    )
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        ordering = ["worker__name", "programme", "-start"]
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="membership_start_before_end",
                violation_error_message=_("Tanggal mulai harus sebelum tanggal berakhir."),
            ),
            models.UniqueConstraint(
                fields=["worker", "programme", "unit"],
                condition=Q(end__isnull=True),
                name="membership_one_open_per_worker_programme_unit",
                violation_error_message=_(
                    "Pekerja ini sudah aktif di program ini melalui unit ini."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.worker} {self.programme} {self.unit.code}"
