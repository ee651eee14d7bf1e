from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificados")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
