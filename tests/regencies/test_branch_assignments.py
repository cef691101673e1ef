from datetime import date

import pytest
from django.core.exceptions import ValidationError

from regencies.models import BranchAssignment, BranchOffice, Regency

pytestmark = pytest.mark.django_db


def test_regency_to_office_mapping_follows_the_dates():
    konsel = Regency.objects.get(code="74.05")
    in_2019 = BranchAssignment.objects.in_force(date(2019, 6, 1)).get(regency=konsel)
    in_2024 = BranchAssignment.objects.in_force(date(2024, 6, 1)).get(regency=konsel)
    assert in_2019.branch_office.short_name == "Kendari"
    assert in_2024.branch_office.short_name == "Konsel-Bombana"


def test_every_regency_is_served_by_exactly_one_office_today():
    today = date(2026, 11, 23)
    served = BranchAssignment.objects.in_force(today).values_list("regency__code", flat=True)
    assert sorted(served) == sorted(Regency.objects.values_list("code", flat=True))


def test_unconfirmed_assignments_are_marked():
    unconfirmed = BranchAssignment.objects.filter(certainty="unconfirmed")
    assert set(unconfirmed.values_list("regency__code", flat=True)) == {"74.03", "74.12", "74.13"}


def test_overlapping_assignment_for_the_same_regency_is_refused():
    overlap = BranchAssignment(
        branch_office=BranchOffice.objects.get(short_name="Baubau"),
        regency=Regency.objects.get(code="74.71"),
        valid_from=date(2025, 1, 1),
        certainty="unconfirmed",
    )
    with pytest.raises(ValidationError) as excinfo:
        overlap.full_clean()
    assert excinfo.value.messages == [
        "Periode ini tumpang tindih dengan penugasan Kendari (… – …)."
    ]
