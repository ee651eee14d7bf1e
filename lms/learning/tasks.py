"""Celery tasks of the learning records: thin callers of ``api``."""

from __future__ import annotations

from celery import shared_task

from tenants import api as tenants_api

from . import api


@shared_task(
    name="learning.forward_statements",
    autoretry_for=(api.LrsUnavailable,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=None,
)
def forward_statements_task(schema_name: str) -> int:
    """Forward one locality's backlog to the LRS; retried with backoff on failure."""
    with tenants_api.in_locality(schema_name):
        return api.forward_statements()


@shared_task(name="learning.forward_all_statements")
def forward_all_statements_task() -> int:
    """Beat: one forwarding task per locality (a slow LRS delays no one else)."""
    schemas = tenants_api.locality_schemas()
    for schema in schemas:
        forward_statements_task.delay(schema)
    return len(schemas)
