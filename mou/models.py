"""Agreements (MoU / PKS / KSO), regional regulations, monitoring meetings and follow-ups.

The political side that decides who gets covered (DESIGN.md, DOMAIN.md §6).
An agreement's status is derived from its dates (mou/status.py); only what
dates cannot tell is stored.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from bpjs_tracker.models import TimeStampedModel
from bpjs_tracker.querysets import ScopedQuerySet, scoped_queryset
from enrollment.models import Programme
from mou.documents import document_upload_path, validate_pdf_document
from mou.fields import ChoiceListField
from mou.status import AgreementStatus, RecordedState, agreement_status, status_conditions
from regencies.models import BranchOffice, Regency, Segment


class FundingSource(models.TextChoices):
    APBD = "apbd", _("APBD (anggaran kabupaten/kota)")
    APBDES = "apbdes", _("APBDes (anggaran desa)")
    WORKER = "worker", _("Potongan upah pekerja")
    SPONSOR = "sponsor", _("Sponsor / CSR")


DOCUMENT_HELP = _("Hasil pindaian, hanya PDF. Disimpan di luar web; dibuka lewat aplikasi ini.")


class AgreementQuerySet(ScopedQuerySet):
    regency_path = "regency"

    def with_status(self, status: str, day: date):
        return self.filter(status_conditions(day)[status])

    def in_force(self, day: date):
        return self.with_status(AgreementStatus.IN_FORCE, day)

    def expiring_within(self, days: int, day: date):
        """In force on `day` and ending within `days` days of it."""
        return self.in_force(day).filter(valid_until__lte=day + timedelta(days=days))


class Agreement(TimeStampedModel):
    """An MoU, PKS or KSO between a regency (or a village association) and a BPJS office."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Nota kesepahaman (MoU)")
        PKS = "pks", _("Perjanjian kerja sama (PKS)")
        KSO = "kso", _("Kerja sama operasional (KSO)")

    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("kabupaten/kota"),
    )
    other_party = models.CharField(
        _("pihak pertama lain"),
        max_length=200,
        blank=True,
        help_text=_(
            "Isi bila pihak pertama bukan pemerintah kabupaten/kota sendiri, mis. asosiasi "
            "pemerintah desa (APDESI) kabupaten ini."
        ),
    )
    branch_office = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("kantor BPJS Ketenagakerjaan"),
    )
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind)
    number = models.CharField(_("nomor"), max_length=200, blank=True)
    title = models.CharField(_("judul"), max_length=300, blank=True)
    signed_on = models.DateField(_("tanggal penandatanganan"), null=True, blank=True)
    signed_at = models.CharField(_("tempat penandatanganan"), max_length=100, blank=True)
    programmes = ChoiceListField(_("program"), item_choices=Programme.choices)
    valid_from = models.DateField(
        _("berlaku sejak"),
        null=True,
        blank=True,
        help_text=_("Kosong: sejak tanggal penandatanganan."),
    )
    valid_until = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosong: tidak diketahui.")
    )
    state = models.CharField(
        _("keadaan tercatat"),
        max_length=12,
        choices=RecordedState,
        default=RecordedState.DRAFT,
        help_text=_(
            "Hanya yang tidak terbaca dari tanggal: draf, sudah ditandatangani, atau diakhiri "
            "lebih awal. Berlaku/kedaluwarsa dihitung dari tanggal."
        ),
    )
    terminated_on = models.DateField(_("tanggal pengakhiran"), null=True, blank=True)
    renews = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("memperbarui perjanjian"),
        help_text=_("Perjanjian lama yang digantikan oleh perjanjian ini."),
    )
    document = models.FileField(
        _("dokumen"),
        upload_to=document_upload_path,
        max_length=200,
        blank=True,
        validators=[validate_pdf_document],
        help_text=DOCUMENT_HELP,
    )
    note = models.TextField(
        _("catatan dan sumber"),
        blank=True,
        help_text=_("Dari mana data ini, dan apa yang belum diketahui."),
    )
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["regency__code", F("signed_on").desc(nulls_last=True), "-pk"]
        verbose_name = _("perjanjian (MoU/PKS/KSO)")
        verbose_name_plural = pgettext_lazy("plural", "perjanjian (MoU/PKS/KSO)")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_from_before_until",
                violation_error_message=_("Tanggal mulai berlaku harus sebelum tanggal berakhir."),
            ),
            models.CheckConstraint(
                condition=Q(state=RecordedState.TERMINATED, terminated_on__isnull=False)
                | (~Q(state=RecordedState.TERMINATED) & Q(terminated_on__isnull=True)),
                name="agreement_terminated_iff_termination_date",
                violation_error_message=_(
                    "Perjanjian yang diakhiri lebih awal harus punya tanggal pengakhiran, "
                    "dan hanya perjanjian itu."
                ),
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | ~Q(state=RecordedState.DRAFT),
                name="agreement_draft_not_signed",
                violation_error_message=_(
                    "Draf belum ditandatangani: kosongkan tanggal penandatanganan atau ubah "
                    "keadaannya."
                ),
            ),
        ]

    def __str__(self):
        number = self.number or _("tanpa nomor")
        return f"{self.get_kind_display()} {number} ({self.regency.name})"

    def clean(self):
        if self.renews_id is None:
            return
        if self.pk is not None and self.renews_id == self.pk:
            raise ValidationError(
                {"renews": _("Perjanjian tidak dapat memperbarui dirinya sendiri.")}
            )
        if self.regency_id is not None and self.renews.regency_id != self.regency_id:
            raise ValidationError(
                {"renews": _("Perjanjian yang diperbarui harus milik kabupaten/kota yang sama.")}
            )

    def status_on(self, day: date) -> AgreementStatus:
        return agreement_status(
            state=self.state,
            signed_on=self.signed_on,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            terminated_on=self.terminated_on,
            day=day,
        )

    @property
    def status(self) -> AgreementStatus:
        """The status today (WITA)."""
        return self.status_on(timezone.localdate())


class AgreementSignatory(TimeStampedModel):
    """A person who signed or witnessed an agreement, for one side."""

    class Side(models.TextChoices):
        GOVERNMENT = "government", _("Pemerintah daerah / pihak pertama")
        BPJS = "bpjs", _("BPJS Ketenagakerjaan")
        OTHER = "other", _("Pihak lain")

    class Capacity(models.TextChoices):
        SIGNATORY = "signatory", _("Penanda tangan")
        WITNESS = "witness", _("Saksi")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="signatories",
        verbose_name=_("perjanjian"),
    )
    side = models.CharField(_("pihak"), max_length=12, choices=Side)
    capacity = models.CharField(
        _("sebagai"), max_length=12, choices=Capacity, default=Capacity.SIGNATORY
    )
    name = models.CharField(
        _("nama"), max_length=200, blank=True, help_text=_("Kosong: tidak diketahui.")
    )
    office = models.CharField(_("jabatan"), max_length=200)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="agreement__regency").as_manager()

    class Meta:
        ordering = ["agreement", "capacity", "side", "pk"]
        verbose_name = _("penanda tangan / saksi")
        verbose_name_plural = _("penanda tangan dan saksi")

    def __str__(self):
        return f"{self.name or _('(nama tidak diketahui)')}, {self.office}"


class AgreementSegment(TimeStampedModel):
    """A segment an agreement covers, who pays for it and how many are expected."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="segments", verbose_name=_("perjanjian")
    )
    segment = models.CharField(_("segmen"), max_length=20, choices=Segment)
    funding_source = models.CharField(
        _("sumber dana"),
        max_length=10,
        choices=FundingSource,
        blank=True,
        help_text=_("Kosong: belum disepakati atau tidak diketahui."),
    )
    expected_participants = models.PositiveIntegerField(
        _("peserta yang diharapkan"), null=True, blank=True
    )
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="agreement__regency").as_manager()

    class Meta:
        ordering = ["agreement", "segment"]
        verbose_name = _("segmen yang dicakup")
        verbose_name_plural = pgettext_lazy("plural", "segmen yang dicakup")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "segment"],
                name="agreement_segment_once",
                violation_error_message=_("Segmen ini sudah dicatat untuk perjanjian ini."),
            ),
        ]

    def __str__(self):
        return self.get_segment_display()


class RegionalRegulation(TimeStampedModel):
    """A Perda, Perbup/Perwali or circular on social security for workers."""

    class Kind(models.TextChoices):
        PERDA = "perda", _("Peraturan daerah (Perda)")
        HEAD = "perkada", _("Peraturan bupati/wali kota (Perbup/Perwali)")
        CIRCULAR = "circular", _("Surat edaran")

    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="regulations",
        verbose_name=_("kabupaten/kota"),
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind)
    number = models.CharField(_("nomor"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("tahun"), null=True, blank=True)
    title = models.CharField(_("judul"), max_length=300, blank=True)
    enacted_on = models.DateField(_("tanggal penetapan"), null=True, blank=True)
    segments = ChoiceListField(_("segmen yang diwajibkan"), item_choices=Segment.choices)
    programmes = ChoiceListField(_("program yang diwajibkan"), item_choices=Programme.choices)
    document = models.FileField(
        _("dokumen"),
        upload_to=document_upload_path,
        max_length=200,
        blank=True,
        validators=[validate_pdf_document],
        help_text=DOCUMENT_HELP,
    )
    note = models.TextField(_("catatan dan sumber"), blank=True)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="regency").as_manager()

    class Meta:
        ordering = ["regency__code", F("year").desc(nulls_last=True), "kind", "number"]
        verbose_name = _("peraturan daerah")
        verbose_name_plural = pgettext_lazy("plural", "peraturan daerah")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1950, year__lte=2100),
                name="regional_regulation_year_plausible",
                violation_error_message=_("Tahun harus antara 1950 dan 2100."),
            ),
        ]

    def __str__(self):
        number = self.number or _("nomor belum dicatat")
        year = f"/{self.year}" if self.year else ""
        return f"{self.get_kind_display()} {number}{year} ({self.regency.name})"

    def clean(self):
        if self.year and self.enacted_on and self.enacted_on.year != self.year:
            raise ValidationError({"year": _("Tahun tidak sama dengan tahun tanggal penetapan.")})


class MonitoringMeeting(TimeStampedModel):
    """A monitoring and evaluation (monev) or cooperation meeting in a regency."""

    class Kind(models.TextChoices):
        MONEV = "monev", _("Monitoring dan evaluasi (monev)")
        COOPERATION = "cooperation", _("Rapat kerja sama / koordinasi")

    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("kabupaten/kota")
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind, default=Kind.MONEV)
    held_on = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    chair = models.CharField(
        _("pimpinan rapat"),
        max_length=200,
        blank=True,
        help_text=_("Nama dan jabatan; kosong bila tidak diketahui."),
    )
    branch_office = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("kantor BPJS Ketenagakerjaan"),
    )
    note = models.TextField(_("catatan dan sumber"), blank=True)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="regency").as_manager()

    class Meta:
        ordering = ["-held_on", "regency__code"]
        verbose_name = _("rapat monitoring")
        verbose_name_plural = pgettext_lazy("plural", "rapat monitoring")

    def __str__(self):
        return f"{self.get_kind_display()} {self.regency.name}, {self.held_on:%d-%m-%Y}"


class MeetingAttendee(TimeStampedModel):
    """Who attended: a person, or a group with a count ("20 OPD", "159 kepala desa")."""

    class Party(models.TextChoices):
        OPD = "opd", _("OPD")
        VILLAGE = "village", _("Desa")
        BPJS = "bpjs", _("BPJS Ketenagakerjaan")
        OTHER = "other", _("Lainnya")

    meeting = models.ForeignKey(
        MonitoringMeeting,
        on_delete=models.CASCADE,
        related_name="attendees",
        verbose_name=_("rapat"),
    )
    party = models.CharField(_("unsur"), max_length=10, choices=Party)
    name = models.CharField(_("nama atau kelompok"), max_length=200)
    office = models.CharField(_("jabatan"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("jumlah"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="meeting__regency").as_manager()

    class Meta:
        ordering = ["meeting", "party", "pk"]
        verbose_name = _("peserta rapat")
        verbose_name_plural = pgettext_lazy("plural", "peserta rapat")

    def __str__(self):
        return f"{self.count} {self.name}" if self.count else self.name


class MeetingFinding(TimeStampedModel):
    """What a meeting found, with its figure when there is one ("3.800 non-ASN covered")."""

    meeting = models.ForeignKey(
        MonitoringMeeting,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("rapat"),
    )
    text = models.TextField(_("temuan"))
    figure = models.PositiveBigIntegerField(
        _("angka"), null=True, blank=True, help_text=_("Jumlah orang, desa, atau Rupiah.")
    )
    segment = models.CharField(_("segmen"), max_length=20, choices=Segment, blank=True)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="meeting__regency").as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("temuan")
        verbose_name_plural = pgettext_lazy("plural", "temuan")

    def __str__(self):
        return self.text


class FollowUpQuerySet(ScopedQuerySet):
    regency_path = "meeting__regency"

    def open(self):
        return self.filter(status=FollowUp.Status.OPEN)

    def overdue(self, day: date):
        """Still open after their due date."""
        return self.open().filter(due_on__lt=day)


class FollowUp(TimeStampedModel):
    """An action agreed at a meeting: who does it, by when, and whether it is done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        DONE = "done", _("Selesai")
        CANCELLED = "cancelled", _("Dibatalkan")

    TRANSITIONS = {Status.OPEN: {Status.DONE, Status.CANCELLED}}

    meeting = models.ForeignKey(
        MonitoringMeeting,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("rapat"),
    )
    description = models.TextField(_("tindak lanjut"))
    owner = models.CharField(_("penanggung jawab"), max_length=200, blank=True)
    due_on = models.DateField(_("tenggat"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    closed_on = models.DateField(_("tanggal ditutup"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = [F("due_on").asc(nulls_last=True), "pk"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = pgettext_lazy("plural", "tindak lanjut")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="follow_up_closed_iff_closed_on",
                violation_error_message=_(
                    "Tindak lanjut yang selesai atau dibatalkan harus punya tanggal ditutup."
                ),
            ),
        ]

    def __str__(self):
        return self.description

    def is_overdue_on(self, day: date) -> bool:
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())
