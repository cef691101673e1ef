"""`{% month_hierarchy cl %}`: Django's admin date hierarchy, reading the list's months once.

With no year chosen yet, Django's `{% date_hierarchy cl %}` runs two statements over every row
of the list: MIN and MAX of the date, then its distinct years (or months). Over a branch
office's or a province's bills and rosters that is 10-25 ms of database time on each visit to
the list. Here the distinct months are read once and answer both; Django's own function builds
the links from them, so the drill-down is the same. Date-time fields, and a list already
narrowed to a year, month or day, go to Django's function unchanged (one statement already).
"""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import get_fields_from_path
from django.db import models

register = template.Library()


class _MonthsRead:
    """The list's queryset as Django's date hierarchy reads it, answered from its months."""

    def __init__(self, queryset, months):
        self.queryset, self.months = queryset, months

    def aggregate(self, **_bounds):  # first=Min(field), last=Max(field)
        months = self.months
        return {"first": months[0] if months else None, "last": months[-1] if months else None}

    def dates(self, field_name, kind, order="ASC"):
        if kind == "month":
            return self.months
        if kind == "year":
            return sorted({month.replace(month=1) for month in self.months})
        return self.queryset.dates(field_name, kind, order)  # all in one month: its days


class _ChangeListReadOnce:
    def __init__(self, cl, months):
        self._cl = cl
        self.queryset = _MonthsRead(cl.queryset, months)

    def __getattr__(self, name):
        return getattr(self._cl, name)


def month_hierarchy(cl):
    field_name = cl.date_hierarchy
    field = get_fields_from_path(cl.model, field_name)[-1]
    chosen = any(cl.params.get(f"{field_name}__{part}") for part in ("year", "month", "day"))
    if isinstance(field, models.DateTimeField) or chosen:
        return date_hierarchy(cl)
    months = list(cl.queryset.dates(field_name, "month"))
    return date_hierarchy(_ChangeListReadOnce(cl, months))


@register.tag(name="month_hierarchy")
def month_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=month_hierarchy, template_name="date_hierarchy.html",
        takes_context=False,
    )  # fmt: skip
