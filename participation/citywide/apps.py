from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ParticipationCitywideConfig(AppConfig):
    """Public-schema tables of participation (the rest of the app is per locality)."""

    name = "participation.citywide"
    label = "participation_citywide"
    verbose_name = gettext_lazy("Participación: índice de la ciudad")
    default_auto_field = "django.db.models.BigAutoField"
