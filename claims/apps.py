from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"
    verbose_name = _("Klaim")

    def ready(self):
        from claims.reference import benefit_schedules_load
        from regencies.services import register_reference_loader

        register_reference_loader("benefit_schedules", benefit_schedules_load)
