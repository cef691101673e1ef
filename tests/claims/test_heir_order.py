"""Heirs in the order PP 44/2015 Pasal 40(2) gives; NIKs checked like roster NIKs."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from claims.assessment import claim_assess
from claims.heirs import entitled_heirs, heir_tier, heirs_in_order
from claims.models import Heir
from tests import factories


class H:
    def __init__(self, name, relationship):
        self.name, self.relationship = name, relationship


@pytest.mark.parametrize(
    ("heirs", "order", "entitled"),
    [
        (
            [H("ibu", "parent"), H("anak", "child"), H("istri", "spouse"), H("adik", "sibling")],
            ["anak", "istri", "ibu", "adik"],
            ["anak", "istri"],
        ),
        ([H("kakek", "grandparent"), H("cucu", "grandchild"), H("ayah", "parent")], ["ayah", "cucu", "kakek"], ["ayah"]),
        ([H("kakek", "grandparent"), H("cucu", "grandchild")], ["cucu", "kakek"], ["cucu"]),
        ([H("mertua", "parent_in_law"), H("kakak", "sibling")], ["kakak", "mertua"], ["kakak"]),
        ([H("wasiat", "will"), H("mertua", "parent_in_law")], ["mertua", "wasiat"], ["mertua"]),
        ([H("wasiat", "will")], ["wasiat"], ["wasiat"]),
        ([], [], []),
    ],
)  # fmt: skip
def test_heirs_are_ordered_by_the_regulation(heirs, order, entitled):
    assert [h.name for h in heirs_in_order(heirs)] == order
    assert [h.name for h in entitled_heirs(heirs)] == entitled


@pytest.mark.parametrize(
    ("relationship", "tier"),
    [("spouse", 1), ("child", 1), ("parent", 2), ("grandchild", 2), ("grandparent", 2),
     ("sibling", 3), ("parent_in_law", 4), ("will", 5)],
)  # fmt: skip
def test_each_relationship_has_the_tier_the_regulation_numbers(relationship, tier):
    assert heir_tier(relationship) == tier


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("747101440392", "seharusnya 16"),
        ("9971014403925001", "provinsi"),
        ("7471014403920000", "0000"),
    ],
)
def test_an_heir_nik_is_checked_like_a_roster_nik(world, nik, message):
    heir = factories.HeirFactory.build(claim=factories.ClaimFactory(unit=world.kdi_dlhk), nik=nik)
    with pytest.raises(ValidationError) as raised:
        heir.full_clean()
    assert "nik" in raised.value.message_dict
    assert message in " ".join(raised.value.message_dict["nik"])


@pytest.mark.django_db
def test_a_parent_cannot_receive_while_a_child_exists(world):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk)
    factories.HeirFactory(claim=claim, relationship=Heir.Relationship.CHILD, name="Anak")
    factories.HeirFactory(
        claim=claim, relationship=Heir.Relationship.PARENT, name="Ibu", is_recipient=True,
        birth_date=date(1960, 1, 1),
    )  # fmt: skip
    check = next(c for c in claim_assess(claim).checks if c.key == "heirs")
    assert check.outcome == "fail"
    assert "Penerima Ibu tidak berhak" in check.result


@pytest.mark.django_db
def test_a_claim_without_heirs_pays_the_funeral_cost_to_whoever_arranged_it(world):
    claim = factories.ClaimFactory(unit=world.kdi_dlhk, funeral_arranged_by="Kepala Desa Wunduhaka")
    assessment = claim_assess(claim)
    assert [c.code for c in assessment.breakdown.components] == ["funeral"]
    assert assessment.breakdown.total == 10_000_000
    check = next(c for c in assessment.checks if c.key == "heirs")
    assert "Kepala Desa Wunduhaka" in check.result
    # No heir papers are asked for then.
    assert "heir_certificate" not in [kind for kind, _label, _doc in assessment.required_documents]
