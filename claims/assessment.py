"""Everything the claim page, the summary and the workflow read about one claim.

`claim_assess(claim)` runs the eligibility checks (each with its result and the
rule that decided it, in Indonesian), computes the benefit with the schedule in
force on the date of death (claims/benefits.py, the code `compute_benefit`
uses), orders the heirs, lists the documents still missing and states the
service-level clock. A check whose outcome is FAIL refuses the claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from bpjs_tracker.money import format_rupiah
from claims.benefits import BenefitBreakdown, Lateness, benefit_compute
from claims.checklist import required_documents
from claims.heirs import entitled_heirs, heir_tier, heirs_in_order
from claims.models import BenefitSchedule, Claim, ClaimDocument, Heir
from claims.selectors import (
    ARREARS_FLAG_MONTHS,
    ArrearsOnDay,
    claim_lateness,
    contribution_months,
    last_membership_before,
    schedule_in_force,
    schedule_terms,
    unit_arrears_on,
    worker_cover_on,
)
from enrollment.billing.lapse import Cover

OK, FAIL, WARN, INFO = "ok", "fail", "warn", "info"


def d(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "—"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Check:
    key: str
    title: str
    outcome: str  # ok, fail (refuses the claim), warn (shown and flagged), info
    result: str
    rule: str

    @property
    def outcome_label(self) -> str:
        return {
            OK: _("Memenuhi"),
            FAIL: _("Tidak memenuhi"),
            WARN: _("Perhatian"),
            INFO: _("Keterangan"),
        }[self.outcome]


@dataclass(frozen=True)
class HeirRow:
    heir: Heir
    tier: int
    entitled: bool


@dataclass
class ClaimAssessment:
    claim: Claim
    today: date
    schedule: BenefitSchedule | None
    cover: Cover
    arrears: ArrearsOnDay
    months_contributed: int
    checks: list[Check] = field(default_factory=list)
    breakdown: BenefitBreakdown | None = None
    heirs: list[HeirRow] = field(default_factory=list)
    required_documents: list[tuple[str, str, ClaimDocument | None]] = field(default_factory=list)
    lateness: Lateness | None = None

    @property
    def refusals(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == FAIL]

    @property
    def eligible(self) -> bool:
        return not self.refusals

    @property
    def missing_documents(self) -> list[str]:
        return [label for _kind, label, doc in self.required_documents if doc is None]

    @property
    def checklist_complete(self) -> bool:
        return not self.missing_documents

    @property
    def days_left(self) -> int | None:
        if self.lateness is None or not self.claim.is_open:
            return None
        return (self.lateness.deadline - self.today).days


def claim_assess(claim: Claim, *, today: date | None = None) -> ClaimAssessment:
    """The checks, the benefit, the heirs, the documents and the clock of `claim`."""
    today = today or timezone.localdate()
    dod = claim.date_of_death
    schedule = schedule_in_force(claim.programme, dod)
    cover = worker_cover_on(claim.worker, dod)
    heirs = list(claim.heirs.all())
    a = ClaimAssessment(
        claim=claim,
        today=today,
        schedule=schedule,
        cover=cover,
        arrears=unit_arrears_on(claim.unit, dod),
        months_contributed=contribution_months(claim.worker, until=dod),
    )
    a.checks.append(_membership_check(claim, cover))
    a.checks.append(_arrears_check(a.arrears))
    a.checks.append(_schedule_check(claim, schedule))
    if claim.programme == "JKK":
        a.checks.append(_jkk_lapse_check(claim))
        if claim.wage is None:
            a.checks.append(
                Check(
                    "wage",
                    _("Upah untuk santunan JKK"),
                    FAIL,
                    _(
                        "Upah tidak diketahui: tidak ada roster terverifikasi pekerja ini di unit "
                        "ini sampai bulan meninggal; isi upah yang dilaporkan."
                    ),
                    _("Santunan kematian JKK = 48 × upah sebulan yang dilaporkan."),
                )
            )
    ordered = heirs_in_order(heirs)
    entitled = entitled_heirs(heirs)
    a.heirs = [HeirRow(h, heir_tier(h.relationship), h in entitled) for h in ordered]
    a.checks.append(_heirs_check(claim, heirs, entitled))
    if schedule is not None and (claim.programme == "JKM" or claim.wage is not None):
        children = [
            (h.name, h.school_level or None)
            for h in entitled
            if h.relationship == Heir.Relationship.CHILD and h.scholarship_eligible
        ]
        a.breakdown = benefit_compute(
            schedule=schedule_terms(schedule),
            date_of_death=dod,
            wage=claim.wage,
            months_contributed=a.months_contributed,
            has_heir=bool(heirs),
            child_levels=children,
        )
        a.checks.append(
            Check(
                "scholarship",
                _("Masa iuran untuk beasiswa"),
                OK if a.breakdown.scholarship.eligible else INFO,
                _("%(months)s bulan kepesertaan JKM sampai bulan meninggal. %(reason)s")
                % {"months": a.months_contributed, "reason": a.breakdown.scholarship.reason},
                _(
                    "Beasiswa JKM memerlukan masa iuran minimum menurut jadwal (PP 82/2019: 36 "
                    "bulan; PP 44/2015: 5 tahun, belum terkonfirmasi); JKK tanpa minimum. Dihitung "
                    "dari bulan-bulan yang tercakup kepesertaan JKM."
                ),
            )
        )
    documents = {doc.kind: doc for doc in claim.documents.all()}
    labels = dict(ClaimDocument.Kind.choices)
    kinds = required_documents(claim.programme, [h.relationship for h in heirs])
    a.required_documents = [(k, str(labels[k]), documents.get(k)) for k in kinds]
    a.checks.append(_documents_check(claim, a))
    if a.breakdown is not None:
        a.lateness = claim_lateness(
            claim, cash_total=a.breakdown.total, today=today, schedule=schedule
        )
    return a


def _membership_check(claim: Claim, cover: Cover) -> Check:
    programme = claim.programme
    membership = cover.jkm if programme == "JKM" else cover.jkk
    rule = _(
        "Manfaat dibayar bila peserta meninggal dalam masa kepesertaan %(programme)s yang aktif; "
        "peserta BPU yang menunggak iuran 3 bulan tidak aktif."
    ) % {"programme": programme}
    title = _("Kepesertaan aktif pada tanggal meninggal")
    if cover.bpu_inactive:
        # cover_on lists the BPU lapse last, after any other programme's missing membership.
        reasons = (
            cover.reasons[-1]
            if cover.reasons
            else _("Peserta BPU tidak aktif karena tunggakan iuran.")
        )
        since = (
            _(" Tidak aktif sejak %(day)s.") % {"day": d(cover.inactive_since)}
            if cover.inactive_since
            else ""
        )
        return Check("membership", title, FAIL, reasons + since, rule)
    if membership is not None:
        return Check(
            "membership",
            title,
            OK,
            _("Aktif: %(programme)s melalui %(unit)s sejak %(start)s%(kpj)s.")
            % {
                "programme": programme,
                "unit": membership.unit,
                "start": d(membership.start),
                "kpj": (_(", KPJ %(kpj)s") % {"kpj": membership.kpj}) if membership.kpj else "",
            },
            rule,
        )
    ended = last_membership_before(claim.worker, programme, claim.date_of_death)
    if ended is not None:
        result = _(
            "Ditolak: kepesertaan %(programme)s melalui %(unit)s berakhir %(end)s (keluar dari "
            "roster), sebelum tanggal meninggal %(death)s."
        ) % {
            "programme": programme,
            "unit": ended.unit,
            "end": d(ended.end),
            "death": d(claim.date_of_death),
        }
    else:
        result = _(
            "Ditolak: tidak ada kepesertaan %(programme)s pada tanggal meninggal %(death)s."
        ) % {
            "programme": programme,
            "death": d(claim.date_of_death),
        }
    return Check("membership", title, FAIL, result, rule)


def _arrears_check(arrears: ArrearsOnDay) -> Check:
    title = _("Tunggakan iuran unit pada tanggal meninggal")
    rule = _(
        "Ditampilkan pada setiap klaim dan ditandai bila lebih dari %(months)s bulan: pemberi "
        "kerja yang menunggak mungkin harus melunasi sebelum pembayaran (belum terkonfirmasi)."
    ) % {"months": ARREARS_FLAG_MONTHS}
    if not arrears.bills:
        return Check("arrears", title, OK, _("Tidak ada tunggakan."), rule)
    result = _(
        "%(amount)s dari %(bills)s tagihan, terlambat %(months)s bulan (sejak bulan iuran "
        "%(oldest)s)."
    ) % {
        "amount": format_rupiah(arrears.unpaid),
        "bills": arrears.bills,
        "months": arrears.months_late,
        "oldest": arrears.oldest_period.strftime("%m-%Y"),
    }
    return Check("arrears", title, WARN if arrears.flagged else INFO, result, rule)


def _schedule_check(claim: Claim, schedule: BenefitSchedule | None) -> Check:
    title = _("Jadwal manfaat yang berlaku")
    rule = _(
        "Jadwal dipilih menurut tanggal meninggal: yang berlaku pada hari itu (tanggal mulai dan "
        "akhir setiap jadwal ada di tabel jadwal manfaat)."
    )
    if schedule is None:
        return Check(
            "schedule",
            title,
            FAIL,
            _("Tidak ada jadwal manfaat %(programme)s untuk tanggal %(day)s.")
            % {"programme": claim.programme, "day": d(claim.date_of_death)},
            rule,
        )
    result = _("%(name)s, berlaku sejak %(start)s: %(basis)s.") % {
        "name": schedule.name,
        "start": d(schedule.effective_from),
        "basis": schedule.legal_basis,
    }
    if schedule.is_unconfirmed:
        result += " " + _("Tanggal mulai berlakunya belum terkonfirmasi.")
    return Check("schedule", title, WARN if schedule.is_unconfirmed else OK, result, rule)


def _jkk_lapse_check(claim: Claim) -> Check:
    title = _("Batas waktu klaim JKK")
    at_accident = schedule_in_force("JKK", claim.accident_date)
    years = at_accident.claim_lapse_years if at_accident else None
    rule = _(
        "Hak atas manfaat JKK kedaluwarsa %(years)s tahun sejak kecelakaan (%(basis)s; 2 tahun "
        "untuk kecelakaan sebelum PP 82/2019)."
    ) % {"years": years or "—", "basis": at_accident.name if at_accident else "—"}
    if years is None:
        return Check("jkk_lapse", title, INFO, _("Tidak ada batas waktu pada jadwal."), rule)
    limit = add_years(claim.accident_date, years)
    values = {
        "accident": d(claim.accident_date),
        "reported": d(claim.reported_on),
        "limit": d(limit),
    }
    if claim.reported_on > limit:
        return Check(
            "jkk_lapse",
            title,
            FAIL,
            _(
                "Ditolak: kecelakaan %(accident)s, klaim dilaporkan %(reported)s, sesudah batas "
                "%(limit)s."
            )
            % values,
            rule,
        )
    return Check(
        "jkk_lapse",
        title,
        OK,
        _("Kecelakaan %(accident)s, dilaporkan %(reported)s, sebelum batas %(limit)s.") % values,
        rule,
    )


def _heirs_check(claim: Claim, heirs: list[Heir], entitled: list[Heir]) -> Check:
    title = _("Ahli waris dan penerima")
    rule = _(
        "PP 44/2015 Pasal 40(2): (1) janda/duda atau anak; bila tidak ada (2) orang tua, lalu "
        "cucu, lalu kakek/nenek; (3) saudara kandung; (4) mertua; (5) yang ditunjuk wasiat; "
        "tanpa ahli waris: biaya pemakaman kepada yang mengurus pemakaman, sisanya kembali ke "
        "dana jaminan sosial."
    )
    if not entitled:
        if claim.funeral_arranged_by:
            result = _(
                "Tidak ada ahli waris: hanya biaya pemakaman, dibayar kepada %(name)s yang "
                "mengurus pemakaman."
            ) % {"name": claim.funeral_arranged_by}
            return Check("heirs", title, INFO, result, rule)
        return Check(
            "heirs",
            title,
            WARN,
            _("Belum ada ahli waris dan belum diisi siapa yang mengurus pemakaman."),
            rule,
        )
    names = ", ".join(f"{h.name} ({h.get_relationship_display()})" for h in entitled)
    recipient = next((h for h in heirs if h.is_recipient), None)
    if recipient is None:
        return Check(
            "heirs",
            title,
            WARN,
            _("Berhak: %(names)s. Penerima belum ditunjuk.") % {"names": names},
            rule,
        )
    if recipient not in entitled:
        return Check(
            "heirs",
            title,
            FAIL,
            _("Penerima %(name)s tidak berhak: ada ahli waris urutan lebih tinggi (%(names)s).")
            % {"name": recipient.name, "names": names},
            rule,
        )
    return Check(
        "heirs",
        title,
        OK,
        _("Berhak: %(names)s. Penerima: %(name)s.") % {"names": names, "name": recipient.name},
        rule,
    )


def _documents_check(claim: Claim, a: ClaimAssessment) -> Check:
    title = _("Kelengkapan dokumen")
    rule = _(
        "PP 44/2015 Pasal 40(3) dan praktik cabang; batas layanan (JKM 3, JKK 7 hari kerja) "
        "dihitung sejak berkas lengkap."
    )
    if a.checklist_complete:
        return Check(
            "documents",
            title,
            OK,
            _("Lengkap sejak %(day)s.") % {"day": d(claim.documents_complete_on)},
            rule,
        )
    return Check(
        "documents",
        title,
        WARN,
        _("Belum lengkap: %(missing)s.") % {"missing": ", ".join(a.missing_documents)},
        rule,
    )
