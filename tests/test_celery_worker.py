"""A task runs in the schema of whoever sent it, in a real worker process.

Eager mode would run the task in the test's own connection and hide the trap
this guards against (a plain Celery app ran locality tasks in ``public``).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from tenants import api as tenants_api
from tenants.tasks import describe_schema

from .workers import PROJECT_DIR, start_worker, stop_worker, worker_env


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real worker on the test database, with the test settings' broker."""
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    with django_db_blocker.unblock():
        env = worker_env()
    worker = start_worker(env, PROJECT_DIR / ".data" / "test-celery" / "worker.log")
    yield worker
    stop_worker(worker)
    assert worker.returncode is not None


@pytest.mark.worker
def test_task_runs_in_the_senders_schema(celery_worker_process, town_a, town_b):
    with tenants_api.in_locality(town_a):
        from_a = describe_schema.delay()
    with tenants_api.in_locality(town_b):
        from_b = describe_schema.delay()
    from_public = describe_schema.delay()

    assert from_a.get(timeout=90) == {
        "connection_schema": town_a,
        "database_schema": town_a,
    }
    assert from_b.get(timeout=30) == {
        "connection_schema": town_b,
        "database_schema": town_b,
    }
    assert from_public.get(timeout=30) == {
        "connection_schema": "public",
        "database_schema": "public",
    }
