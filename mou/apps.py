from django.apps import AppConfig


class MouConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mou"
