from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.forms import LoginForm
from bpjs_tracker.roles import scope_for

_APP_LISTS: dict = {}  # AdminSite.get_app_list's lists, per role, permissions and language
_APP_LISTS_KEPT = 64

# Apps in the order of the daily job (STYLE.md §11).
APP_ORDER = ["enrollment", "claims", "mou", "regencies", "bpjs_tracker"]
# Within an app, the daily work first and reference tables last; others follow alphabetically.
MODEL_ORDER = [
    "roster",
    "rosterupload",
    "bill",
    "payment",
    "membership",
    "worker",
    "rosterentry",
    "contributionrate",
    "contributionrelief",
    "paymentrule",
    "publicholiday",
    "claim",
    "benefitschedule",
    "agreement",
    "followup",
    "monitoringmeeting",
    "regionalregulation",
    "workunit",
    "coveragetarget",
    "regency",
    "district",
    "village",
    "province",
    "branchoffice",
    "branchassignment",
]


class BpjsAdminSite(admin.AdminSite):
    site_header = _("Pemantauan Kepesertaan BPJS Ketenagakerjaan")
    site_title = _("BPJS Tracker")
    index_title = _("Dasbor")
    index_template = "admin/dashboard/index.html"
    # No "view site" link: the admin is the whole site, and the link led back to it.
    site_url = None
    login_form = LoginForm

    def index(self, request, extra_context=None):
        """The coverage dashboard for the user's scope, above the list of tables (issue #10)."""
        from bpjs_tracker.dashboard.views import dashboard_context

        return super().index(request, {**dashboard_context(request), **(extra_context or {})})

    def get_urls(self):
        from bpjs_tracker.dashboard import views

        view = self.admin_view
        return [
            # The admin's "view on site" shortcut, answering alike for missing and
            # out-of-scope rows (#11).
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                view(self.view_on_site),
                name="view_on_site",
            ),
            path("dashboard/export.csv", view(views.export_csv), name="dashboard_csv"),
            path("dashboard/export.xlsx", view(views.export_xlsx), name="dashboard_xlsx"),
            path(
                "dashboard/regency/<str:code>/",
                view(self.regency_summary_view),
                name="dashboard_regency_summary",
            ),
            path(
                "dashboard/double/<int:worker_id>/resolve/",
                view(views.double_resolve),
                name="dashboard_double_resolve",
            ),
            *super().get_urls(),
        ]

    def regency_summary_view(self, request, code):
        from bpjs_tracker.dashboard.views import regency_summary_context

        context = {**self.each_context(request), **regency_summary_context(request, code)}
        context["title"] = _("Ringkasan %(regency)s") % {"regency": context["regency"]}
        return TemplateResponse(request, "admin/dashboard/regency_summary.html", context)

    def view_on_site(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType
        from django.http import Http404
        from django.shortcuts import redirect

        from bpjs_tracker.querysets import ScopedQuerySet

        not_found = Http404(_("Data tidak ditemukan."))
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise not_found from None
        if model is None or not hasattr(model, "get_absolute_url"):
            raise not_found
        rows = model._default_manager.all()
        if isinstance(rows, ScopedQuerySet):
            rows = rows.visible_to(request.user)
        elif not getattr(scope_for(request.user), "is_province", False):
            rows = rows.none()
        try:
            found = rows.filter(pk=object_id).first()
        except (ValueError, TypeError):
            found = None
        if found is None:
            raise not_found
        return redirect(found.get_absolute_url())

    def has_permission(self, request):
        """Anyone active with a role and scope may enter; what they see is up to the scope."""
        user = request.user
        return bool(user.is_active and user.is_authenticated and scope_for(user) is not None)

    def get_app_list(self, request, app_label=None):
        """Django's, ordered for this product; built once per role, permission set and language.

        Every admin page shows it (the sidebar), and building it asks each of the thirty
        models' admins for their permissions and reverses their addresses: 4-5 ms of CPU on
        every page. What it holds depends on the user's role and permissions only (no admin's
        model-level permission looks at the scope's objects: `test_app_list_cache.py` compares
        the kept list with a fresh build for every role and two scopes), so the built list is
        kept per process under those, the language and the address prefix. Templates only
        read it.
        """
        user = request.user
        key = (
            app_label, getattr(user, "role", None), user.is_active, user.is_superuser,
            frozenset(user.get_all_permissions()), get_language(), get_script_prefix(),
        )  # fmt: skip
        built = _APP_LISTS.get(key)
        if built is None:
            built = self._ordered_app_list(request, app_label)
            if len(_APP_LISTS) >= _APP_LISTS_KEPT:
                _APP_LISTS.clear()
            _APP_LISTS[key] = built
        return built

    def _ordered_app_list(self, request, app_label):
        apps = super().get_app_list(request, app_label)
        app_rank = {label: i for i, label in enumerate(APP_ORDER)}
        model_rank = {name: i for i, name in enumerate(MODEL_ORDER)}
        for app in apps:
            app["models"].sort(
                key=lambda m: (model_rank.get(m["object_name"].lower(), len(model_rank)), m["name"])
            )
        return sorted(apps, key=lambda app: app_rank.get(app["app_label"], len(app_rank)))
