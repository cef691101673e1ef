"""Foreign keys the database does not check, checked on demand (`manage.py check_integrity`).

Tables written in bulk by one service inside one transaction (roster entries by
the roster import, bill lines by billing) keep their foreign keys without
database constraints (`db_constraint=False`; docs/architecture.md). This module
finds, for every such key, the rows whose target is missing: one anti-join per
key, so it runs in seconds on a province's data.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef


@dataclass(frozen=True)
class DanglingKey:
    model: str  # "enrollment.RosterEntry"
    field: str  # "roster"
    target: str  # "enrollment.Roster"
    count: int
    example_ids: tuple[int, ...]


def _is_history_model(model) -> bool:
    # django-simple-history's tables point at rows that may since have been deleted, by design.
    # (their many-to-many tables too: HistoricalUser_work_units).
    return model._meta.model_name.startswith("historical")


def unchecked_foreign_keys():
    """(model, field) for every concrete foreign key without a database constraint."""
    for model in apps.get_models():
        if _is_history_model(model) or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.many_to_one and not field.db_constraint:
                yield model, field


def dangling_keys(examples: int = 5) -> list[DanglingKey]:
    """Every unchecked foreign key with the number of rows whose target is missing."""
    found = []
    for model, field in unchecked_foreign_keys():
        target = field.related_model
        missing = Exists(target._base_manager.filter(pk=OuterRef(field.attname)))
        rows = model._base_manager.filter(**{f"{field.attname}__isnull": False}).filter(~missing)
        ids = tuple(rows.order_by("pk").values_list("pk", flat=True)[:examples])
        found.append(
            DanglingKey(
                model=model._meta.label,
                field=field.name,
                target=target._meta.label,
                count=rows.count() if ids else 0,
                example_ids=ids,
            )
        )
    return found
