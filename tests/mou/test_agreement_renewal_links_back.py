"""A renewal links back to the agreement it replaces, and each agreement is replaced once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mou.models import Agreement, FundingSource, Programme, RecordedState
from mou.services import agreement_renew
from mou.status import AgreementStatus
from regencies.models import Segment
from tests import factories


@pytest.fixture
def old(world):
    agreement = factories.AgreementFactory(
        title="Perlindungan jaminan sosial ketenagakerjaan bagi non-ASN",
        programmes=[Programme.JKK, Programme.JKM],
        signed_on=date(2023, 2, 1),
        valid_until=date(2026, 1, 31),
    )
    factories.AgreementSegmentFactory(
        agreement=agreement,
        segment=Segment.NON_ASN,
        funding_source=FundingSource.APBD,
        expected_participants=1081,
    )
    factories.AgreementSignatoryFactory(agreement=agreement)
    return agreement


def test_a_renewal_links_back_to_the_agreement_it_replaces(old, branch_staff):
    renewal = agreement_renew(
        agreement=old,
        number="12/MOU/2026",
        signed_on=date(2026, 1, 20),
        valid_from=date(2026, 2, 1),
        valid_until=date(2029, 1, 31),
        by=branch_staff,
    )
    old.refresh_from_db()
    assert renewal.renews == old
    assert old.renewed_by == renewal
    assert renewal.regency == old.regency and renewal.branch_office == old.branch_office
    assert renewal.title == old.title and renewal.programmes == ["JKK", "JKM"]
    assert [
        (s.segment, s.funding_source, s.expected_participants) for s in renewal.segments.all()
    ] == [("non_asn", "apbd", 1081)]
    assert not renewal.signatories.exists()  # signed anew
    assert renewal.status_on(date(2026, 3, 1)) == AgreementStatus.IN_FORCE
    assert old.status_on(date(2026, 3, 1)) == AgreementStatus.EXPIRED
    assert renewal.history.get().history_user == branch_staff


def test_a_renewal_without_a_signing_date_starts_as_a_draft(old, sekda):
    renewal = agreement_renew(agreement=old, by=sekda)
    assert renewal.state == RecordedState.DRAFT
    assert renewal.status == AgreementStatus.DRAFT


def test_an_agreement_is_renewed_only_once(old, sekda):
    first = agreement_renew(agreement=old, by=sekda)
    with pytest.raises(ValidationError) as exc:
        agreement_renew(agreement=old, by=sekda)
    assert exc.value.messages == [f"Perjanjian ini sudah diperbarui oleh {first}."]
    assert Agreement.objects.filter(renews=old).count() == 1


def test_a_draft_cannot_be_renewed(world, sekda):
    draft = factories.AgreementFactory(state=RecordedState.DRAFT, signed_on=None)
    with pytest.raises(ValidationError) as exc:
        agreement_renew(agreement=draft, by=sekda)
    assert exc.value.messages == ["Draf belum ditandatangani, jadi belum dapat diperbarui."]
    assert Agreement.objects.count() == 1


def test_a_renewal_must_belong_to_the_same_regency(old, world):
    other = factories.AgreementFactory.build(regency=world.konut, renews=old)
    with pytest.raises(ValidationError) as exc:
        other.full_clean()
    assert exc.value.message_dict == {
        "renews": ["Perjanjian yang diperbarui harus milik kabupaten/kota yang sama."]
    }


def test_the_admin_action_creates_a_draft_renewal(client, old, sekda):
    client.force_login(sekda)
    response = client.post(
        reverse("admin:mou_agreement_changelist"),
        {"action": "renew_selected", "_selected_action": [old.pk]},
        follow=True,
    )
    assert response.status_code == 200
    renewal = Agreement.objects.get(renews=old)
    assert renewal.state == RecordedState.DRAFT
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Draf pembaruan untuk {old} dibuat; lengkapi nomor dan tanggalnya."]
    change = client.get(reverse("admin:mou_agreement_change", args=[old.pk]))
    assert reverse("admin:mou_agreement_change", args=[renewal.pk]) in change.content.decode()
