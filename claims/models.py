"""Death-benefit claims (JKM, JKK death): schedules as dated data, claims, heirs, documents.

What a family gets is decided by the schedule in force on the date of death
(DOMAIN.md §3, `claims/benefits.py` does the arithmetic); who receives it by
PP 44/2015 Pasal 40(2) (the heir's tier); when it is late by the service level
counted from the day the document checklist was complete (DOMAIN.md §4).
Status moves only through `claims/services.py`, which records each transition.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from bpjs_tracker.models import TimeStampedModel
from bpjs_tracker.querysets import scoped_queryset
from claims.documents import claim_document_upload_path, validate_claim_document
from enrollment.models import DatedRule, Membership, ReferenceQuerySet, Worker
from regencies.models import WorkUnit


class ClaimProgramme(models.TextChoices):
    """The two death benefits: JKM (death not from work) and JKK (death from a work accident)."""

    JKM = "JKM", _("JKM (meninggal bukan karena kecelakaan kerja)")
    JKK = "JKK", _("JKK (meninggal karena kecelakaan kerja)")


# --- benefit schedules (reference data, fixtures/benefit_schedules.csv) ----------------------


class BenefitSchedule(DatedRule):
    """The death benefit of one programme for deaths from `effective_from` (PP 44/2015, PP 82/2019).

    Cash paid at once = lump sum (JKK: `wage_multiplier` × wage, never below
    `lump_sum`) + periodic (`periodic_months` × `periodic_amount`) + funeral.
    The scholarship rules of the schedule are `ScholarshipRule` rows. The JKK
    filing limit and the service level are on the row too, because they
    changed with the regulation (PP 82/2019 Pasal 26).
    """

    KEY_FIELDS = ("programme",)

    programme = models.CharField(_("program"), max_length=3, choices=ClaimProgramme.choices)
    name = models.CharField(
        _("nama singkat"), max_length=40, help_text=_("Mis. “PP 82/2019”; dicetak di klaim.")
    )
    lump_sum = models.PositiveBigIntegerField(
        _("santunan sekaligus (Rp)"),
        help_text=_(
            "JKM: santunan sekaligus. JKK: batas bawah santunan kematian (sama dengan JKM)."
        ),
    )
    wage_multiplier = models.PositiveSmallIntegerField(
        _("kali upah (JKK)"),
        null=True,
        blank=True,
        help_text=_("JKK: santunan kematian = kali upah sebulan (48). Kosong untuk JKM."),
    )
    periodic_amount = models.PositiveBigIntegerField(_("santunan berkala per bulan (Rp)"))
    periodic_months = models.PositiveSmallIntegerField(
        _("jumlah bulan santunan berkala"),
        help_text=_(
            "PP 44/2015: 24 × Rp 200.000; PP 82/2019: 1 × Rp 12.000.000 dibayar sekaligus."
        ),
    )
    funeral = models.PositiveBigIntegerField(_("biaya pemakaman (Rp)"))
    scholarship_min_months = models.PositiveSmallIntegerField(
        _("masa iuran minimum untuk beasiswa (bulan)"),
        null=True,
        blank=True,
        help_text=_("Kosong: tanpa masa minimum (JKK)."),
    )
    scholarship_max_children = models.PositiveSmallIntegerField(
        _("anak penerima beasiswa paling banyak"), default=0
    )
    service_working_days = models.PositiveSmallIntegerField(
        _("batas bayar (hari kerja sejak berkas lengkap)"),
        help_text=_("JKM 3, JKK 7 hari kerja (PP 44/2015 Pasal 37, 40)."),
    )
    late_percent_per_day = models.DecimalField(
        _("kompensasi keterlambatan per hari (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Dari santunan tunai (tanpa beasiswa), per hari kalender lewat batas."),
    )
    claim_lapse_years = models.PositiveSmallIntegerField(
        _("hak klaim JKK kedaluwarsa (tahun sejak kecelakaan)"),
        null=True,
        blank=True,
        help_text=_(
            "JKK: dipilih menurut tanggal kecelakaan (2 tahun sebelum PP 82/2019, 5 tahun "
            "sesudahnya). Kosong: tidak ada batas (JKM)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "-effective_from"]
        verbose_name = _("jadwal manfaat kematian")
        verbose_name_plural = pgettext_lazy("plural", "jadwal manfaat kematian")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="benefit_schedule_from_before_to",
                violation_error_message=_("Tanggal akhir harus sesudah tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=Q(programme="JKM", wage_multiplier__isnull=True)
                | Q(programme="JKK", wage_multiplier__isnull=False),
                name="benefit_schedule_wage_multiplier_for_jkk_only",
                violation_error_message=_("Kali upah diisi untuk JKK saja."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.name} ({self.effective_from:%d-%m-%Y})"


class ScholarshipRule(models.Model):
    """One school level of a schedule's scholarship: amount per school year and the most years."""

    class Level(models.TextChoices):
        ANY = "any", _("Sekali untuk satu anak")
        TK_SD = "tk_sd", _("TK – SD")
        SMP = "smp", _("SMP")
        SMA = "sma", _("SMA")
        HIGHER = "higher", _("Perguruan tinggi / pelatihan")

    schedule = models.ForeignKey(
        BenefitSchedule,
        on_delete=models.CASCADE,
        related_name="scholarship_rules",
        verbose_name=_("jadwal manfaat"),
    )
    level = models.CharField(_("jenjang"), max_length=8, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("urutan"), help_text=_("Urutan jenjang sekolah."))
    amount_per_year = models.PositiveBigIntegerField(_("per tahun ajaran (Rp)"))
    max_years = models.PositiveSmallIntegerField(_("tahun paling banyak"))
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["schedule", "order"]
        verbose_name = _("aturan beasiswa")
        verbose_name_plural = pgettext_lazy("plural", "aturan beasiswa")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "level"],
                name="scholarship_rule_level_once_per_schedule",
                violation_error_message=_("Jenjang ini sudah ada pada jadwal ini."),
            ),
        ]

    def __str__(self):
        return f"{self.schedule.name} {self.get_level_display()}"


# --- claims -----------------------------------------------------------------------------------


class ClaimQuerySet(scoped_queryset(regency_path="unit__regency", unit_path="unit")):
    def open(self):
        return self.filter(status__in=Claim.OPEN_STATUSES)


class Claim(TimeStampedModel):
    """A death in a membership, the benefit it gives and where the claim stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        VERIFIED = "verified", _("Terverifikasi")
        APPROVED = "approved", _("Disetujui")
        PAID = "paid", _("Dibayar")
        REJECTED = "rejected", _("Ditolak")

    # The services enforce this map (claims/services.py); the model stays dumb.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.REJECTED},
        Status.SUBMITTED: {Status.VERIFIED, Status.REJECTED},
        Status.VERIFIED: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.PAID, Status.REJECTED},
        Status.PAID: set(),
        Status.REJECTED: set(),
    }
    OPEN_STATUSES = (Status.SUBMITTED, Status.VERIFIED, Status.APPROVED)

    unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="claims", verbose_name=_("unit kerja")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="claims", verbose_name=_("almarhum/ah")
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("kepesertaan"),
        help_text=_(
            "Kepesertaan yang menjadi dasar klaim; kosong bila tidak aktif saat meninggal."
        ),
    )
    programme = models.CharField(_("program"), max_length=3, choices=ClaimProgramme.choices)
    date_of_death = models.DateField(_("tanggal meninggal"))
    place_of_death = models.CharField(_("tempat meninggal"), max_length=200, blank=True)
    cause_of_death = models.TextField(
        _("sebab meninggal"),
        blank=True,
        help_text=_("Sakit/biasa → JKM; kecelakaan kerja → JKK (isi tanggal kecelakaan)."),
    )
    accident_date = models.DateField(_("tanggal kecelakaan kerja"), null=True, blank=True)
    wage = models.PositiveBigIntegerField(
        _("upah sebulan (Rp)"),
        null=True,
        blank=True,
        help_text=_("JKK: upah yang dilaporkan pada roster terverifikasi yang berlaku saat itu."),
    )
    reported_by = models.CharField(_("pelapor"), max_length=200, blank=True)
    reported_on = models.DateField(_("tanggal lapor"))
    funeral_arranged_by = models.CharField(
        _("yang mengurus pemakaman"),
        max_length=200,
        blank=True,
        help_text=_("Bila tidak ada ahli waris: biaya pemakaman dibayar kepada orang ini."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    documents_complete_on = models.DateField(
        _("berkas lengkap sejak"),
        null=True,
        blank=True,
        help_text=_("Hari berkas wajib terakhir diterima: batas layanan dihitung dari sini."),
    )
    rejection_reason = models.TextField(_("alasan ditolak"), blank=True)
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("jumlah dibayar (Rp)"), null=True, blank=True)
    payment_reference = models.CharField(_("referensi pembayaran"), max_length=100, blank=True)
    paid_to_account = models.CharField(
        _("rekening penerima"), max_length=200, blank=True, help_text=_("Bank, nomor, atas nama.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    note = models.TextField(_("catatan"), blank=True)
    history = HistoricalRecords()

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-date_of_death", "-pk"]
        verbose_name = _("klaim kematian")
        verbose_name_plural = pgettext_lazy("plural", "klaim kematian")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme="JKM") | Q(accident_date__isnull=False),
                name="claim_jkk_has_accident_date",
                violation_error_message=_("Klaim JKK harus mengisi tanggal kecelakaan kerja."),
            ),
            models.CheckConstraint(
                condition=Q(accident_date__isnull=True) | Q(accident_date__lte=F("date_of_death")),
                name="claim_accident_before_death",
                violation_error_message=_(
                    "Tanggal kecelakaan tidak boleh sesudah tanggal meninggal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reported_on__gte=F("date_of_death")),
                name="claim_reported_after_death",
                violation_error_message=_("Tanggal lapor tidak boleh sebelum tanggal meninggal."),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False, paid_amount__isnull=False),
                name="claim_paid_has_date_and_amount",
                violation_error_message=_("Klaim yang dibayar harus punya tanggal dan jumlah."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="claim_rejected_has_reason",
                violation_error_message=_("Klaim yang ditolak harus punya alasan."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.worker.name} ({self.date_of_death:%d-%m-%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        """Heirs, documents and facts are edited while the claim is a draft or being checked."""
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)


class ClaimStatusChange(models.Model):
    """One transition of a claim: from, to, who, when, and the reason for a refusal."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("klaim")
    )
    from_status = models.CharField(
        _("dari"), max_length=10, choices=Claim.Status.choices, blank=True
    )
    to_status = models.CharField(_("ke"), max_length=10, choices=Claim.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"))
    note = models.TextField(_("catatan"), blank=True)

    objects = scoped_queryset(
        regency_path="claim__unit__regency", unit_path="claim__unit"
    ).as_manager()

    class Meta:
        ordering = ["claim", "at", "pk"]
        verbose_name = _("riwayat status klaim")
        verbose_name_plural = pgettext_lazy("plural", "riwayat status klaim")

    def __str__(self):
        """"Draf → Diajukan": the statuses as the page names them, not their codes; the first
        step reads "Dicatat → Draf"."""
        before = self.get_from_status_display() if self.from_status else _("Dicatat")
        return f"{before} → {self.get_to_status_display()}"


class Heir(TimeStampedModel):
    """A person who may receive the benefit, with the tier PP 44/2015 Pasal 40(2) gives them."""

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Janda/duda")
        CHILD = "child", _("Anak")
        PARENT = "parent", _("Orang tua")
        GRANDCHILD = "grandchild", _("Cucu")
        GRANDPARENT = "grandparent", _("Kakek/nenek")
        SIBLING = "sibling", _("Saudara kandung")
        PARENT_IN_LAW = "parent_in_law", _("Mertua")
        WILL = "will", _("Ditunjuk dalam wasiat")

    class SchoolLevel(models.TextChoices):
        NONE = "", _("Tidak sekolah / tidak berlaku")
        TK_SD = "tk_sd", _("TK – SD")
        SMP = "smp", _("SMP")
        SMA = "sma", _("SMA")
        HIGHER = "higher", _("Perguruan tinggi / pelatihan")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="heirs", verbose_name=_("klaim")
    )
    name = models.CharField(_("nama"), max_length=200)
    nik = models.CharField(_("NIK"), max_length=16)
    relationship = models.CharField(_("hubungan"), max_length=16, choices=Relationship.choices)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    is_recipient = models.BooleanField(_("penerima"), default=False)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(_("nomor rekening"), max_length=30, blank=True)
    school_level = models.CharField(
        _("jenjang sekolah saat ini"),
        max_length=8,
        choices=SchoolLevel.choices,
        blank=True,
        help_text=_("Anak: jenjang saat orang tua meninggal, untuk rencana beasiswa."),
    )
    scholarship_eligible = models.BooleanField(
        _("memenuhi syarat beasiswa"),
        default=False,
        help_text=_("Anak di bawah 23 tahun, belum menikah, tidak bekerja."),
    )
    history = HistoricalRecords()

    objects = scoped_queryset(
        regency_path="claim__unit__regency", unit_path="claim__unit"
    ).as_manager()

    class Meta:
        ordering = ["claim", "pk"]
        verbose_name = _("ahli waris")
        verbose_name_plural = pgettext_lazy("plural", "ahli waris")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "nik"],
                name="heir_nik_once_per_claim",
                violation_error_message=_("NIK ini sudah tercatat sebagai ahli waris klaim ini."),
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(is_recipient=True),
                name="heir_one_recipient_per_claim",
                violation_error_message=_("Satu klaim hanya punya satu penerima."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display()})"

    def clean(self):
        super().clean()
        from claims.heirs import heir_nik_check

        heir_nik_check(self)


class ClaimDocument(TimeStampedModel):
    """One document of the checklist, a PDF or JPEG scan kept outside the web root."""

    class Kind(models.TextChoices):
        CLAIM_FORM = "claim_form", _("Formulir klaim")
        DEATH_CERTIFICATE = "death_certificate", _("Surat/akta kematian")
        HEIR_CERTIFICATE = "heir_certificate", _("Surat keterangan ahli waris")
        MEMBERSHIP_CARD = "membership_card", _("Kartu peserta")
        KTP_DECEASED = "ktp_deceased", _("KTP almarhum/ah")
        KTP_HEIR = "ktp_heir", _("KTP ahli waris")
        FAMILY_CARD = "family_card", _("Kartu keluarga (KK)")
        MARRIAGE_BOOK = "marriage_book", _("Buku nikah")
        BANK_BOOK = "bank_book", _("Buku tabungan ahli waris")
        WILL = "will", _("Surat wasiat")
        ACCIDENT_REPORT = "accident_report", _("Laporan kecelakaan kerja")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="documents", verbose_name=_("klaim")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("berkas"),
        upload_to=claim_document_upload_path,
        validators=[validate_claim_document],
        max_length=200,
        help_text=_("PDF atau JPEG. Disimpan di luar web; dibuka lewat aplikasi ini."),
    )
    received_on = models.DateField(_("diterima tanggal"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    history = HistoricalRecords()

    objects = scoped_queryset(
        regency_path="claim__unit__regency", unit_path="claim__unit"
    ).as_manager()

    class Meta:
        ordering = ["claim", "kind"]
        verbose_name = _("dokumen klaim")
        verbose_name_plural = pgettext_lazy("plural", "dokumen klaim")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "kind"],
                name="claim_document_kind_once_per_claim",
                violation_error_message=_("Dokumen jenis ini sudah ada untuk klaim ini."),
            ),
        ]

    def __str__(self):
        return f"{self.claim_id}: {self.get_kind_display()}"
