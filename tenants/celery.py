"""The Celery app class, tenant-aware.

tenant-schemas-celery stores the sender's schema in each message and switches the
worker's connection to it before the task runs. A plain ``Celery()`` app ran a task
sent from a locality in ``public`` (ARCHITECTURE.md, traps).
"""

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

__all__ = ["TenantAwareCeleryApp"]
