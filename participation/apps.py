from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = gettext_lazy("Participación: roles cívicos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
