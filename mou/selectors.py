"""Reads with rules: a regency's agreements, regulations, meetings and open follow-ups."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bpjs_tracker.models import User
from mou.models import Agreement, FollowUp, MonitoringMeeting, RegionalRegulation
from mou.status import AgreementStatus
from regencies.models import Regency

EXPIRING_WITHIN_DAYS = 90


@dataclass(frozen=True)
class AgreementLine:
    agreement: Agreement
    status: AgreementStatus
    days_left: int | None  # until valid_until, for agreements in force with an end date

    @property
    def expiring(self) -> bool:
        return self.days_left is not None and self.days_left <= EXPIRING_WITHIN_DAYS

    @property
    def renewed(self) -> bool:
        return hasattr(self.agreement, "renewed_by")


@dataclass(frozen=True)
class AgreementFlag:
    code: str  # "missing" | "expired" | "not_started"
    message: str


@dataclass
class RegencyAgreementOverview:
    regency: Regency
    today: date
    agreements: list[AgreementLine]
    regulations: list[RegionalRegulation]
    last_meeting: MonitoringMeeting | None
    open_follow_ups: list[FollowUp]
    flag: AgreementFlag | None = None
    next_actions: list[str] = field(default_factory=list)

    @property
    def in_force(self) -> list[AgreementLine]:
        return [line for line in self.agreements if line.status == AgreementStatus.IN_FORCE]

    @property
    def expiring(self) -> list[AgreementLine]:
        return [line for line in self.in_force if line.expiring]

    @property
    def not_in_force(self) -> list[AgreementLine]:
        return [line for line in self.agreements if line.status != AgreementStatus.IN_FORCE]

    @property
    def overdue_follow_ups(self) -> list[FollowUp]:
        return [f for f in self.open_follow_ups if f.is_overdue_on(self.today)]


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _agreement_line(agreement: Agreement, today: date) -> AgreementLine:
    status = agreement.status_on(today)
    days_left = None
    if status == AgreementStatus.IN_FORCE and agreement.valid_until is not None:
        days_left = (agreement.valid_until - today).days
    return AgreementLine(agreement=agreement, status=status, days_left=days_left)


def _agreement_flag(lines: list[AgreementLine]) -> AgreementFlag | None:
    """Why the regency has no agreement in force, if it has none."""
    statuses = {line.status for line in lines}
    if AgreementStatus.IN_FORCE in statuses:
        return None
    if AgreementStatus.SIGNED in statuses:
        return AgreementFlag(
            "not_started",
            _(
                "Tidak ada perjanjian yang berlaku: perjanjian yang sudah ditandatangani belum "
                "mulai berlaku atau tanggal berlakunya belum dicatat."
            ),
        )
    ended = [
        line.agreement.terminated_on or line.agreement.valid_until
        for line in lines
        if line.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
    ]
    if ended:
        return AgreementFlag(
            "expired",
            _("Tidak ada perjanjian yang berlaku: perjanjian terakhir berakhir pada %(date)s.")
            % {"date": _day(max(ended))},
        )
    return AgreementFlag(
        "missing", _("Belum ada perjanjian dengan BPJS Ketenagakerjaan yang berlaku.")
    )


def _next_actions(overview: RegencyAgreementOverview) -> list[str]:
    actions = []
    if overview.flag is not None and overview.flag.code != "not_started":
        actions.append(_("Siapkan dan tandatangani perjanjian baru dengan BPJS Ketenagakerjaan."))
    for line in overview.agreements:
        agreement = line.agreement
        if line.status == AgreementStatus.SIGNED and not (
            agreement.valid_from or agreement.signed_on
        ):
            actions.append(
                _("Catat tanggal mulai berlaku %(agreement)s.") % {"agreement": agreement}
            )
        elif line.expiring and not line.renewed:
            actions.append(
                _("Perbarui %(agreement)s sebelum berakhir pada %(date)s.")
                % {"agreement": agreement, "date": _day(agreement.valid_until)}
            )
        elif line.status == AgreementStatus.IN_FORCE and agreement.valid_until is None:
            actions.append(
                _("Periksa dan catat akhir masa berlaku %(agreement)s.") % {"agreement": agreement}
            )
    for follow_up in overview.overdue_follow_ups:
        actions.append(
            _("Selesaikan tindak lanjut yang terlambat: %(description)s (tenggat %(date)s).")
            % {"description": follow_up.description, "date": _day(follow_up.due_on)}
        )
    if overview.last_meeting is None:
        actions.append(_("Belum ada rapat monitoring yang dicatat: jadwalkan rapat monev."))
    return actions


def regency_agreement_overview(
    *, user: User, regency: Regency, today: date
) -> RegencyAgreementOverview:
    """Everything the per-regency page shows, as `user` may see it on `today` (WITA)."""
    agreements = (
        Agreement.objects.visible_to(user)
        .filter(regency=regency)
        .select_related("regency", "branch_office", "renewed_by")
    )
    meetings = MonitoringMeeting.objects.visible_to(user).filter(
        regency=regency, held_on__lte=today
    )
    overview = RegencyAgreementOverview(
        regency=regency,
        today=today,
        agreements=[_agreement_line(a, today) for a in agreements],
        regulations=list(
            RegionalRegulation.objects.visible_to(user)
            .filter(regency=regency)
            .select_related("regency")
        ),
        last_meeting=meetings.select_related("regency", "branch_office")
        .prefetch_related("attendees", "findings")
        .order_by("-held_on", "-pk")
        .first(),
        open_follow_ups=list(
            FollowUp.objects.visible_to(user)
            .filter(meeting__regency=regency)
            .open()
            .select_related("meeting__regency")
        ),
    )
    overview.flag = _agreement_flag(overview.agreements)
    overview.next_actions = _next_actions(overview)
    return overview


def follow_ups_overdue(*, user: User, today: date):
    """Open follow-ups past their due date, oldest due first, as `user` may see them."""
    return (
        FollowUp.objects.visible_to(user)
        .overdue(today)
        .select_related("meeting__regency")
        .order_by("due_on", "pk")
    )
