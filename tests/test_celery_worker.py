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

    answers = [from_a.get(timeout=90), from_b.get(timeout=30)]
    answers.append(from_public.get(timeout=30))

    assert [(a["connection_schema"], a["database_schema"]) for a in answers] == [
        (town_a, town_a),
        (town_b, town_b),
        ("public", "public"),
    ]
    # One worker process (solo pool): its connection served the three tasks,
    # switched between schemas, instead of a new backend for each.
    assert len({answer["backend_pid"] for answer in answers}) == 1


@pytest.mark.worker
def test_a_worker_reconnects_after_its_database_session_was_cut(
    celery_worker_process, town_a, django_db_blocker
):
    from django.db import connection

    with tenants_api.in_locality(town_a):
        before = describe_schema.delay().get(timeout=90)
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(%s)", [int(before["backend_pid"])]
            )
            assert cursor.fetchone()[0] is True
        # The kept connection is checked before its next statement
        # (CONN_HEALTH_CHECKS): the task reconnects instead of failing.
        after = describe_schema.delay().get(timeout=30)

    assert after["backend_pid"] != before["backend_pid"]
    assert after["database_schema"] == after["connection_schema"] == town_a
