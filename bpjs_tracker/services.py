"""Writes for user accounts: a user gets one role and the scope that role needs."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bpjs_tracker.models import User
from bpjs_tracker.roles import Role

UNIT_KIND_FOR_ROLE = {Role.OPD_TREASURER: "opd", Role.VILLAGE_TREASURER: "village"}


def validate_role_units(*, role: str, units: list) -> None:
    """Treasurers need units of their kind; a village treasurer exactly one village."""
    kind = UNIT_KIND_FOR_ROLE.get(role)
    if kind is None:
        if units:
            raise ValidationError({"work_units": _("Hanya bendahara yang diberi unit kerja.")})
        return
    if not units:
        raise ValidationError({"work_units": _("Bendahara harus diberi unit kerja.")})
    wrong = [u.code for u in units if u.kind != kind]
    if wrong:
        raise ValidationError(
            {
                "work_units": _("Unit %(codes)s bukan unit jenis %(kind)s untuk peran ini.")
                % {"codes": ", ".join(wrong), "kind": kind}
            }
        )
    if role == Role.VILLAGE_TREASURER and len(units) != 1:
        raise ValidationError({"work_units": _("Bendahara desa memegang tepat satu desa.")})


@transaction.atomic
def user_set_role(
    *,
    user: User,
    role: str,
    regency=None,
    branch_office=None,
    work_units: Iterable = (),
    by: User | None = None,
) -> User:
    """Give `user` a role and its scope (replacing any earlier one); role users may use the admin."""
    units = list(work_units)
    user.role, user.regency, user.branch_office = role, regency, branch_office
    user.is_staff = True
    user.full_clean(exclude=["password"])
    validate_role_units(role=role, units=units)
    user.save()
    user.work_units.set(units)
    user.__dict__.pop("_bpjs_scope", None)
    return user


def user_record_login(sender, user, **kwargs) -> None:
    """`user_logged_in` receiver: the login time, written without a save (so without history)."""
    from django.utils import timezone

    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
