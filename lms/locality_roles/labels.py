"""How each role is named on screen, in the active language.

``data.Role`` values are the names of the roles' groups in every schema: they are
stored, so they never change with the language. People see these labels instead.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .data import Role

__all__ = ["role_label"]

_ROLE_LABELS = {
    Role.FACILITATOR: _("Facilitador"),
    Role.LOCALITY_MANAGER: _("Gestor local"),
    Role.TRAINER: _("Formador IDPAC"),
    Role.PROGRAM_MANAGER: _("Gestor del programa"),
    Role.ADMINISTRATOR: _("Administrador local"),
}


def role_label(role_or_group_name: str) -> str:
    """The role's name in the active language; another group's name as it is."""
    try:
        return str(_ROLE_LABELS[Role(role_or_group_name)])
    except ValueError:
        return role_or_group_name
