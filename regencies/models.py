"""Region hierarchy (Kemendagri codes), BPJS branch offices, work units, coverage targets."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from bpjs_tracker.models import TimeStampedModel
from bpjs_tracker.querysets import ScopedQuerySet, scoped_queryset
from regencies import codes


class Segment(models.TextChoices):
    """Who a worker is for coverage and contribution purposes (DOMAIN.md §1)."""

    NON_ASN = "non_asn", _("Non-ASN / honorer")
    VILLAGE_OFFICIAL = "village_official", _("Perangkat desa")
    VULNERABLE = "vulnerable", _("Pekerja rentan")
    ASN = "asn", _("ASN (konteks, dilindungi Taspen)")
    WORKFORCE = "workforce", _("Seluruh pekerja formal")


def _require_parent_prefix(code: str, parent) -> None:
    """A region's code starts with its parent's code (74.09.01 lies in 74.09)."""
    if code and parent is not None and not code.startswith(parent.code + "."):
        raise ValidationError(
            {
                "code": _("Kode %(code)s tidak berada di bawah %(parent)s.")
                % {"code": code, "parent": parent}
            },
            code="wrong_parent",
        )


class Province(models.Model):
    code = models.CharField(
        _("kode"), max_length=2, unique=True, validators=[codes.validate_province_code]
    )
    name = models.CharField(_("nama"), max_length=100)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="regencies", multi_valued=True).as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = pgettext_lazy("plural", "provinsi")

    def __str__(self):
        return f"{self.code} {self.name}"


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("provinsi")
    )
    code = models.CharField(
        _("kode"), max_length=5, unique=True, validators=[codes.validate_regency_code]
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="pk").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = pgettext_lazy("plural", "kabupaten/kota")

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        _require_parent_prefix(self.code, self.province if self.province_id else None)
        if (
            self.code
            and codes.REGENCY_RE.match(self.code)
            and self.kind != codes.regency_kind(self.code)
        ):
            raise ValidationError(
                {"kind": _("Kode 01-69 untuk kabupaten, 71-99 untuk kota.")}, code="kind_mismatch"
            )


class District(models.Model):
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("kabupaten/kota"),
    )
    code = models.CharField(
        _("kode"), max_length=8, unique=True, validators=[codes.validate_district_code]
    )
    name = models.CharField(_("nama"), max_length=100)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="regency").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = pgettext_lazy("plural", "kecamatan")

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        _require_parent_prefix(self.code, self.regency if self.regency_id else None)


class Village(models.Model):
    class Kind(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="villages", verbose_name=_("kecamatan")
    )
    code = models.CharField(
        _("kode"), max_length=13, unique=True, validators=[codes.validate_village_code]
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="district__regency").as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = pgettext_lazy("plural", "desa/kelurahan")

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        _require_parent_prefix(self.code, self.district if self.district_id else None)
        if (
            self.code
            and codes.VILLAGE_RE.match(self.code)
            and self.kind != codes.village_kind(self.code)
        ):
            raise ValidationError(
                {"kind": _("Nomor desa diawali 2, nomor kelurahan diawali 1.")},
                code="kind_mismatch",
            )


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", _("Terkonfirmasi")
    LIKELY = "likely", _("Kemungkinan besar")
    UNCONFIRMED = "unconfirmed", _("Belum terkonfirmasi")


class BranchOffice(TimeStampedModel):
    """A BPJS Ketenagakerjaan office (kanwil, cabang, cabang pembantu)."""

    class Level(models.TextChoices):
        REGIONAL = "kanwil", _("Kantor wilayah")
        BRANCH = "cabang", _("Kantor cabang")
        SUB_BRANCH = "kcp", _("Kantor cabang pembantu / perintis")

    name = models.CharField(_("nama"), max_length=150, unique=True)
    short_name = models.CharField(_("nama singkat"), max_length=50, unique=True)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("kantor induk"),
    )
    code = models.CharField(_("kode resmi"), max_length=20, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lokasi (desa/kelurahan)"),
    )
    certainty = models.CharField(
        _("kepastian data"), max_length=12, choices=Certainty.choices, default=Certainty.CONFIRMED
    )
    source = models.TextField(_("sumber"), blank=True)
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="assignments__regency", multi_valued=True).as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor BPJS Ketenagakerjaan")
        verbose_name_plural = pgettext_lazy("plural", "kantor BPJS Ketenagakerjaan")

    def __str__(self):
        return self.short_name


class BranchAssignmentQuerySet(ScopedQuerySet):
    regency_path = "regency"

    def in_force(self, day):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class BranchAssignment(TimeStampedModel):
    """Which office serves which regency, over which dates (service areas change)."""

    branch_office = models.ForeignKey(
        BranchOffice, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("kantor")
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="branch_assignments",
        verbose_name=_("kabupaten/kota"),
    )
    valid_from = models.DateField(
        _("berlaku sejak"), null=True, blank=True, help_text=_("Kosong: sejak tidak diketahui.")
    )
    valid_to = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosong: masih berlaku.")
    )
    certainty = models.CharField(_("kepastian data"), max_length=12, choices=Certainty.choices)
    source = models.TextField(_("sumber"), blank=True)
    history = HistoricalRecords()

    objects = BranchAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["regency__code", "valid_from"]
        verbose_name = _("wilayah layanan kantor")
        verbose_name_plural = pgettext_lazy("plural", "wilayah layanan kantor")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="branch_assignment_from_before_to",
                violation_error_message=_("Tanggal mulai harus sebelum tanggal selesai."),
            ),
        ]

    def __str__(self):
        return f"{self.branch_office} → {self.regency}"

    def clean(self):
        if self.regency_id is None:
            return
        overlapping = BranchAssignment.objects.filter(regency_id=self.regency_id).exclude(
            pk=self.pk
        )
        if self.valid_to is not None:
            overlapping = overlapping.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to)
            )
        if self.valid_from is not None:
            overlapping = overlapping.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
            )
        clash = overlapping.select_related("branch_office").first()
        if clash is not None:
            raise ValidationError(
                _("Periode ini tumpang tindih dengan penugasan %(other)s (%(start)s – %(end)s)."),
                code="overlap",
                params={
                    "other": clash.branch_office,
                    "start": clash.valid_from or "…",
                    "end": clash.valid_to or "…",
                },
            )


class RiskClass(models.TextChoices):
    """JKK risk classes of PP 44/2015; rates are data in enrollment, not here."""

    VERY_LOW = "very_low", _("Sangat rendah")
    LOW = "low", _("Rendah")
    MEDIUM = "medium", _("Sedang")
    HIGH = "high", _("Tinggi")
    VERY_HIGH = "very_high", _("Sangat tinggi")


class FundingSource(models.TextChoices):
    """Who pays a unit's contributions: a key relief rules can name (PP 50/2025, DOMAIN.md §2)."""

    APBD = "apbd", _("APBD")
    APBDES = "apbdes", _("APBDes (anggaran desa)")
    SPONSOR = "sponsor", _("Sponsor")
    SELF = "self", _("Mandiri (peserta sendiri)")


class WorkUnitQuerySet(ScopedQuerySet):
    regency_path = "regency"
    unit_path = "pk"


class WorkUnit(TimeStampedModel):
    """An employer that submits rosters: an OPD of a regency, or a desa government."""

    class Kind(models.TextChoices):
        OPD = "opd", _("OPD")
        VILLAGE = "village", _("Pemerintah desa")

    code = models.CharField(
        _("kode"),
        max_length=32,
        unique=True,
        help_text=_(
            "Desa: kode Kemendagri desa (74.09.01.2001). OPD: <kode kab/kota>-<singkatan> (74.71-SATPOLPP)."
        ),
    )
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="work_units",
        verbose_name=_("kabupaten/kota"),
    )
    village = models.OneToOneField(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_unit",
        verbose_name=_("desa"),
    )
    npp = models.CharField(
        _("NPP"),
        max_length=15,
        blank=True,
        validators=[codes.validate_npp],
        help_text=_(
            "Nomor pendaftaran perusahaan di BPJS Ketenagakerjaan (angka, umumnya 8 digit)."
        ),
    )
    jkk_risk_class = models.CharField(
        _("kelas risiko JKK"), max_length=10, choices=RiskClass.choices, default=RiskClass.VERY_LOW
    )
    expected_workers = models.PositiveIntegerField(
        _("jumlah pekerja yang diharapkan"), null=True, blank=True
    )
    funding_source = models.CharField(
        _("sumber dana iuran"),
        max_length=10,
        choices=FundingSource.choices,
        blank=True,
        help_text=_("Kosong: menurut jenis unit (OPD: APBD; pemerintah desa: APBDes)."),
    )
    relief_not_eligible = models.BooleanField(
        _("tidak berhak keringanan PP 49/2020"),
        default=False,
        help_text=_(
            "Centang bila unit ini tidak membayar iuran sampai Juli 2020 (syarat keringanan "
            "PP 49/2020). Tanpa centang keringanan diberikan dan tagihan menyebut syarat itu "
            "dianggap terpenuhi."
        ),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    objects = WorkUnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit kerja")
        verbose_name_plural = pgettext_lazy("plural", "unit kerja")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="village", village__isnull=False)
                | Q(kind="opd", village__isnull=True),
                name="work_unit_village_iff_village_kind",
                violation_error_message=_("Unit desa harus menunjuk satu desa; OPD tidak."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def payer(self) -> str:
        """The funding source, blank read by kind (OPD: APBD; village: APBDes)."""
        if self.funding_source:
            return self.funding_source
        return FundingSource.APBDES if self.kind == self.Kind.VILLAGE else FundingSource.APBD

    def clean(self):
        errors = codes.work_unit_code_errors(
            code=self.code,
            kind=self.kind,
            regency_code=self.regency.code if self.regency_id else None,
            village=self.village if self.village_id else None,
        )
        if errors:
            raise ValidationError(errors)


class CoverageTarget(TimeStampedModel):
    """How many workers of a segment should be covered in a regency in a year, and who says so."""

    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        related_name="coverage_targets",
        verbose_name=_("kabupaten/kota"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    segment = models.CharField(_("segmen"), max_length=20, choices=Segment.choices)
    target = models.PositiveIntegerField(_("target peserta"))
    source = models.TextField(_("sumber"))
    history = HistoricalRecords()

    objects = scoped_queryset(regency_path="regency").as_manager()

    class Meta:
        ordering = ["regency__code", "-year", "segment"]
        verbose_name = _("target cakupan")
        verbose_name_plural = pgettext_lazy("plural", "target cakupan")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "year", "segment"],
                name="coverage_target_unique_per_regency_year_segment",
                violation_error_message=_(
                    "Sudah ada target untuk kabupaten/kota, tahun dan segmen ini."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="coverage_target_year_plausible",
                violation_error_message=_("Tahun harus antara 2000 dan 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.regency} {self.year} {self.get_segment_display()}: {self.target}"
