"""Who may see which dashboard.

The city dashboard needs ``reporting.view_city_dashboard`` at the city campus; a
locality's dashboard needs ``reporting.view_locality_dashboard`` in that
locality (or the city permission at the campus). Checks run in the active
schema, where roles are groups (ADR 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .errors import DashboardAccessDenied

__all__ = [
    "access_city_dashboard_for_person",
    "access_locality_dashboard_for_person",
]


def access_city_dashboard_for_person(user: Any) -> None:
    """Raise ``DashboardAccessDenied`` unless the person may see the city's."""
    if not user.is_authenticated:
        raise DashboardAccessDenied(_("Ingrese para ver el tablero."))
    if tenants_api.current_schema() != settings.CITY_CAMPUS_SCHEMA:
        raise DashboardAccessDenied(
            _("El tablero de la ciudad está en el campus del IDPAC; ábralo allí.")
        )
    if not user.has_perm("reporting.view_city_dashboard"):
        raise DashboardAccessDenied(
            _(
                "Su cuenta no tiene permiso para ver el tablero de la ciudad; "
                "pídalo a quien administra el programa (rol Gestor del programa)."
            )
        )


def access_locality_dashboard_for_person(user: Any, schema_name: str) -> None:
    """Raise ``DashboardAccessDenied`` unless the person may see this locality's.

    From a locality's site only that locality is reachable; from the campus a
    program manager reaches any locality.
    """
    if not user.is_authenticated:
        raise DashboardAccessDenied(_("Ingrese para ver el tablero."))
    here = tenants_api.current_schema()
    if here == settings.CITY_CAMPUS_SCHEMA:
        access_city_dashboard_for_person(user)
        return
    if here != schema_name:
        raise DashboardAccessDenied(
            _("Este sitio solo muestra el tablero de su localidad.")
        )
    if not user.has_perm("reporting.view_locality_dashboard"):
        raise DashboardAccessDenied(
            _(
                "Su cuenta no tiene permiso para ver el tablero de esta localidad; "
                "pídalo a quien administra la localidad (rol Gestor local)."
            )
        )
