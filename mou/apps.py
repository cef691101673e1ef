from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MouConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mou"
    verbose_name = _("MoU & regulasi")
