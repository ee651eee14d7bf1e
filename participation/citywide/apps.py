from django.apps import AppConfig


class ParticipationCitywideConfig(AppConfig):
    """Public-schema tables of participation (the rest of the app is per locality)."""

    name = "participation.citywide"
    label = "participation_citywide"
    verbose_name = "Participación: índice de la ciudad"
    default_auto_field = "django.db.models.BigAutoField"
