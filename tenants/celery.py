"""The Celery app class, tenant-aware, and the workers' database connections.

tenant-schemas-celery stores the sender's schema in each message and switches the
worker's connection to it before the task runs. A plain ``Celery()`` app ran a task
sent from a locality in ``public`` (ARCHITECTURE.md, traps).

Celery's Django fixup closes the connections around every task, so each task
opened new PostgreSQL backends (two: the schema switch reads the tenant before
the fixup closes). ``CELERY_DB_REUSE_MAX`` (settings) stops that, and a worker
treats a task as Django treats a request: before and after it, a connection
that is too old (``CONN_MAX_AGE``), left in a transaction or broken by an error
is closed, and the next one is health-checked (``CONN_HEALTH_CHECKS``).
"""

from typing import Any

from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

__all__ = ["TenantAwareCeleryApp"]


def _close_old_connections(sender: Any = None, **kwargs: Any) -> None:
    # An eager task runs inside its caller (a test, a request): not its to close.
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    close_old_connections()


# After each task the connection is closed if it must be, and otherwise marked
# for a health check at its next statement (the next task's schema switch, say).
task_prerun.connect(_close_old_connections, dispatch_uid="tenants.db_prerun")
task_postrun.connect(_close_old_connections, dispatch_uid="tenants.db_postrun")
