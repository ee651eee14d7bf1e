from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Localidades"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the template-schema check)
        from .api import forget_localities
        from .models import Domain, Locality

        # The remembered list of localities (``api.list_localities``) is
        # forgotten as soon as this process changes one of them.
        for model in (Locality, Domain):
            post_save.connect(forget_localities, sender=model, weak=False)
            post_delete.connect(forget_localities, sender=model, weak=False)
