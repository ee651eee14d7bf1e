from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Seguimiento ciudadano"
    default_auto_field = "django.db.models.BigAutoField"
