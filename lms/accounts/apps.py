from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Cuentas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signed_in

        # The kept account row is dropped on every save, deletion and sign-out.
        signed_in.connect()
