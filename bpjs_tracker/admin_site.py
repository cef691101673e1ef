from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.roles import scope_for

# Apps in the order of the daily job (STYLE.md §11).
APP_ORDER = ["enrollment", "claims", "mou", "regencies", "bpjs_tracker"]


class BpjsAdminSite(admin.AdminSite):
    site_header = _("Pemantauan Kepesertaan BPJS Ketenagakerjaan")
    site_title = _("BPJS Tracker")
    index_title = _("Dasbor")

    def has_permission(self, request):
        """Anyone active with a role and scope may enter; what they see is up to the scope."""
        user = request.user
        return bool(user.is_active and user.is_authenticated and scope_for(user) is not None)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        rank = {label: i for i, label in enumerate(APP_ORDER)}
        return sorted(apps, key=lambda app: rank.get(app["app_label"], len(rank)))
