"""Where a person lives: one of the 20 localities, however it was written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .validation import fold

__all__ = ["resolve_locality"]


def resolve_locality(raw: str) -> str:
    """Schema name of one of the 20 localities from its name, slug, code or schema.

    Raises ``ValidationError`` (translated) when none matches: the campus is not
    a place of residence.
    """
    wanted = fold(str(raw))
    for locality in tenants_api.list_localities(include_campus=False):
        names = {
            fold(locality.name),
            fold(locality.slug or ""),
            fold(locality.schema_name),
            str(locality.code or ""),
        }
        if wanted and wanted in names:
            return locality.schema_name
    raise ValidationError(
        _(
            "La localidad «%(raw)s» no existe. Escriba el nombre de una de las 20 "
            "localidades de Bogotá (por ejemplo Kennedy o Ciudad Bolívar) o su número."
        )
        % {"raw": raw}
    )
