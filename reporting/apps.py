from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = gettext_lazy("Reportes y tableros")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import handlers, monitoring_handlers

        handlers.connect()
        monitoring_handlers.connect()
