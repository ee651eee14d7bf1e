from django.apps import AppConfig


class H5PConfig(AppConfig):
    name = "h5p"
    label = "h5p"
    verbose_name = "Actividades H5P"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
