from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enrollment"

    def ready(self):
        from enrollment.services.contribution_rules import contribution_rules_load
        from regencies.services import register_reference_loader

        register_reference_loader("contribution_rules", contribution_rules_load)
