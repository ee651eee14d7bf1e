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


@shared_task(name="learning.send_notification_email")
def send_notification_email_task(notification_id: int) -> bool:
    """Runs in the schema of the locality that made the notice (tenant-aware app)."""
    return api.send_notification_email(notification_id)


@shared_task(name="learning.daily_notifications")
def daily_notifications_task() -> dict[str, list[int]]:
    """Beat, daily: session reminders and nudges in every locality."""
    sent = {}
    for schema in tenants_api.locality_schemas():
        with tenants_api.in_locality(schema):
            sent[schema] = list(api.send_daily_notifications())
    return sent
