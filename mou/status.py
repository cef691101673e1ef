"""The status of an agreement on a day, derived from its dates (one rule, two forms).

Only what dates cannot tell is stored (`Agreement.state`: draft, signed or
terminated, with the termination date). Everything else follows from the
signing date, `valid_from`, `valid_until` and the day asked about (WITA):

- draft: not signed yet;
- terminated: ended early, from `terminated_on` (a termination dated in the
  future leaves the agreement as its dates say until that day);
- expired: signed, and `valid_until` is before the day;
- in force: signed, started (`valid_from`, else the signing date) on or before
  the day, and not expired;
- signed: signed, but not started yet, or with no start date recorded at all.

`agreement_status` is the rule for one row; `status_conditions` is the same rule
as SQL conditions for filtering and counting. A table test checks that they agree.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecordedState(models.TextChoices):
    """What a person records about an agreement; the rest is derived from dates."""

    DRAFT = "draft", _("Draf")
    SIGNED = "signed", _("Ditandatangani")
    TERMINATED = "terminated", _("Diakhiri lebih awal")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SIGNED = "signed", _("Ditandatangani, belum berlaku")
    IN_FORCE = "in_force", _("Berlaku")
    EXPIRED = "expired", _("Kedaluwarsa")
    TERMINATED = "terminated", _("Diakhiri")


def agreement_status(
    *,
    state: str,
    signed_on: date | None,
    valid_from: date | None,
    valid_until: date | None,
    terminated_on: date | None,
    day: date,
) -> AgreementStatus:
    """The status an agreement has on `day`."""
    if state == RecordedState.DRAFT:
        return AgreementStatus.DRAFT
    if state == RecordedState.TERMINATED and (terminated_on is None or terminated_on <= day):
        return AgreementStatus.TERMINATED
    if valid_until is not None and valid_until < day:
        return AgreementStatus.EXPIRED
    start = valid_from or signed_on
    if start is not None and start <= day:
        return AgreementStatus.IN_FORCE
    return AgreementStatus.SIGNED


def status_conditions(day: date, prefix: str = "") -> dict[str, Q]:
    """For each status, the condition that holds for the agreements with that status on `day`.

    The conditions do not overlap and together cover every row. `prefix` reaches
    an agreement through a relation (e.g. ``"agreement__"``).
    """

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    terminated = q(state=RecordedState.TERMINATED) & (
        q(terminated_on__isnull=True) | q(terminated_on__lte=day)
    )
    signed = q(state=RecordedState.SIGNED) | q(
        state=RecordedState.TERMINATED, terminated_on__gt=day
    )
    expired = signed & q(valid_until__lt=day)
    not_expired = signed & (q(valid_until__isnull=True) | q(valid_until__gte=day))
    started = q(valid_from__lte=day) | q(valid_from__isnull=True, signed_on__lte=day)
    not_started = q(valid_from__gt=day) | (
        q(valid_from__isnull=True) & (q(signed_on__isnull=True) | q(signed_on__gt=day))
    )
    return {
        AgreementStatus.DRAFT: q(state=RecordedState.DRAFT),
        AgreementStatus.TERMINATED: terminated,
        AgreementStatus.EXPIRED: expired,
        AgreementStatus.IN_FORCE: not_expired & started,
        AgreementStatus.SIGNED: not_expired & not_started,
    }
