"""Admin addresses for the start page, each resolved once a process.

`reverse` costs 15-60 µs a call; the start page needs a dozen kinds of address (lists behind
the table's figures, change pages of the lists' lines). An address with no variable part, or
with a placeholder where a row's id or code goes (dashboard/rows.py, dashboard/queues.py), is
the same on every request for the same URLconf and script prefix, so it is kept under those.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS


@lru_cache(maxsize=256)
def _resolved(viewname: str, args: tuple, urlconf: str | None, prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf, args=list(args) or None)


def address(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, resolved once for each URLconf and script prefix."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _resolved(viewname, args, urlconf, get_script_prefix())


PK = "\x00pk\x00"  # a placeholder, quoted by reverse as below, never in a real address
_PK_QUOTED = quote(PK, safe=RFC3986_SUBDELIMS + "/~:@")
INT_PK = 987654321  # the same for an address that takes only a number


class ChangeUrls:
    """Admin change pages of one model for any pk: resolved once (with a placeholder for the pk),
    not once per line with `{% url %}` as the lists did."""

    def __init__(self, name: str):
        self.template = address(f"admin:{name}_change", PK)

    def __call__(self, pk) -> str:
        return self.template.replace(_PK_QUOTED, quote(str(pk), safe=RFC3986_SUBDELIMS + "/~:@"))
