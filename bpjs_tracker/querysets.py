"""One scoping mechanism: `Model.objects.visible_to(user)`.

Every admin class, view, export and command starts from it, so "not allowed"
looks like "not found" everywhere.
"""

from typing import Self

from django.db import models

from bpjs_tracker.roles import scope_for


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to reach its rows' regency (and work unit).

    Subclasses (or `scoped_manager(...)`) set:
    - ``regency_path``: lookup from the model to its Regency ("pk" on Regency itself);
    - ``unit_path``: lookup to the WorkUnit, for rows that belong to one unit
      (treasurers see only their units' rows); None for regency-wide rows,
      which treasurers see for the regencies of their units;
    - ``multi_valued``: the path crosses a to-many relation (filtered through a
      subquery so that rows are not repeated).
    """

    regency_path: str = "regency"
    unit_path: str | None = None
    multi_valued: bool = False

    def visible_to(self, user) -> Self:
        scope = scope_for(user)
        if scope is None:
            return self.none()
        if scope.is_province:
            return self
        condition = scope.q(regency_path=self.regency_path, unit_path=self.unit_path)
        if self.multi_valued:
            inner = self.model._base_manager.filter(condition).values("pk")
            return self.filter(pk__in=inner)
        return self.filter(condition)


def scoped_queryset(
    *,
    regency_path: str,
    unit_path: str | None = None,
    multi_valued: bool = False,
    base=ScopedQuerySet,
) -> type[ScopedQuerySet]:
    """A ScopedQuerySet subclass with the given paths (for models that need no methods)."""
    return type(
        "ScopedQuerySet",
        (base,),
        {"regency_path": regency_path, "unit_path": unit_path, "multi_valued": multi_valued},
    )
