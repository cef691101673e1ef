"""One factory per model (factory_boy). Reference data (regions, offices) is loaded, not built."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from bpjs_tracker.models import User
from bpjs_tracker.services import user_set_role
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


# --- Workers and verified rosters for billing tests (issue #4) ---------------------
# Built directly, not through the roster import service (issue #3), so billing tests
# do not depend on it.


def _nik(worker) -> str:
    """A well-formed NIK: Kota Kendari (74.71.01), birth date (+40 on the day for women), serial."""
    day = worker.birth_date.day + (40 if worker.sex == "P" else 0)
    return f"747101{day:02d}{worker.birth_date:%m%y}{worker.serial:04d}"


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollment.Worker"
        exclude = ("serial",)

    serial = factory.Sequence(lambda n: n % 9999 + 1)
    name = factory.Sequence(lambda n: f"Pekerja {n}")
    birth_date = factory.Sequence(lambda n: date(1980, 1, 1) + timedelta(days=n * 37 % 9000))
    sex = "L"
    nik = factory.LazyAttribute(_nik)


class RosterFactory(factory.django.DjangoModelFactory):
    """A verified roster (status verified, verified now); pass status= for others."""

    class Meta:
        model = "enrollment.Roster"

    unit = factory.SubFactory(OpdFactory)
    period = date(2025, 1, 1)
    file = factory.LazyAttribute(lambda o: f"rosters/{o.unit.code}/{o.period:%Y-%m}/roster.csv")
    original_name = "roster.csv"
    status = "verified"
    verified_at = factory.LazyFunction(timezone.now)


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollment.RosterEntry"

    roster = factory.SubFactory(RosterFactory)
    worker = factory.SubFactory(WorkerFactory)
    row_number = factory.Sequence(lambda n: n + 2)
    position = "Tenaga kebersihan"
    segment = Segment.NON_ASN
    wage = 2_750_000
    start_date = date(2015, 7, 1)
