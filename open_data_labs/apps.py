from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataLabsConfig(AppConfig):
    name = "open_data_labs"
    verbose_name = _("Laboratorios de datos abiertos")
    default_auto_field = "django.db.models.BigAutoField"
