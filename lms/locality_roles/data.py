"""Roles a person can hold in a locality (stdlib only)."""

from enum import StrEnum


class Role(StrEnum):
    """Each role is a Django group of that name inside the locality's schema."""

    FACILITATOR = "Facilitador"
    LOCALITY_MANAGER = "Gestor local"
    TRAINER = "Formador IDPAC"
    PROGRAM_MANAGER = "Gestor del programa"
    ADMINISTRATOR = "Administrador"
