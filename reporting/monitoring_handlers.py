"""Receivers of citizen monitoring's events (connected from ``ReportingConfig``).

Each runs after commit in the schema of the locality where the change
happened, reads that locality's figures through ``sources`` and copies them
into the public tables. A failed write is logged and left for the nightly
recount: the facilitator's or veedor's action already committed.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError

from tenants import api as tenants_api

from . import sources
from .monitoring_panels import record_barrio_coverage, record_monitoring_funnel

logger = logging.getLogger(__name__)


def on_workshops_changed(sender: object, **kwargs: object) -> None:
    """Copy this locality's barrios reached (two indexed counts)."""
    try:
        record_barrio_coverage(tenants_api.current_schema(), sources.barrio_coverage())
    except DatabaseError:
        logger.exception(
            "Reporte: no se copiaron los barrios de los talleres; el recuento lo hará."
        )


def on_monitoring_funnel_changed(sender: object, **kwargs: object) -> None:
    """Copy this locality's monitoring funnel (four queries)."""
    try:
        record_monitoring_funnel(
            tenants_api.current_schema(), sources.monitoring_funnel()
        )
    except DatabaseError:
        logger.exception(
            "Reporte: no se copió el embudo del seguimiento; el recuento lo hará."
        )


def connect() -> None:
    from monitoring import api as monitoring_api

    monitoring_api.workshops_changed.connect(
        on_workshops_changed, dispatch_uid="reporting.workshops_changed"
    )
    monitoring_api.funnel_changed.connect(
        on_monitoring_funnel_changed, dispatch_uid="reporting.monitoring_funnel"
    )
