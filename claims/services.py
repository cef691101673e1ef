"""Writes for claims: saving a draft, the document checklist, and the workflow.

draft → submitted → verified → approved → paid, or rejected (with a reason)
from any open state. Each transition is one service that checks the role
(bpjs_tracker.roles.may_act_on_claim), the map (`Claim.TRANSITIONS`) and the
rules, then records who and when (`ClaimStatusChange`) in the same
transaction, locking the claim row first. The caller fetched the claim through
`Claim.objects.visible_to(by)`: out of scope never reaches here.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.roles import may_act_on_claim
from claims.assessment import claim_assess
from claims.checklist import required_documents
from claims.models import Claim, ClaimDocument, ClaimStatusChange
from claims.selectors import wage_on, worker_cover_on

CLAIM_TRANSITION_IMPOSSIBLE = _("Klaim berstatus “%(status)s” tidak dapat %(action)s.")
CLAIM_ACTION_FORBIDDEN = _("Peran Anda tidak dapat %(action)s klaim.")
CLAIM_NOT_EDITABLE = _("Klaim berstatus “%(status)s” tidak dapat diubah lagi.")
CLAIM_REFUSED_BY_CHECKS = _(
    "Klaim tidak memenuhi syarat: %(reasons)s Tolak klaim dengan alasan tersebut."
)
CLAIM_DOCUMENTS_MISSING = _("Dokumen belum lengkap: %(missing)s.")
CLAIM_REASON_REQUIRED = _("Tulis alasan penolakan.")
CLAIM_PAYMENT_INCOMPLETE = _("Isi tanggal bayar, jumlah, referensi dan rekening penerima.")
CLAIM_PAID_BEFORE_COMPLETE = _("Tanggal bayar tidak boleh sebelum tanggal lapor (%(day)s).")

ACTION_VERBS = {
    "submit": _("diajukan"),
    "verify": _("diverifikasi"),
    "approve": _("disetujui"),
    "pay": _("dibayar"),
    "reject": _("ditolak"),
}
ACTION_TARGET = {
    "submit": Claim.Status.SUBMITTED,
    "verify": Claim.Status.VERIFIED,
    "approve": Claim.Status.APPROVED,
    "pay": Claim.Status.PAID,
    "reject": Claim.Status.REJECTED,
}


def claim_save(*, claim: Claim, by) -> Claim:
    """Save a new or draft claim, filling what enrollment knows on the date of death.

    The membership it rests on (the programme's membership active that day) and,
    for JKK, the wage on the unit's verified roster in force then (when not typed).
    """
    if claim.pk and not Claim.objects.get(pk=claim.pk).is_editable:
        raise ValidationError(
            CLAIM_NOT_EDITABLE % {"status": claim.get_status_display()}, code="not_editable"
        )
    if claim.worker_id and claim.date_of_death:
        cover = worker_cover_on(claim.worker, claim.date_of_death)
        claim.membership = cover.jkm if claim.programme == "JKM" else cover.jkk
        if claim.programme == "JKK" and claim.wage is None and claim.unit_id:
            claim.wage = wage_on(claim.worker, claim.unit, claim.date_of_death)
    if claim.pk is None:
        claim.created_by = by
    claim.full_clean()
    with transaction.atomic():
        is_new = claim.pk is None
        claim.save()
        if is_new:
            _record(claim, "", Claim.Status.DRAFT, by)
    return claim


def claim_checklist_refresh(*, claim: Claim) -> Claim:
    """Set (or clear) the day the checklist became complete: the service-level clock's start.

    Complete = every required document present; the day is the latest of their
    `received_on`. Recomputed after every document or heir change.
    """
    kinds = required_documents(claim.programme, claim.heirs.values_list("relationship", flat=True))
    received = dict(claim.documents.values_list("kind", "received_on"))
    complete_on = max(received[k] for k in kinds) if all(k in received for k in kinds) else None
    if claim.documents_complete_on != complete_on:
        claim.documents_complete_on = complete_on
        claim.save(update_fields=["documents_complete_on", "updated_at"])
    return claim


def claim_document_add(
    *, claim: Claim, kind: str, file, received_on: date | None = None, by
) -> ClaimDocument:
    """Attach (or replace) one checklist document, checked like agreement scans."""
    if not claim.is_editable:
        raise ValidationError(
            CLAIM_NOT_EDITABLE % {"status": claim.get_status_display()}, code="not_editable"
        )
    with transaction.atomic():
        document = ClaimDocument.objects.filter(claim=claim, kind=kind).first() or ClaimDocument(
            claim=claim, kind=kind
        )
        document.file = file
        document.received_on = received_on or timezone.localdate()
        document.uploaded_by = by
        document.full_clean()
        document.save()
        claim_checklist_refresh(claim=claim)
    return document


def _record(claim: Claim, from_status: str, to_status: str, by, note: str = "") -> None:
    ClaimStatusChange.objects.create(
        claim=claim,
        from_status=from_status,
        to_status=to_status,
        by=by,
        at=timezone.now(),
        note=note,
    )


def _transition(claim: Claim, action: str, by, *, check=None, note: str = "", **fields) -> Claim:
    if not may_act_on_claim(by, action):
        raise PermissionDenied(CLAIM_ACTION_FORBIDDEN % {"action": ACTION_VERBS[action]})
    target = ACTION_TARGET[action]
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if target not in Claim.TRANSITIONS[locked.status]:
            raise ValidationError(
                CLAIM_TRANSITION_IMPOSSIBLE
                % {"status": locked.get_status_display(), "action": ACTION_VERBS[action]},
                code="impossible_transition",
            )
        if check is not None:
            check(locked)
        from_status = locked.status
        locked.status = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=["status", "updated_at", *fields])
        _record(locked, from_status, target, by, note)
    for name in ("status", *fields):
        setattr(claim, name, getattr(locked, name))
    return locked


def _require_eligible(claim: Claim) -> None:
    assessment = claim_assess(claim)
    if assessment.refusals:
        raise ValidationError(
            CLAIM_REFUSED_BY_CHECKS % {"reasons": " ".join(c.result for c in assessment.refusals)},
            code="not_eligible",
        )
    if not assessment.checklist_complete:
        raise ValidationError(
            CLAIM_DOCUMENTS_MISSING % {"missing": ", ".join(assessment.missing_documents)},
            code="documents_missing",
        )


def claim_submit(*, claim: Claim, by) -> Claim:
    """Hand a draft to the branch office (documents may still follow)."""
    return _transition(claim, "submit", by)


def claim_verify(*, claim: Claim, by) -> Claim:
    """Branch staff confirm the checks pass and the checklist is complete."""
    return _transition(claim, "verify", by, check=_require_eligible)


def claim_approve(*, claim: Claim, by) -> Claim:
    """Branch staff approve the benefit computed from the schedule in force."""
    return _transition(claim, "approve", by, check=_require_eligible)


def claim_pay(
    *, claim: Claim, by, paid_on: date, amount: int, reference: str, account: str
) -> Claim:
    """Record the payment to the heir: date, amount, reference and the heir's account."""
    if not (paid_on and amount and amount > 0 and reference.strip() and account.strip()):
        raise ValidationError(CLAIM_PAYMENT_INCOMPLETE, code="payment_incomplete")
    if paid_on < claim.reported_on:
        raise ValidationError(
            CLAIM_PAID_BEFORE_COMPLETE % {"day": claim.reported_on.strftime("%d-%m-%Y")},
            code="paid_before_reported",
        )
    return _transition(
        claim,
        "pay",
        by,
        paid_on=paid_on,
        paid_amount=amount,
        payment_reference=reference.strip(),
        paid_to_account=account.strip(),
    )


def claim_reject(*, claim: Claim, by, reason: str) -> Claim:
    """Refuse the claim, with the reason the heirs are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(CLAIM_REASON_REQUIRED, code="reason_required")
    return _transition(claim, "reject", by, note=reason, rejection_reason=reason)
