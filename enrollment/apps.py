from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enrollment"
    verbose_name = _("Kepesertaan & iuran")

    def ready(self):
        from enrollment.billing.reference import contribution_rules_load
        from regencies.services import register_reference_loader

        register_reference_loader("contribution_rules", contribution_rules_load)

        from enrollment.jobs import register_kinds

        register_kinds()
