"""One factory per model (factory_boy). Reference data (regions, offices) is loaded, not built."""

import factory

from bpjs_tracker.models import User
from bpjs_tracker.services import user_set_role
from regencies.models import CoverageTarget, Regency, Segment, WorkUnit


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
