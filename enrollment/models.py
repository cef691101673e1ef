"""Workers, monthly rosters and memberships (JKK/JKM) derived from verified rosters."""

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bpjs_tracker.models import TimeStampedModel
from bpjs_tracker.querysets import ScopedQuerySet, scoped_queryset
from bpjs_tracker.roles import scope_for
from regencies.models import FundingSource, RiskClass, Segment, WorkUnit


def month_name(day: date) -> str:
    """A month as people name it, in the active language: "November 2026"."""
    return _month_name(day.year, day.month, get_language())


@lru_cache(maxsize=1024)
def _month_name(year: int, month: int, language: str | None) -> str:
    # Every row of a bill or roster list names its month: Django's date_format looks up the
    # format and the month's name through the translation machinery each time (≈ 0.05 ms).
    return date_format(date(year, month, 1), "F Y")


def unit_month(unit: WorkUnit, day: date) -> str:
    """A unit's month as a title names it: "Pemerintah Desa Wunduhaka, November 2026"."""
    return f"{unit.name}, {month_name(day)}"


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

    # Unique through Meta.constraints rather than unique=True: on PostgreSQL unique=True also
    # builds a varchar_pattern_ops ("_like") index, which every imported worker pays for and
    # no query uses (NIK prefix search is a range over the unique index: WorkerAdmin).
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama"), max_length=200)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    bpjs_registered_on = models.DateField(
        _("terdaftar di BPJS sejak"),
        null=True,
        blank=True,
        help_text=_(
            "Bila diketahui: awal kepesertaan menurut BPJS; menggantikan TMT roster untuk "
            "syarat peserta baru keringanan PP 49/2020."
        ),
    )
    history = HistoricalRecords()

    objects = scoped_queryset(
        regency_path="roster_entries__roster__unit__regency",
        unit_path="roster_entries__roster__unit",
        multi_valued=True,
    ).as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("pekerja")
        verbose_name_plural = pgettext_lazy("plural", "pekerja")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                name="worker_nik_unique",
                violation_error_message=_("Sudah ada pekerja dengan NIK ini."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.nik})"


def roster_upload_to(instance, filename):
    return f"rosters/{instance.unit.code}/{instance.period:%Y-%m}/{short_file_name(filename)}"


def short_file_name(filename: str, *, stem_chars: int = 80) -> str:
    """A stored name that fits every file system (255 bytes): the stem cut, the extension kept."""
    from pathlib import PurePath

    name = PurePath(filename).name
    suffix = PurePath(name).suffix[:10]
    stem = name[: len(name) - len(PurePath(name).suffix)] if suffix else name
    return (stem[:stem_chars] or "berkas") + suffix


class Roster(TimeStampedModel):
    """One work unit's list of workers for one month; a re-upload replaces it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        VERIFIED = "verified", _("Terverifikasi")
        RETURNED = "returned", _("Dikembalikan")

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="rosters", verbose_name=_("unit kerja")
    )
    # indexed: lists sort by month first; the index lets the newest month be read first
    # (18 ms instead of sorting every roster of every month at a province's scale)
    period = models.DateField(_("periode"), help_text=_("Hari pertama bulan."), db_index=True)
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
        verbose_name_plural = pgettext_lazy("plural", "daftar pekerja (roster)")
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
        return unit_month(self.unit, self.period)

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
        ABANDONED = "abandoned", _("Ditinggalkan")  # pending for over a day (abandon_uploads)

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
    # When `purge_abandoned_uploads` deleted the file of an upload never imported (the
    # preview, its counts and problems stay); null while the file is kept.
    file_purged_at = models.DateTimeField(_("berkas dihapus"), null=True, blank=True)

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("unggahan roster")
        verbose_name_plural = pgettext_lazy("plural", "unggahan roster")
        constraints = [
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="roster_upload_period_is_first_of_month",
                violation_error_message=_("Periode harus hari pertama bulan."),
            ),
        ]

    def __str__(self):
        return f"{unit_month(self.unit, self.period)} ({self.get_status_display()})"


class RosterEntry(models.Model):
    """A worker on a roster: position, segment, wage (whole Rupiah) and start date (TMT)."""

    # Only the roster import writes entries (enrollment/services/bulk.py), inside the
    # transaction that holds the roster and creates the workers, so the foreign keys skip
    # the database's per-row checks at commit (200,000 trigger calls for 100,000 rows);
    # Django still cascades and protects on delete, and `manage.py check_integrity`
    # finds entries whose roster or worker is missing (architecture.md, 2026-11-26).
    roster = models.ForeignKey(
        Roster,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("roster"),
        db_constraint=False,
        # The (roster, worker) unique index serves lookups by roster; a second index
        # would only slow down importing 100,000 entries.
        db_index=False,
    )
    worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="roster_entries",
        verbose_name=_("pekerja"),
        db_constraint=False,
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
        verbose_name_plural = pgettext_lazy("plural", "baris roster")
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
        WorkUnit,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("unit kerja"),
        db_index=False,  # membership_unit_id_idx (unit, id) serves the unit's look-ups
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
        verbose_name_plural = pgettext_lazy("plural", "kepesertaan")
        indexes = [
            # The dashboard's "protection at risk": memberships that ended lately.
            models.Index(
                fields=["end"], condition=Q(end__isnull=False), name="membership_ended_idx"
            ),
            # KPJ look-ups (admin search, the KPJ import's "already taken" check); most
            # memberships have none yet, so the index holds only those that do.
            models.Index(fields=["kpj"], condition=~Q(kpj=""), name="membership_kpj_idx"),
            # A unit's memberships newest first (a treasurer's list): without the id beside
            # the unit, the largest OPD's list walked the whole table by id (0,4-3,6 s).
            models.Index(fields=["unit", "id"], name="membership_unit_id_idx"),
        ]
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


# --- Contributions, bills and payments (issue #4) -----------------------------
# Rates, reliefs, due-date/fine rules and holidays are dated data loaded from
# fixtures/ (DOMAIN.md §2); bills are computed from verified rosters by
# enrollment/services/billing.py; arrears and fines are derived in
# enrollment/billing/selectors.py and never stored.


class Basis(models.TextChoices):
    """How BPJS Ketenagakerjaan classes a participant for contributions (DOMAIN.md §1)."""

    PU = "pu", _("Penerima Upah (PU)")
    BPU = "bpu", _("Bukan Penerima Upah (BPU)")


class FactCertainty(models.TextChoices):
    """How sure a rule is (DOMAIN.md: reg / rep / unc); the admin shows it beside every row."""

    CONFIRMED = "confirmed", _("Terkonfirmasi (teks peraturan)")
    REPORTED = "reported", _("Dilaporkan (BPJS/pemerintah/pers)")
    UNCONFIRMED = "unconfirmed", _("Belum terkonfirmasi")


class ReferenceQuerySet(ScopedQuerySet):
    """Province-wide rules: every user with a scope reads all of them (edits: permissions)."""

    def visible_to(self, user):
        return self if scope_for(user) is not None else self.none()

    def in_force(self, day):
        return self.filter(
            Q(effective_from__lte=day), Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


class DatedRule(TimeStampedModel):
    """A rule in force from `effective_from` to `effective_to` (inclusive; empty: open).

    Two rows with the same key may not be in force on the same day. `KEY_FIELDS`
    names the key; a blank value in one of `WILDCARD_FIELDS` means "every value",
    so it clashes with every row of that key.
    """

    KEY_FIELDS: tuple[str, ...] = ()
    WILDCARD_FIELDS: tuple[str, ...] = ()

    effective_from = models.DateField(_("berlaku sejak"))
    effective_to = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Hari terakhir; kosong: masih berlaku."),
    )
    legal_basis = models.CharField(_("dasar hukum"), max_length=300)
    certainty = models.CharField(
        _("kepastian"),
        max_length=12,
        choices=FactCertainty.choices,
        help_text=_("Baris yang belum terkonfirmasi ditandai di admin dan di ekspor."),
    )
    note = models.TextField(_("catatan"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError(
                {"effective_to": _("Tanggal akhir harus sesudah tanggal mulai.")}, code="order"
            )
        clash = self.overlapping().first() if self.effective_from else None
        if clash is not None:
            raise ValidationError(
                _(
                    "Periode %(start)s – %(end)s tumpang tindih dengan %(other)s "
                    "(%(other_start)s – %(other_end)s) untuk kunci yang sama."
                ),
                code="overlap",
                params={
                    "start": self.effective_from,
                    "end": self.effective_to or "…",
                    "other": clash,
                    "other_start": clash.effective_from,
                    "other_end": clash.effective_to or "…",
                },
            )

    def overlapping(self):
        """Rows of the same key (blank = every value) whose periods meet this one's."""
        rows = type(self)._default_manager.exclude(pk=self.pk)
        for name in self.KEY_FIELDS:
            value = getattr(self, name)
            if name in self.WILDCARD_FIELDS:
                if value:
                    rows = rows.filter(Q(**{name: value}) | Q(**{name: ""}))
            else:
                rows = rows.filter(**{name: value})
        if self.effective_to is not None:
            rows = rows.filter(effective_from__lte=self.effective_to)
        return rows.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from))

    @property
    def is_unconfirmed(self) -> bool:
        return self.certainty == FactCertainty.UNCONFIRMED


class ContributionRate(DatedRule):
    """Programme × basis (× JKK risk class) → % of wage or a fixed monthly amount (PP 44/2015)."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Persen dari upah/penghasilan")
        FIXED = "fixed", _("Nominal tetap per bulan")

    KEY_FIELDS = ("programme", "basis", "risk_class")
    WILDCARD_FIELDS = ("risk_class",)

    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    basis = models.CharField(_("jenis peserta"), max_length=3, choices=Basis.choices)
    risk_class = models.CharField(
        _("kelas risiko JKK"),
        max_length=10,
        choices=RiskClass.choices,
        blank=True,
        help_text=_("Kosong: berlaku untuk semua kelas risiko."),
    )
    kind = models.CharField(_("bentuk"), max_length=8, choices=Kind.choices)
    percent = models.DecimalField(
        _("persen"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Untuk bentuk persen: 0,24 berarti 0,24% dari upah."),
    )
    amount = models.PositiveBigIntegerField(
        _("nominal (Rp)"), null=True, blank=True, help_text=_("Untuk bentuk nominal tetap.")
    )
    minimum = models.PositiveBigIntegerField(
        _("iuran minimum (Rp)"), default=0, help_text=_("0: tanpa minimum.")
    )
    maximum = models.PositiveBigIntegerField(
        _("iuran maksimum (Rp)"), null=True, blank=True, help_text=_("Kosong: tanpa maksimum.")
    )
    worker_share_percent = models.DecimalField(
        _("bagian dipotong dari pekerja (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_(
            "Persen iuran yang dipotong dari upah pekerja; sisanya ditanggung pemberi kerja."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "basis", "risk_class", "-effective_from"]
        verbose_name = _("tarif iuran")
        verbose_name_plural = pgettext_lazy("plural", "tarif iuran")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="percent", percent__isnull=False, amount__isnull=True)
                | Q(kind="fixed", amount__isnull=False, percent__isnull=True),
                name="contribution_rate_percent_or_amount",
                violation_error_message=_(
                    "Tarif persen mengisi persen saja; tarif nominal mengisi nominal saja."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="contribution_rate_percent_range",
                violation_error_message=_("Persen harus antara 0 dan 100."),
            ),
            models.CheckConstraint(
                condition=Q(worker_share_percent__gte=0, worker_share_percent__lte=100),
                name="contribution_rate_worker_share_range",
                violation_error_message=_("Bagian pekerja harus antara 0 dan 100 persen."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="contribution_rate_from_before_to",
                violation_error_message=_("Tanggal akhir harus sesudah tanggal mulai."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.get_basis_display()} {self.risk_class or '*'}: {self.describe()}"

    def describe(self) -> str:
        """The rate as printed on a bill: "0,24%" or "Rp 6.800"."""
        from bpjs_tracker.money import format_percent, format_rupiah

        if self.kind == self.Kind.FIXED:
            return format_rupiah(self.amount or 0)
        return format_percent(self.percent)


class ContributionRelief(DatedRule):
    """A discount on contributions for contribution months (PP 49/2020: 99%, Aug 2020 – Jan 2021).

    Participants whose membership started (TMT, or the BPJS registration date when
    known) on or after `new_participants_from` pay their first `full_months_for_new`
    months of membership in full. `funding_source` limits a row to units paid from
    that source (PP 50/2025 does not apply to APBD-paid BPU); `requires_paid_up`: the
    relief assumes the unit paid up to the month before (PP 49/2020 Pasal 13), which
    branch staff can deny per unit.
    """

    KEY_FIELDS = ("programme", "basis", "funding_source")
    WILDCARD_FIELDS = ("programme", "basis", "funding_source")

    programme = models.CharField(
        _("program"),
        max_length=3,
        choices=Programme.choices,
        blank=True,
        help_text=_("Kosong: semua."),
    )
    basis = models.CharField(
        _("jenis peserta"),
        max_length=3,
        choices=Basis.choices,
        blank=True,
        help_text=_("Kosong: semua."),
    )
    discount_percent = models.DecimalField(_("keringanan (%)"), max_digits=5, decimal_places=2)
    new_participants_from = models.DateField(
        _("peserta baru sejak"),
        null=True,
        blank=True,
        help_text=_("Peserta yang bulan iuran pertamanya sejak tanggal ini membayar penuh dulu."),
    )
    full_months_for_new = models.PositiveSmallIntegerField(
        _("bulan penuh untuk peserta baru"), default=0
    )
    funding_source = models.CharField(
        _("sumber dana iuran"),
        max_length=10,
        choices=FundingSource.choices,
        blank=True,
        help_text=_("Kosong: semua sumber dana."),
    )
    requires_paid_up = models.BooleanField(
        _("syarat iuran lunas sebelumnya"),
        default=False,
        help_text=_(
            "Keringanan hanya untuk unit yang melunasi iuran sampai sebelum masa keringanan "
            "(PP 49/2020: sampai Juli 2020). Dianggap terpenuhi kecuali unit ditandai tidak berhak."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "programme"]
        verbose_name = _("keringanan iuran")
        verbose_name_plural = pgettext_lazy("plural", "keringanan iuran")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="contribution_relief_percent_range",
                violation_error_message=_("Keringanan harus antara 0 dan 100 persen."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="contribution_relief_from_before_to",
                violation_error_message=_("Tanggal akhir harus sesudah tanggal mulai."),
            ),
        ]

    def __str__(self):
        return (
            f"{self.discount_percent}% {self.programme or _('semua program')} ({self.legal_basis})"
        )


class PaymentRule(DatedRule):
    """When a contribution month is due and the late fine, for a basis (DOMAIN.md §2)."""

    class Shift(models.TextChoices):
        NEXT = "next", _("hari kerja berikutnya")
        PREVIOUS = "previous", _("hari kerja sebelumnya")

    KEY_FIELDS = ("basis",)
    WILDCARD_FIELDS = ("basis",)

    basis = models.CharField(
        _("jenis peserta"),
        max_length=3,
        choices=Basis.choices,
        blank=True,
        help_text=_("Kosong: semua."),
    )
    due_day = models.PositiveSmallIntegerField(
        _("tanggal jatuh tempo"), help_text=_("Jika bulan itu lebih pendek: hari terakhirnya.")
    )
    due_month_offset = models.PositiveSmallIntegerField(
        _("bulan jatuh tempo"),
        default=1,
        help_text=_("0: bulan iuran itu sendiri; 1: bulan berikutnya."),
    )
    holiday_shift = models.CharField(
        _("jika jatuh pada hari libur"), max_length=8, choices=Shift.choices, default=Shift.NEXT
    )
    fine_percent = models.DecimalField(
        _("denda per bulan (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Dari iuran yang belum dibayar."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from", "basis"]
        verbose_name = _("aturan jatuh tempo dan denda")
        verbose_name_plural = pgettext_lazy("plural", "aturan jatuh tempo dan denda")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=31),
                name="payment_rule_due_day_range",
                violation_error_message=_("Tanggal jatuh tempo harus 1 sampai 31."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="payment_rule_from_before_to",
                violation_error_message=_("Tanggal akhir harus sesudah tanggal mulai."),
            ),
        ]

    def __str__(self):
        return f"{self.get_basis_display() or _('semua')}: {self.due_day}/+{self.due_month_offset}, {self.fine_percent}%"

    def clean(self):
        if self.basis == Basis.BPU and self.fine_percent:
            raise ValidationError(
                {
                    "fine_percent": _(
                        "BPU tidak didenda: kepesertaan yang menunggak 3 bulan menjadi tidak "
                        "aktif. Isi 0."
                    )
                },
                code="bpu_fine",
            )
        super().clean()


class PublicHoliday(TimeStampedModel):
    """A correction to the holiday library (enrollment/billing/calendar.py) for one date.

    `is_holiday`: the date is a holiday (adds one the library lacks); unticked: it is
    not, although the library says so (a cuti bersama withdrawn). A row wins over the library.
    """

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=150)
    is_holiday = models.BooleanField(
        _("hari libur"),
        default=True,
        help_text=_(
            "Dicentang: tanggal ini hari libur (menambah tanggal yang tidak dikenal pustaka "
            "hari libur). Tidak dicentang: tanggal ini hari kerja walaupun pustaka menyebutnya "
            "hari libur, misalnya cuti bersama yang dibatalkan."
        ),
    )
    certainty = models.CharField(_("kepastian"), max_length=12, choices=FactCertainty.choices)
    source = models.TextField(_("sumber"), blank=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("koreksi hari libur")
        verbose_name_plural = pgettext_lazy("plural", "koreksi hari libur")

    def __str__(self):
        state = "" if self.is_holiday else f" ({_('dibatalkan')})"
        return f"{self.date:%Y-%m-%d} {self.name}{state}"


class BillQuerySet(scoped_queryset(regency_path="unit__regency", unit_path="unit")):
    def with_paid(self, as_of=None):
        """Annotate `paid`: the sum allocated to each bill (by payments made on or before `as_of`)."""
        allocations = PaymentAllocation.objects.filter(bill=models.OuterRef("pk"))
        if as_of is not None:
            allocations = allocations.filter(payment__paid_on__lte=as_of)
        from django.db.models.functions import Coalesce

        paid = allocations.values("bill").annotate(s=models.Sum("amount")).values("s")
        return self.annotate(
            paid=Coalesce(models.Subquery(paid, output_field=models.BigIntegerField()), 0)
        )

    def locked(self):
        """Bills with any payment allocated: never recomputed (differences go to the next bill)."""
        return self.filter(
            models.Exists(PaymentAllocation.objects.filter(bill=models.OuterRef("pk")))
        )

    def unlocked(self):
        return self.exclude(
            models.Exists(PaymentAllocation.objects.filter(bill=models.OuterRef("pk")))
        )


class BillPart(NamedTuple):
    """One basis's part of a bill (PU or BPU): its own due date, fine rule and total."""

    basis: str  # "pu" | "bpu"
    due_date: date
    total: int

    @property
    def label(self) -> str:
        return self.basis.upper()


class Bill(TimeStampedModel):
    """A work unit's contribution bill (tagihan iuran) for one month, from its verified roster."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Belum dibayar")
        PARTIAL = "partial", _("Dibayar sebagian")
        PAID = "paid", _("Lunas")
        NIL = "nil", _("Nihil")

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="bills", verbose_name=_("unit kerja")
    )
    period = models.DateField(
        _("bulan iuran"), help_text=_("Hari pertama bulan."), db_index=True
    )  # as the roster's: the bill list reads the newest month first
    due_date = models.DateField(_("jatuh tempo"))
    contribution_total = models.BigIntegerField(_("iuran (Rp)"), default=0)
    adjustment_total = models.BigIntegerField(_("penyesuaian (Rp)"), default=0)
    total = models.BigIntegerField(_("jumlah tagihan (Rp)"), default=0)
    relief_total = models.BigIntegerField(_("keringanan diberikan (Rp)"), default=0)
    worker_count = models.PositiveIntegerField(_("jumlah pekerja"), default=0)
    bases = models.CharField(
        _("jenis peserta"), max_length=10, blank=True, help_text=_("PU dan/atau BPU pada tagihan.")
    )
    # The bill's parts, one per basis (issue #8): each basis keeps its own due date and
    # fine rule. Two column groups, like BillLine's programmes; `parts()` reads them.
    pu_total = models.BigIntegerField(_("bagian PU (Rp)"), default=0)
    pu_due_date = models.DateField(_("jatuh tempo bagian PU"), null=True, blank=True)
    bpu_total = models.BigIntegerField(_("bagian BPU (Rp)"), default=0)
    bpu_due_date = models.DateField(_("jatuh tempo bagian BPU"), null=True, blank=True)
    roster = models.ForeignKey(
        Roster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bills",
        verbose_name=_("roster"),
    )
    roster_verified_at = models.DateTimeField(
        _("verifikasi roster yang dihitung"), null=True, blank=True
    )
    rules_digest = models.CharField(_("sidik aturan tarif"), max_length=40, blank=True)
    rounding_rule = models.TextField(_("aturan pembulatan"))
    relief_note = models.TextField(_("catatan keringanan"), blank=True)
    computed_at = models.DateTimeField(_("dihitung pada"))
    history = HistoricalRecords()

    objects = BillQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "unit__code"]
        verbose_name = _("tagihan iuran")
        verbose_name_plural = pgettext_lazy("plural", "tagihan iuran")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="bill_one_per_unit_and_month",
                violation_error_message=_("Sudah ada tagihan untuk unit dan bulan ini."),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="bill_period_is_first_of_month",
                violation_error_message=_("Bulan iuran harus hari pertama bulan."),
            ),
        ]

    def __str__(self):
        return unit_month(self.unit, self.period)

    def parts(self) -> list[BillPart]:
        """The bill's parts, one per basis on the bill, earliest due first (BPU before PU).

        Payments allocated to the bill settle its parts in this order (the oldest part
        first); a bill is fully paid when every part is.
        """
        parts = []
        for basis in sorted(filter(None, self.bases.split(","))):
            due = getattr(self, f"{basis}_due_date") or self.due_date
            parts.append(BillPart(basis, due, getattr(self, f"{basis}_total")))
        return sorted(parts, key=lambda part: (part.due_date, part.basis))

    def status_for(self, paid: int) -> str:
        """Payment status given the amount paid (derived, never stored)."""
        if self.total <= 0:
            return self.Status.NIL
        if paid >= self.total:
            return self.Status.PAID
        return self.Status.PARTIAL if paid > 0 else self.Status.UNPAID


class LinePart(NamedTuple):
    """One programme's item on a bill line (what show_bill prints as a line)."""

    programme: str
    rate_id: int | None
    gross: int
    relief: int
    amount: int


class BillLine(models.Model):
    """One worker on a bill, with the JKK and JKM parts; or an adjustment for an earlier paid bill.

    Bills are financial documents: the NIK, segment, wage and rates are copied as
    billed. One row per worker (not per worker × programme) because a province's
    month is a million workers: the row count, not the width, decides how long
    billing takes (benchmarks/README.md). `parts()` gives the per-programme items.
    The programmes billed are `enrollment.billing.arithmetic.BILLED_PROGRAMMES`; each has a
    `<programme>_rate/_gross/_relief/_amount` group of columns.
    """

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("Iuran")
        ADJUSTMENT = "adjustment", _("Penyesuaian")

    # Only the billing service writes lines, inside the bill's transaction, so the
    # foreign keys skip the database's per-row checks (millions of rows a month);
    # Django still cascades and protects on delete.
    bill = models.ForeignKey(
        Bill,
        on_delete=models.CASCADE,
        related_name="lines",
        db_constraint=False,
        verbose_name=_("tagihan"),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("pekerja"),
    )
    nik = models.CharField(_("NIK"), max_length=16)
    segment = models.CharField(_("kategori"), max_length=20, choices=Segment.choices)
    wage = models.BigIntegerField(_("dasar upah (Rp)"))
    jkk_rate = models.ForeignKey(
        ContributionRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("tarif JKK"),
    )
    jkk_gross = models.BigIntegerField(_("JKK normal (Rp)"), default=0)
    jkk_relief = models.BigIntegerField(_("keringanan JKK (Rp)"), default=0)
    jkk_amount = models.BigIntegerField(_("JKK ditagih (Rp)"), default=0)
    jkm_rate = models.ForeignKey(
        ContributionRate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("tarif JKM"),
    )
    jkm_gross = models.BigIntegerField(_("JKM normal (Rp)"), default=0)
    jkm_relief = models.BigIntegerField(_("keringanan JKM (Rp)"), default=0)
    jkm_amount = models.BigIntegerField(_("JKM ditagih (Rp)"), default=0)
    amount = models.BigIntegerField(_("ditagih (Rp)"))
    adjusts = models.ForeignKey(
        Bill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_adjustments",
        db_constraint=False,
        db_index=False,
        verbose_name=_("menyesuaikan tagihan"),
    )

    objects = scoped_queryset(
        regency_path="bill__unit__regency", unit_path="bill__unit"
    ).as_manager()

    class Meta:
        ordering = ["bill", "kind", "nik"]
        verbose_name = _("baris tagihan")
        verbose_name_plural = pgettext_lazy("plural", "baris tagihan")
        indexes = [
            models.Index(
                fields=["adjusts"],
                condition=Q(adjusts__isnull=False),
                name="bill_line_adjusts_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="contribution", adjusts__isnull=True)
                | Q(kind="adjustment", adjusts__isnull=False),
                name="bill_line_adjustment_names_its_bill",
                violation_error_message=_(
                    "Baris penyesuaian harus menunjuk tagihan yang disesuaikan."
                ),
            ),
        ]

    def __str__(self):
        # No related rows: a page of lines must not fetch each line's bill and unit.
        return f"{self.get_kind_display()} {self.nik}: {self.amount}"

    def parts(self) -> list[LinePart]:
        """The per-programme items of this line: programmes with a rate (adjustments: non-zero)."""
        from enrollment.billing.arithmetic import BILLED_PROGRAMMES

        items = []
        for programme in BILLED_PROGRAMMES:
            prefix = programme.lower()
            rate_id = getattr(self, f"{prefix}_rate_id")
            amount = getattr(self, f"{prefix}_amount")
            if amount == 0 and (rate_id is None or self.kind == self.Kind.ADJUSTMENT):
                continue
            items.append(
                LinePart(
                    programme,
                    rate_id,
                    getattr(self, f"{prefix}_gross"),
                    getattr(self, f"{prefix}_relief"),
                    amount,
                )
            )
        return items


class Payment(TimeStampedModel):
    """Money a work unit paid: amount, date and the bank's or BPJS's reference."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Dicatat manual")
        IMPORT = "import", _("Impor berkas bank/BPJS")

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="payments", verbose_name=_("unit kerja")
    )
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    paid_on = models.DateField(_("tanggal bayar"))
    reference = models.CharField(
        _("referensi"),
        max_length=100,
        help_text=_("Nomor referensi bank atau BPJS; unik per unit."),
    )
    source = models.CharField(
        _("sumber"), max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    source_file = models.CharField(_("berkas impor"), max_length=255, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        ordering = ["-paid_on", "unit__code"]
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = pgettext_lazy("plural", "pembayaran iuran")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "reference"],
                name="payment_reference_once_per_unit",
                violation_error_message=_("Referensi pembayaran ini sudah dicatat untuk unit ini."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("Jumlah pembayaran harus lebih dari nol."),
            ),
        ]

    def __str__(self):
        return f"{self.unit.name}, {date_format(self.paid_on, 'j F Y')} ({self.reference})"


class PaymentAllocation(models.Model):
    """The part of a payment that settles one bill."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("pembayaran")
    )
    bill = models.ForeignKey(
        Bill, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("tagihan")
    )
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))

    objects = scoped_queryset(
        regency_path="bill__unit__regency", unit_path="bill__unit"
    ).as_manager()

    class Meta:
        ordering = ["bill__period"]
        verbose_name = _("alokasi pembayaran")
        verbose_name_plural = pgettext_lazy("plural", "alokasi pembayaran")
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "bill"], name="payment_allocation_once_per_bill"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_allocation_amount_positive",
                violation_error_message=_("Jumlah alokasi harus lebih dari nol."),
            ),
        ]

    def __str__(self):
        return f"{self.payment} → {self.bill}: {self.amount}"


# --- Coverage summary for the dashboard (issue #10) -----------------------------------------
# Kept current by enrollment/summary.py inside the transactions of the writes that change
# it (roster upload/verify/return, billing, payments) and rebuilt by `coverage_rebuild`.
# Not edited by a person (no history): it is derived data, rebuildable from scratch.


class CoverageSummary(models.Model):
    """One unit × month × segment: workers on the verified roster and workers covered.

    covered: workers with JKK and JKM both active through the unit on the month's
    last day (segment from the roster entry in force: the unit's latest verified
    roster up to the month; '' when there is none). covered_regency / covered_province
    count such a worker only in the first unit (lowest id) that covers them in the
    regency / the province, so that sums over units count each person once.
    BPU lapse is applied when reading (it changes with the calendar).
    """

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit kerja")
    )
    period = models.DateField(_("periode"))
    segment = models.CharField(_("kategori"), max_length=20, blank=True)
    on_roster = models.PositiveIntegerField(_("di roster terverifikasi"), default=0)
    covered = models.PositiveIntegerField(_("terlindungi"), default=0)
    covered_regency = models.PositiveIntegerField(default=0)
    covered_province = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(_("diperbarui"))

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        verbose_name = _("ringkasan cakupan")
        verbose_name_plural = pgettext_lazy("plural", "ringkasan cakupan")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "segment"], name="coverage_summary_one_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.period:%Y-%m} {self.segment}: {self.covered}"


class UnitMonthSummary(models.Model):
    """One unit × month: the roster's state, the month's bill and the unit's arrears on its last day."""

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit kerja")
    )
    period = models.DateField(_("periode"))
    roster_status = models.CharField(
        _("status roster"), max_length=12, blank=True, help_text=_("Kosong: belum ada roster.")
    )
    bill_total = models.BigIntegerField(_("tagihan bulan ini (Rp)"), default=0)
    bill_due_date = models.DateField(_("jatuh tempo"), null=True)
    bill_paid_on = models.DateField(_("lunas pada"), null=True)
    arrears = models.BigIntegerField(_("tunggakan (Rp)"), default=0)
    arrears_bills = models.PositiveIntegerField(_("tagihan menunggak"), default=0)
    refreshed_at = models.DateTimeField(_("diperbarui"))

    objects = scoped_queryset(regency_path="unit__regency", unit_path="unit").as_manager()

    class Meta:
        verbose_name = _("ringkasan unit per bulan")
        verbose_name_plural = pgettext_lazy("plural", "ringkasan unit per bulan")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unit_month_summary_one"),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.period:%Y-%m}"


class DoubleEnrolmentResolution(TimeStampedModel):
    """Branch staff's decision about a worker enrolled through two units at once (issue #10).

    Either one unit keeps the worker (the others are asked, on their start page, to drop the
    row from their next roster), or the worker holds two real jobs and stays on both.
    """

    class Decision(models.TextChoices):
        KEEP = "keep", _("Satu unit mempertahankan pekerja")
        TWO_JOBS = "two_jobs", _("Dua pekerjaan yang sah")

    worker = models.ForeignKey(
        Worker,
        on_delete=models.PROTECT,
        related_name="double_resolutions",
        verbose_name=_("pekerja"),
    )
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices)
    keep_unit = models.ForeignKey(
        WorkUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit yang mempertahankan"),
    )
    note = models.TextField(_("catatan"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    history = HistoricalRecords()

    objects = scoped_queryset(
        regency_path="worker__memberships__unit__regency",
        unit_path="worker__memberships__unit",
        multi_valued=True,
    ).as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("penyelesaian kepesertaan ganda")
        verbose_name_plural = pgettext_lazy("plural", "penyelesaian kepesertaan ganda")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="keep", keep_unit__isnull=False)
                | Q(decision="two_jobs", keep_unit__isnull=True),
                name="double_resolution_keep_names_a_unit",
                violation_error_message=_("Pilih unit yang mempertahankan pekerja."),
            ),
        ]

    def __str__(self):
        return f"{self.worker}: {self.get_decision_display()}"
