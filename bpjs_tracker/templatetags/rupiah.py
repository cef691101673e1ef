"""Template filters: `{{ amount|rupiah }}` → "Rp 42.000.000", `{{ rate|percent_id }}` → "0,24%"."""

from django import template

from bpjs_tracker.money import format_percent, format_rupiah

register = template.Library()


@register.filter
def rupiah(value):
    if value in (None, ""):
        return ""
    return format_rupiah(int(value))


@register.filter
def percent_id(value):
    return format_percent(value)
