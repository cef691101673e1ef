"""Writes for agreements, regulations and follow-ups: one function per business action.

Each validates with full_clean before saving, runs in one transaction and
records the actor in the history row (django-simple-history's `_history_user`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.models import User
from mou.models import Agreement, AgreementSegment, FollowUp, RecordedState, RegionalRegulation

AGREEMENT_RENEW_DRAFT = _("Draf belum ditandatangani, jadi belum dapat diperbarui.")
AGREEMENT_ALREADY_RENEWED = _("Perjanjian ini sudah diperbarui oleh %(renewal)s.")
FOLLOW_UP_NOT_OPEN = _("Tindak lanjut ini sudah berstatus %(status)s.")


def _save(instance, *, by: User, update_fields: list[str] | None = None) -> None:
    instance._history_user = by
    instance.full_clean()
    instance.save(update_fields=update_fields)


@transaction.atomic
def agreement_renew(
    *,
    agreement: Agreement,
    by: User,
    number: str = "",
    signed_on: date | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Agreement:
    """Record the agreement that replaces `agreement`, linked back to it.

    The renewal has the same parties, kind, title, programmes and segments; it is
    signed anew, so signatories are not copied, and without a signing date it
    starts as a draft. An agreement is replaced at most once.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.state == RecordedState.DRAFT:
        raise ValidationError(AGREEMENT_RENEW_DRAFT, code="renew_draft")
    existing = Agreement.objects.filter(renews=agreement).select_related("regency").first()
    if existing is not None:
        raise ValidationError(
            AGREEMENT_ALREADY_RENEWED, code="already_renewed", params={"renewal": existing}
        )
    renewal = Agreement(
        regency_id=agreement.regency_id,
        other_party=agreement.other_party,
        branch_office_id=agreement.branch_office_id,
        kind=agreement.kind,
        title=agreement.title,
        programmes=list(agreement.programmes),
        number=number,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        state=RecordedState.SIGNED if signed_on else RecordedState.DRAFT,
        renews=agreement,
    )
    _save(renewal, by=by)
    for segment in agreement.segments.all():
        _save(
            AgreementSegment(
                agreement=renewal,
                segment=segment.segment,
                funding_source=segment.funding_source,
                expected_participants=segment.expected_participants,
            ),
            by=by,
        )
    return renewal


def _attach_document(instance, *, upload: File, by: User) -> None:
    """Validate `upload` (PDF, size limit) and store it; on refusal nothing is written."""
    previous = instance.document.name
    instance.document = upload
    try:
        instance.full_clean()
    except ValidationError:
        instance.document = previous
        raise
    instance._history_user = by
    instance.save(update_fields=["document", "updated_at"])


@transaction.atomic
def agreement_attach_document(*, agreement: Agreement, upload: File, by: User) -> Agreement:
    """Keep the scanned agreement (PDF only, at most MOU_DOCUMENT_MAX_BYTES).

    A replaced file stays on disk and in the agreement's history.
    """
    _attach_document(agreement, upload=upload, by=by)
    return agreement


@transaction.atomic
def regional_regulation_attach_document(
    *, regulation: RegionalRegulation, upload: File, by: User
) -> RegionalRegulation:
    """Keep the regulation's text (PDF only, at most MOU_DOCUMENT_MAX_BYTES)."""
    _attach_document(regulation, upload=upload, by=by)
    return regulation


@transaction.atomic
def follow_up_close(
    *,
    follow_up: FollowUp,
    by: User,
    outcome: str = FollowUp.Status.DONE,
    on: date | None = None,
    note: str = "",
) -> FollowUp:
    """Mark an open follow-up done (or cancelled) on `on` (default: today, WITA)."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if outcome not in FollowUp.TRANSITIONS.get(follow_up.status, set()):
        raise ValidationError(
            FOLLOW_UP_NOT_OPEN,
            code="not_open",
            params={"status": follow_up.get_status_display().lower()},
        )
    follow_up.status = outcome
    follow_up.closed_on = on or timezone.localdate()
    if note:
        follow_up.note = f"{follow_up.note}\n{note}".strip()
    _save(follow_up, by=by, update_fields=["status", "closed_on", "note", "updated_at"])
    return follow_up
