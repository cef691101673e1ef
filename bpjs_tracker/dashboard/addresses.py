"""Admin addresses for the start page, each resolved once a process.

`reverse` costs 15-60 µs a call; the start page needs a dozen kinds of address (lists behind
the table's figures, change pages of the lists' lines). An address with no variable part, or
with a placeholder where a row's id or code goes (dashboard/rows.py, dashboard/queues.py), is
the same on every request for the same URLconf and script prefix, so it is kept under those.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=256)
def _resolved(viewname: str, args: tuple, urlconf: str | None, prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf, args=list(args) or None)


def address(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, resolved once for each URLconf and script prefix."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _resolved(viewname, args, urlconf, get_script_prefix())
