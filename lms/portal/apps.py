from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lms.portal"
    label = "portal"
    verbose_name = "Portal de la localidad"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenants.signals import locality_provisioned

        from . import handlers

        locality_provisioned.connect(
            handlers.set_up_locality_site, dispatch_uid="portal.set_up_locality_site"
        )
