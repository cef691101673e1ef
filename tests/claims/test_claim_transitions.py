"""The workflow: who may take each step, impossible steps refused, each step recorded."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bpjs_tracker.roles import Role
from claims.models import Claim, ClaimDocument, Heir
from claims.services import (
    claim_approve,
    claim_checklist_refresh,
    claim_pay,
    claim_reject,
    claim_submit,
    claim_verify,
)
from enrollment.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db

REQUIRED_WITH_SPOUSE = [
    "claim_form", "death_certificate", "heir_certificate", "membership_card", "ktp_deceased",
    "ktp_heir", "family_card", "bank_book", "marriage_book",
]  # fmt: skip


def eligible_claim(unit, status=Claim.Status.DRAFT, **kwargs):
    """A JKM claim that passes every check: active member, a spouse who receives, every paper."""
    worker = factories.WorkerFactory()
    for programme in (Programme.JKK, Programme.JKM):
        factories.MembershipFactory(
            worker=worker, unit=unit, programme=programme, start=date(2018, 1, 1)
        )
    claim = factories.ClaimFactory(unit=unit, worker=worker, status=status, **kwargs)
    factories.HeirFactory(claim=claim, is_recipient=True, bank_name="BRI", account_number="0123")
    for kind in REQUIRED_WITH_SPOUSE:
        factories.ClaimDocumentFactory(claim=claim, kind=kind, received_on=date(2021, 10, 15))
    claim_checklist_refresh(claim=claim)
    return claim


PAY = {
    "paid_on": date(2021, 10, 19),
    "amount": 42_000_000,
    "reference": "TRF-1",
    "account": "BRI 0123",
}

STEPS = [
    ("submit", Claim.Status.DRAFT, Claim.Status.SUBMITTED, lambda c, u: claim_submit(claim=c, by=u)),
    ("verify", Claim.Status.SUBMITTED, Claim.Status.VERIFIED, lambda c, u: claim_verify(claim=c, by=u)),
    ("approve", Claim.Status.VERIFIED, Claim.Status.APPROVED, lambda c, u: claim_approve(claim=c, by=u)),
    ("pay", Claim.Status.APPROVED, Claim.Status.PAID, lambda c, u: claim_pay(claim=c, by=u, **PAY)),
    ("reject", Claim.Status.SUBMITTED, Claim.Status.REJECTED, lambda c, u: claim_reject(claim=c, by=u, reason="Berhenti sebelum meninggal")),
]  # fmt: skip
MAY = {
    "submit": {Role.OPD_TREASURER, Role.VILLAGE_TREASURER, Role.BRANCH_STAFF, Role.PROVINCE_ADMIN},
    "verify": {Role.BRANCH_STAFF, Role.PROVINCE_ADMIN},
    "approve": {Role.BRANCH_STAFF, Role.PROVINCE_ADMIN},
    "pay": {Role.BRANCH_STAFF, Role.PROVINCE_ADMIN},
    "reject": {Role.BRANCH_STAFF, Role.PROVINCE_ADMIN},
}


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize(("action", "start", "end", "step"), STEPS, ids=[s[0] for s in STEPS])
def test_who_may_take_each_step(world, role, action, start, end, step):
    user = world.user(role)
    claim = eligible_claim(world.home_unit(role), status=start)
    if role in MAY[action]:
        step(claim, user)
        claim.refresh_from_db()
        assert claim.status == end
        change = claim.status_changes.get()
        assert (change.from_status, change.to_status, change.by) == (start, end, user)
        assert change.at is not None
    else:
        with pytest.raises(PermissionDenied):
            step(claim, user)
        claim.refresh_from_db()
        assert claim.status == start
        assert not claim.status_changes.exists()


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("action", list(MAY))
def test_the_action_page_answers_by_role_and_scope(client, world, role, action):
    """In scope without the right: 403; out of scope: 404 (as if it did not exist)."""
    start = dict((s[0], s[1]) for s in STEPS)[action]
    inside = eligible_claim(world.home_unit(role), status=start)
    outside = eligible_claim(world.buton_opd, status=start)
    client.force_login(world.user(role))
    data = {"reason": "x", **{k: str(v) for k, v in PAY.items()}}

    answer = client.post(reverse("admin:claims_claim_action", args=[inside.pk, action]), data)
    beyond = client.post(reverse("admin:claims_claim_action", args=[outside.pk, action]), data)

    if role in MAY[action]:
        assert answer.status_code == 302
        inside.refresh_from_db()
        assert inside.status == dict((s[0], s[2]) for s in STEPS)[action]
    else:
        assert answer.status_code == 403
    # The provincial administrator's scope has no outside; everyone else's Buton claim is 404.
    assert beyond.status_code == (302 if role == Role.PROVINCE_ADMIN else 404)


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Claim.Status.DRAFT, lambda c, u: claim_verify(claim=c, by=u)),
        (Claim.Status.SUBMITTED, lambda c, u: claim_approve(claim=c, by=u)),
        (Claim.Status.VERIFIED, lambda c, u: claim_pay(claim=c, by=u, **PAY)),
        (Claim.Status.PAID, lambda c, u: claim_reject(claim=c, by=u, reason="x")),
        (Claim.Status.REJECTED, lambda c, u: claim_submit(claim=c, by=u)),
        (Claim.Status.PAID, lambda c, u: claim_pay(claim=c, by=u, **PAY)),
    ],
)
def test_impossible_transitions_are_refused_with_a_message(world, branch_staff, status, step):
    extra = {"rejection_reason": "x"} if status == Claim.Status.REJECTED else {}
    if status == Claim.Status.PAID:
        extra = {"paid_on": date(2021, 10, 19), "paid_amount": 42_000_000}
    claim = eligible_claim(world.kdi_dlhk, status=status, **extra)
    with pytest.raises(ValidationError) as raised:
        step(claim, branch_staff)
    assert raised.value.code == "impossible_transition"
    assert raised.value.messages[0].startswith(
        f"Klaim berstatus “{claim.get_status_display()}” tidak dapat"
    )
    claim.refresh_from_db()
    assert claim.status == status


def test_a_claim_goes_from_draft_to_paid_with_who_and_when(world, village_treasurer, branch_staff):
    claim = eligible_claim(world.konut_village)
    claim_submit(claim=claim, by=village_treasurer)
    claim_verify(claim=claim, by=branch_staff)
    claim_approve(claim=claim, by=branch_staff)
    claim_pay(claim=claim, by=branch_staff, **PAY)
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on, claim.paid_amount, claim.payment_reference, claim.paid_to_account) == (
        Claim.Status.PAID, date(2021, 10, 19), 42_000_000, "TRF-1", "BRI 0123",
    )  # fmt: skip
    assert [(c.to_status, c.by.username) for c in claim.status_changes.all()] == [
        ("submitted", "village_treasurer"),
        ("verified", "branch_staff"),
        ("approved", "branch_staff"),
        ("paid", "branch_staff"),
    ]
    assert claim.history.count() >= 4  # simple-history keeps every saved version too


def test_verifying_needs_every_document(world, branch_staff):
    claim = eligible_claim(world.kdi_dlhk, status=Claim.Status.SUBMITTED)
    claim.documents.get(kind="bank_book").delete()
    claim_checklist_refresh(claim=claim)
    with pytest.raises(ValidationError) as raised:
        claim_verify(claim=claim, by=branch_staff)
    assert raised.value.messages == ["Dokumen belum lengkap: Buku tabungan ahli waris."]


def test_a_refusal_needs_a_reason_and_records_it(world, branch_staff):
    claim = eligible_claim(world.kdi_dlhk, status=Claim.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        claim_reject(claim=claim, by=branch_staff, reason="  ")
    claim_reject(claim=claim, by=branch_staff, reason="Kepesertaan berakhir 30-06-2021")
    claim.refresh_from_db()
    assert claim.rejection_reason == "Kepesertaan berakhir 30-06-2021"
    assert claim.status_changes.get().note == "Kepesertaan berakhir 30-06-2021"


def test_a_payment_without_reference_or_account_is_refused(world, branch_staff):
    claim = eligible_claim(world.kdi_dlhk, status=Claim.Status.APPROVED)
    with pytest.raises(ValidationError) as raised:
        claim_pay(claim=claim, by=branch_staff, **{**PAY, "reference": ""})
    assert raised.value.messages == ["Isi tanggal bayar, jumlah, referensi dan rekening penerima."]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED


def test_heirs_and_documents_are_frozen_once_verified(client, world, branch_staff):
    claim = eligible_claim(world.kdi_dlhk, status=Claim.Status.VERIFIED)
    client.force_login(branch_staff)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert Heir.objects.filter(claim=claim).count() == 1
    assert ClaimDocument.objects.filter(claim=claim).count() == len(REQUIRED_WITH_SPOUSE)


def test_the_payment_page_proposes_the_benefit_plus_what_lateness_owes(client, world, branch_staff):
    # Complete Fri 13 Aug 2021; 3 working days over 17 Aug → Thu 19 Aug; it is now long after.
    claim = eligible_claim(
        world.kdi_dlhk, status=Claim.Status.APPROVED, date_of_death=date(2021, 8, 5)
    )
    Claim.objects.filter(pk=claim.pk).update(documents_complete_on=date(2021, 8, 13))
    client.force_login(branch_staff)
    page = client.get(reverse("admin:claims_claim_action", args=[claim.pk, "pay"]))
    form = page.context["form"]
    lateness = page.context["assessment"].lateness
    assert lateness.days_late == (timezone.localdate() - date(2021, 8, 19)).days
    assert form.initial["amount"] == 42_000_000 + lateness.amount_owed
    assert lateness.amount_owed == 420_000 * lateness.days_late
    assert form.initial["account"] == f"BRI 0123 a.n. {claim.heirs.get().name}"
