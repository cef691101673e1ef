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

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from bpjs_tracker.services import user_record_login

        # Django saves the user on each login (last_login), and every save of a user writes a
        # history row for the user and one for its work units: 10 logins, 20 rows. The login
        # time is written with an UPDATE instead, which writes none.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(user_record_login, dispatch_uid="update_last_login")
