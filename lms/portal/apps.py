from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lms.portal"
    label = "portal"
    verbose_name = "Portal de la localidad"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tenants.signals import locality_provisioned

        from . import handlers

        locality_provisioned.connect(
            handlers.set_up_locality_site, dispatch_uid="portal.set_up_locality_site"
        )
        # Any model's save or delete: the handler keeps only pages and courses'.
        for signal in (post_save, post_delete):
            signal.connect(handlers.forget_catalog, dispatch_uid="portal.catalog")
