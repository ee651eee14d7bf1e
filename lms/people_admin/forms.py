"""The forms a locality's staff see in «Usuarios»: register someone, set roles.

No platform flags (``is_superuser``, ``is_staff``, ``is_active``), no password
(the person chooses it through the activation mail), and only the roles the
actor may grant on this site. The platform administrator keeps Wagtail's own
forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.accounts.data import DOCUMENT_TYPE_LABELS
from lms.locality_roles import api as roles_api
from tenants import api as tenants_api


def _role_choices(actor: Any) -> list[tuple[str, str]]:
    grantable = roles_api.grantable_roles(actor)
    return [
        (role.value, roles_api.role_label(role))
        for role in roles_api.Role
        if role in grantable
    ]


class _ToleratesModelKwargs(forms.Form):
    """Wagtail's generic views pass ``instance`` and ``for_user`` to their forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.instance = kwargs.pop("instance", None)
        self.for_user = kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)


class RegisterPersonForm(_ToleratesModelKwargs):
    """Register a person who arrives without an account, and give local roles."""

    first_name = forms.CharField(label=_("Nombres"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(
        label=_("Correo electrónico"),
        error_messages={
            "invalid": _("Escriba un correo completo, como nombre@dominio.com.")
        },
    )
    document_type = forms.ChoiceField(label=_("Tipo de documento"))
    document_number = forms.CharField(
        label=_("Número de documento"),
        max_length=30,
        help_text=_("Sin puntos ni espacios."),
    )
    residence = forms.ChoiceField(label=_("Localidad donde vive"))
    birth_date = forms.DateField(
        label=_("Fecha de nacimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Escriba la fecha como AAAA-MM-DD.")},
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles en esta localidad"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = list(DOCUMENT_TYPE_LABELS.items())
        self.fields["residence"].choices = [("", _("Elija la localidad"))] + [
            (loc.schema_name, loc.name)
            for loc in tenants_api.list_localities(include_campus=False)
        ]
        self.fields["roles"].choices = _role_choices(self.for_user)
        if not self.fields["roles"].choices:
            del self.fields["roles"]


class LocalityRolesForm(_ToleratesModelKwargs):
    """The roles a person holds on this site, among those the actor may grant."""

    roles = forms.MultipleChoiceField(
        label=_("Roles en esta localidad"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(self.for_user)
        if self.instance is not None and not self.is_bound:
            held = roles_api.roles_of(self.instance.pk)
            self.initial["roles"] = [role.value for role in held]
