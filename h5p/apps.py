from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class H5PConfig(AppConfig):
    name = "h5p"
    label = "h5p"
    verbose_name = gettext_lazy("Actividades H5P")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
