from django.apps import AppConfig


class LocalityRolesConfig(AppConfig):
    name = "lms.locality_roles"
    label = "locality_roles"
    verbose_name = "Roles por localidad"
    default_auto_field = "django.db.models.BigAutoField"
