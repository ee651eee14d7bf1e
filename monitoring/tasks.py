"""Celery tasks of the monitoring app: thin callers of ``api``."""

from __future__ import annotations

from celery import shared_task

from tenants import api as tenants_api

from . import api


@shared_task(name="monitoring.refresh_all_localities")
def refresh_all_localities_task() -> dict[str, str]:
    """Beat, nightly: one refresh task per locality (never the campus).

    Separate tasks, so a locality whose Decidim is slow delays no other.
    Returns schema → task id.
    """
    return {
        schema: refresh_locality_task.delay(schema).id
        for schema in tenants_api.locality_schemas(include_campus=False)
    }


@shared_task(name="monitoring.refresh_locality")
def refresh_locality_task(schema_name: str) -> dict[str, str]:
    """Refresh one locality's official figures; failures are recorded, not raised
    (a retry storm would not bring a service back sooner than the next night)."""
    with tenants_api.in_locality(schema_name):
        outcomes = api.refresh_official_figures()
    return {
        o.service.value: o.error or ("sin datos" if o.skipped else f"{o.updated}")
        for o in outcomes
    }


@shared_task(name="monitoring.escalate_all_localities")
def escalate_all_localities_task() -> dict[str, str]:
    """Beat, each morning: one escalation task per locality (never the campus)."""
    return {
        schema: escalate_locality_task.delay(schema).id
        for schema in tenants_api.locality_schemas(include_campus=False)
    }


@shared_task(name="monitoring.escalate_locality")
def escalate_locality_task(schema_name: str) -> list[str]:
    """Escalate the locality's unanswered reports whose legal term has passed."""
    with tenants_api.in_locality(schema_name):
        return api.escalate_overdue()
