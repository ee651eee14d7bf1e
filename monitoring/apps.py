from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Seguimiento ciudadano")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import funnel, public_cache

        public_cache.connect()
        funnel.connect()
