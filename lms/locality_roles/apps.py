from django.apps import AppConfig


class LocalityRolesConfig(AppConfig):
    name = "lms.locality_roles"
    label = "locality_roles"
    verbose_name = "Roles por localidad"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tenants.signals import locality_provisioned

        from . import handlers

        locality_provisioned.connect(
            handlers.on_locality_provisioned,
            dispatch_uid="locality_roles.on_locality_provisioned",
        )
        post_migrate.connect(
            handlers.on_post_migrate, dispatch_uid="locality_roles.on_post_migrate"
        )
