"""One factory per model (factory_boy). Reference data (regions, offices) is loaded, not built."""

import datetime
from datetime import date

import factory
from django.utils import timezone

from bpjs_tracker.models import User
from bpjs_tracker.services import user_set_role
from claims.models import Claim, ClaimDocument, Heir
from enrollment.models import Membership, Programme, Roster, RosterEntry, Sex, Worker
from mou.models import (
    Agreement,
    AgreementSegment,
    AgreementSignatory,
    FollowUp,
    MeetingAttendee,
    MeetingFinding,
    MonitoringMeeting,
    RecordedState,
    RegionalRegulation,
)
from regencies.models import BranchOffice, CoverageTarget, Regency, Segment, WorkUnit


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role; pass the scope as regency=, branch_office= or work_units=[...]."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("sandi-uji")

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        role=None,
        regency=None,
        branch_office=None,
        work_units=(),
        **kwargs,
    ):
        user = super()._create(model_class, *args, **kwargs)
        if role:
            user_set_role(
                user=user,
                role=role,
                regency=regency,
                branch_office=branch_office,
                work_units=work_units,
            )
        return user


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit
        django_get_or_create = ("code",)

    regency = factory.LazyFunction(lambda: Regency.objects.get(code="74.71"))
    kind = WorkUnit.Kind.OPD
    code = factory.Sequence(lambda n: f"74.71-OPD{n}")
    name = factory.Sequence(lambda n: f"OPD contoh {n}")


class VillageUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkUnit
        django_get_or_create = ("code",)

    kind = WorkUnit.Kind.VILLAGE
    code = factory.SelfAttribute("village.code")
    name = factory.LazyAttribute(lambda o: f"Pemerintah Desa {o.village.name}")
    regency = factory.SelfAttribute("village.district.regency")


def make_nik(
    serial: int,
    *,
    sex: str = "L",
    birth_date: datetime.date = datetime.date(1990, 8, 17),
    district: str = "747101",
) -> str:
    """A well-formed NIK: district code, birth date (day + 40 for women), serial (never 0000)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{serial % 9999 + 1:04d}"


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker
        django_get_or_create = ("nik",)

    birth_date = datetime.date(1990, 8, 17)
    sex = Sex.MALE
    nik = factory.Sequence(lambda n: make_nik(n, birth_date=datetime.date(1990, 8, 17)))
    name = factory.Sequence(lambda n: f"Pekerja Uji {n}")


class RosterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roster

    unit = factory.SubFactory(OpdFactory)
    period = datetime.date(2025, 1, 1)
    file = factory.django.FileField(filename="roster.csv", data=b"NIK\n")
    original_name = "roster.csv"
    status = Roster.Status.SUBMITTED
    verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Roster.Status.VERIFIED else None
    )


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    roster = factory.SubFactory(RosterFactory)
    worker = factory.SubFactory(WorkerFactory)
    row_number = factory.Sequence(lambda n: n + 2)
    position = "Staf"
    segment = Segment.NON_ASN
    wage = 2_750_000
    start_date = datetime.date(2015, 7, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    worker = factory.SubFactory(WorkerFactory)
    programme = Programme.JKK
    unit = factory.SubFactory(OpdFactory)
    start = datetime.date(2025, 1, 1)


class CoverageTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoverageTarget

    regency = factory.LazyFunction(lambda: Regency.objects.get(code="74.71"))
    year = 2025
    segment = Segment.NON_ASN
    target = 100
    source = "uji"


def _kendari():
    return Regency.objects.get(code="74.71")


class AgreementFactory(factory.django.DjangoModelFactory):
    """A signed MoU of Kota Kendari with the Kendari branch, in force since 2024."""

    class Meta:
        model = Agreement

    regency = factory.LazyFunction(_kendari)
    branch_office = factory.LazyFunction(lambda: BranchOffice.objects.get(short_name="Kendari"))
    kind = Agreement.Kind.MOU
    number = factory.Sequence(lambda n: f"{n}/MOU/2024")
    state = RecordedState.SIGNED
    signed_on = date(2024, 1, 15)


class AgreementSignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementSignatory

    agreement = factory.SubFactory(AgreementFactory)
    side = AgreementSignatory.Side.BPJS
    name = "La Uno"
    office = "Kepala BPJS Ketenagakerjaan Cabang Kendari"


class AgreementSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementSegment

    agreement = factory.SubFactory(AgreementFactory)
    segment = Segment.NON_ASN


class RegionalRegulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalRegulation

    regency = factory.LazyFunction(_kendari)
    kind = RegionalRegulation.Kind.HEAD
    number = factory.Sequence(lambda n: str(n + 1))
    year = 2024


class MonitoringMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringMeeting

    regency = factory.LazyFunction(_kendari)
    held_on = date(2025, 3, 10)
    place = "Kendari"


class MeetingAttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendee

    meeting = factory.SubFactory(MonitoringMeetingFactory)
    party = MeetingAttendee.Party.OPD
    name = "BPKAD"


class MeetingFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingFinding

    meeting = factory.SubFactory(MonitoringMeetingFactory)
    text = "Non-ASN terlindungi"
    figure = 100


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    meeting = factory.SubFactory(MonitoringMeetingFactory)
    description = factory.Sequence(lambda n: f"Tindak lanjut {n}")
    owner = "BPKAD"
    due_on = date(2025, 6, 30)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A JKM claim (draft) for a worker of a Kota Kendari OPD who died on 10 Oct 2021."""

    class Meta:
        model = Claim

    unit = factory.SubFactory(OpdFactory)
    worker = factory.SubFactory(WorkerFactory)
    programme = "JKM"
    date_of_death = date(2021, 10, 10)
    reported_on = factory.LazyAttribute(lambda o: o.date_of_death)
    place_of_death = "Kendari"
    cause_of_death = "Sakit"


class HeirFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Heir

    claim = factory.SubFactory(ClaimFactory)
    name = factory.Sequence(lambda n: f"Ahli Waris {n}")
    nik = factory.Sequence(
        lambda n: make_nik(n + 5000, sex="P", birth_date=datetime.date(1992, 3, 4))
    )
    relationship = Heir.Relationship.SPOUSE
    birth_date = datetime.date(1992, 3, 4)


PDF_BYTES = b"%PDF-1.4\n% uji\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


class ClaimDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimDocument

    claim = factory.SubFactory(ClaimFactory)
    kind = ClaimDocument.Kind.DEATH_CERTIFICATE
    file = factory.django.FileField(filename="scan.pdf", data=PDF_BYTES)
    received_on = factory.LazyAttribute(lambda o: o.claim.reported_on)
