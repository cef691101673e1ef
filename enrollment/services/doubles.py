"""Double enrolments: a worker with JKK/JKM through two units at once, and branch staff's decision."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.roles import Role, scope_for
from enrollment.models import DoubleEnrolmentResolution, Membership, Worker
from regencies.models import WorkUnit

NOT_ALLOWED = _(
    "Hanya staf kantor cabang BPJS atau administrator provinsi yang memutuskan kepesertaan ganda."
)
NOT_DOUBLE = _("%(worker)s tidak terdaftar melalui lebih dari satu unit hari ini.")
UNIT_NOT_CURRENT = _("%(unit)s bukan salah satu unit tempat %(worker)s terdaftar hari ini.")
CHOOSE_ONE = _(
    "Pilih unit yang mempertahankan pekerja, atau tandai sebagai dua pekerjaan yang sah."
)


def active_on(day: date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


def current_units(worker: Worker, day: date) -> list[WorkUnit]:
    ids = (
        Membership.objects.filter(active_on(day), worker=worker, programme="JKK")
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return list(WorkUnit.objects.filter(pk__in=list(ids)).order_by("code"))


def double_enrolment_resolve(
    *, worker: Worker, day: date, keep_unit: WorkUnit | None = None, two_jobs: bool = False,
    by, note: str = "",
) -> DoubleEnrolmentResolution:  # fmt: skip
    """Record who keeps a doubly enrolled worker (or that both jobs are real), with who and when."""
    scope = scope_for(by)
    if scope is None or scope.role not in (Role.BRANCH_STAFF, Role.PROVINCE_ADMIN):
        raise PermissionDenied(NOT_ALLOWED)
    if bool(keep_unit) == bool(two_jobs):
        raise ValidationError(CHOOSE_ONE, code="choose_one")
    with transaction.atomic():
        units = current_units(worker, day)
        if len(units) < 2:
            raise ValidationError(NOT_DOUBLE % {"worker": worker}, code="not_double")
        if keep_unit is not None and keep_unit not in units:
            raise ValidationError(
                UNIT_NOT_CURRENT % {"unit": keep_unit, "worker": worker}, code="unit_not_current"
            )
        resolution = DoubleEnrolmentResolution(
            worker=worker,
            decision=(
                DoubleEnrolmentResolution.Decision.TWO_JOBS
                if two_jobs
                else DoubleEnrolmentResolution.Decision.KEEP
            ),
            keep_unit=keep_unit,
            note=(note or "").strip(),
            resolved_by=by,
        )
        resolution.full_clean()
        resolution._history_user = by
        resolution.save()
    return resolution
