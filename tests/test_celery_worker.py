"""A task runs in the schema of whoever sent it, in a real worker process.

Eager mode would run the task in the test's own connection and hide the trap
this guards against (a plain Celery app ran locality tasks in ``public``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tenants import api as tenants_api
from tenants.tasks import describe_schema

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or ""
    auth = f"{db['USER'] or ''}:{db['PASSWORD'] or ''}"
    if host.startswith("/"):  # Unix socket (the embedded server)
        return f"postgresql://{auth}@/{db['NAME']}?host={host}"
    return f"postgresql://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real worker on the test database, with the test settings' broker."""
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    with django_db_blocker.unblock():
        env = dict(os.environ, DATABASE_URL=_database_url())
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    log = PROJECT_DIR / ".data" / "test-celery" / "worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        time.sleep(0.5)
        yield worker
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
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
