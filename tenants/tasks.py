"""Background jobs of the tenancy layer."""

from celery import shared_task

from . import outbox


@shared_task(name="tenants.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Publish outbox rows the broker missed (run by beat, in the public schema)."""
    return outbox.relay_pending()
