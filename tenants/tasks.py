"""Tasks of the tenancy layer."""

from celery import shared_task
from django.db import connection

from . import outbox


@shared_task(name="tenants.describe_schema")
def describe_schema() -> dict[str, str]:
    """Report which schema this task ran in, as Django and as PostgreSQL see it.

    A health check for workers: a task sent from a locality must report that
    locality in both places. ``current_schemas(false)`` is the search path the
    database is really using, so a worker that forgot to switch cannot pass.
    ``backend_pid`` names the database session: a worker keeps its connection
    from task to task (``tenants/celery.py``).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT (current_schemas(false))[1], pg_backend_pid()")
        database_schema, backend_pid = cursor.fetchone()
    return {
        "connection_schema": str(connection.schema_name),
        "database_schema": str(database_schema),
        "backend_pid": str(backend_pid),
    }


@shared_task(name="tenants.relay_outbox", ignore_result=True)
def relay_outbox() -> int:
    """Publish outbox rows the broker missed (run by beat, in the public schema)."""
    return outbox.relay_pending()
