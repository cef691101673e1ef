from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class BpjsAdminConfig(admin_apps.AdminConfig):
    """Replaces django.contrib.admin so that every @admin.register lands on BpjsAdminSite."""

    default_site = "bpjs_tracker.admin_site.BpjsAdminSite"


class BpjsTrackerConfig(AppConfig):
    name = "bpjs_tracker"
    verbose_name = _("Pengguna & peran")
    default = True
