from django.apps import AppConfig


class OpenDataLabsConfig(AppConfig):
    name = "open_data_labs"
    verbose_name = "Laboratorios de datos abiertos"
    default_auto_field = "django.db.models.BigAutoField"
