"""The start page's "Semua tabel": the admin's app list as Django's `admin/app_list.html`
writes it, rendered once for each app list the admin site keeps.

`BpjsAdminSite.get_app_list` keeps one built list per role, permission set, language and
address prefix; the HTML follows from that list, the language and the page's path only, yet
rendering it through the template (thirty models, a dozen tags each) cost 1,6 ms of CPU on
every start page. The rendered HTML is kept beside the very list object it was rendered from
(checked by identity, the list held so its id cannot be reused), per process, renewed with it.
"""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

_KEPT: dict[tuple, tuple[list, SafeString]] = {}
_KEPT_AT_MOST = 64


def all_tables(request) -> SafeString:
    app_list = admin.site.get_app_list(request)
    key = (id(app_list), get_language(), request.path)
    kept = _KEPT.get(key)
    if kept is not None and kept[0] is app_list:
        return kept[1]
    html = get_template("admin/app_list.html").render(
        {"app_list": app_list, "show_changelinks": True, "request": request}
    )
    if len(_KEPT) >= _KEPT_AT_MOST:
        _KEPT.clear()
    _KEPT[key] = (app_list, mark_safe(html))  # noqa: S308 - the template escaped it
    return _KEPT[key][1]
