"""What an import may change and say, given who uploads it (issue #11, item 3).

A roster names workers by NIK, and a NIK is global: without these rules a
treasurer could rename a worker of another regency for everyone by putting
the NIK on their own roster, and could probe who works where from the
double-enrolment warnings. So:

- `identity_locked(worker_ids, by=)`: the workers whose identity (name, birth
  date, sex) `by` may not change, because they are on a roster of a unit outside
  `by`'s scope. The import keeps their identity and warns (the upload's warnings
  are what branch staff review).
- `unit_namer(by)`: how a list of other units is shown to `by`: treasurers read
  only the units in their scope by name, the others as a count; everyone else
  (branch staff, Sekda, province, the system) reads them all.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.roles import TREASURER_ROLES, scope_for
from enrollment.models import RosterEntry
from regencies.models import WorkUnit

IDENTITY_KEPT = _(
    "NIK %(nik)s sudah terdaftar atas nama lain di unit di luar cakupan Anda. Nama, tanggal "
    "lahir dan jenis kelamin yang terdaftar dipertahankan; perbedaannya ditandai untuk diperiksa "
    "kantor cabang. Bila data di berkas yang benar, minta kantor cabang memperbaikinya."
)


def identity_locked(worker_ids: Iterable[int], *, by) -> set[int]:
    """Of `worker_ids`, those on a roster of a unit `by` cannot see (none for the system)."""
    worker_ids = set(worker_ids)
    if by is None or not worker_ids:
        return set()
    scope = scope_for(by)
    if scope is not None and scope.is_province:
        return set()
    visible = WorkUnit.objects.visible_to(by).values("pk")
    return set(
        RosterEntry.objects.filter(worker_id__in=worker_ids)
        .exclude(roster__unit_id__in=visible)
        .values_list("worker_id", flat=True)
        .distinct()
    )


def unit_namer(by) -> Callable[[list], list]:
    """units [(code, name)] -> the units as `by` may read them."""
    scope = scope_for(by) if by is not None else None
    if scope is None or scope.role not in TREASURER_ROLES:
        return list
    visible = set(WorkUnit.objects.visible_to(by).values_list("code", flat=True))

    def name(units: list) -> list:
        inside = [unit for unit in units if unit[0] in visible]
        hidden = len(units) - len(inside)
        if hidden:
            label = _g("%(count)s unit lain di luar cakupan Anda") % {"count": hidden}
            inside.append((label, label))
        return inside

    return name
