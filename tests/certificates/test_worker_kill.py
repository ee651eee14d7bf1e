"""Exactly one certificate after a worker is killed (SIGKILL) in the middle of issuing.

A real worker takes the task from Redis (the only broker here that redelivers a
dead worker's unacknowledged message), inserts the certificate and, paused at the
PDF step, is killed. The transaction dies with it; Redis hands the task to a
second worker after the visibility timeout, which issues the certificate. The
same task sent again changes nothing.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.db import connection

from certificates import api
from certificates.tasks import issue_certificate_task
from courses import api as courses_api
from lms.celery import app
from tenants import api as tenants_api

from ..workers import start_worker, wait_for, worker_env

pytestmark = pytest.mark.worker


def _redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        url = "redis://127.0.0.1:6379/13"
    host_port = url.split("//", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port or 6379)), timeout=2).close()
    except OSError:
        pytest.skip(f"Redis no responde en {host_port}: la prueba necesita Redis.")
    return url


def _unacknowledged_task_ids(broker: str) -> set[str]:
    """Ids of the tasks whose messages a worker took but has not acknowledged
    (kombu's Redis transport keeps them in its ``unacked`` hash)."""
    held = redis.Redis.from_url(broker).hvals("unacked")
    return {json.loads(raw)[0]["headers"]["id"] for raw in held}


def _start_worker(env: dict, queue: str, log: Path) -> subprocess.Popen:
    return start_worker(
        env,
        log,
        module=("tests.certificates.slow_worker",),
        args=("-Q", queue, "-n", f"{queue}-{time.monotonic_ns()}@localhost"),
    )


@pytest.fixture
def committed_course(django_db_setup, django_db_blocker):
    """A person and a course committed in Kennedy (a worker reads them)."""
    with django_db_blocker.unblock():
        # Committed writes: never on anything but the test database.
        assert connection.settings_dict["NAME"].startswith("test_"), (
            "no es la base de pruebas"
        )
        with tenants_api.in_public_schema():
            name = f"kill-{uuid.uuid4().hex[:8]}"
            person = get_user_model().objects.create_user(
                username=name, email=f"{name}@example.org", password="clave-segura-1"
            )
            person.first_name, person.last_name = "Jorge", "Ruiz"
            person.save()
        with tenants_api.in_locality("test_kennedy"):
            course = courses_api.create_course(
                "Control social", key=f"control-social-{uuid.uuid4().hex[:6]}"
            )
        yield person, course
        with tenants_api.in_locality("test_kennedy"):
            from certificates.models import Certificate
            from courses.models import CoursePage

            Certificate.objects.filter(user_id=person.pk).delete()
            CoursePage.objects.filter(key=course.key).delete()
        # The certificate_issued event reached the city-wide table too.
        with tenants_api.in_public_schema():
            from reporting.models import LearnerCourse, PersonSummary

            LearnerCourse.objects.filter(user_id=person.pk).delete()
            PersonSummary.objects.filter(user_id=person.pk).delete()
        # The person stays: deleting one must walk every schema (ADR 0002), and
        # the test database is created anew for each run.
        connection.set_schema_to_public()


def _count(person_id: int, course_key: str) -> int:
    with tenants_api.in_locality("test_kennedy"):
        from certificates.models import Certificate

        return Certificate.objects.filter(
            user_id=person_id, course_key=course_key
        ).count()


def test_a_redelivered_issuing_task_issues_nothing_new(in_town_a, make_person):
    """What a redelivery does once the first run committed: the same code, one
    certificate. (Its ``db`` fixture also makes pytest-django set up the test
    database when this module runs alone.)"""
    person = make_person()
    course = courses_api.create_course("Control social", key="control-redelivery")
    args = (person.pk, course.key, course.version, datetime.now(UTC).isoformat())
    first = issue_certificate_task.apply(args).get()
    again = issue_certificate_task.apply(args).get()
    assert again == first
    assert _count(person.pk, course.key) == 1


def test_killed_worker_leaves_exactly_one_certificate(
    committed_course, django_db_blocker, tmp_path
):
    broker = _redis_url()
    person, course = committed_course
    queue = f"certs-kill-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "rendering"
    with django_db_blocker.unblock():
        env = worker_env(
            CELERY_BROKER_URL=broker,
            CELERY_VISIBILITY_TIMEOUT="3",
            CERTS_MARKER=str(marker),
            CERTS_PAUSE="120",
        )
    args = (person.pk, course.key, course.version, datetime.now(UTC).isoformat())

    first = _start_worker(env, queue, tmp_path / "worker1.log")
    try:
        with django_db_blocker.unblock(), app.connection_for_write(broker) as conn:
            with tenants_api.in_locality("test_kennedy"):
                sent = issue_certificate_task.apply_async(
                    args, queue=queue, connection=conn
                )
            connection.set_schema_to_public()
        wait_for(marker.exists, 90, "el worker nunca llegó al paso del PDF")
        with django_db_blocker.unblock():
            assert _count(person.pk, course.key) == 0  # inserted, not committed
        # Acknowledged late: while the task runs, Redis still holds its message
        # as unacknowledged, so the broker can hand it to another worker.
        assert sent.id in _unacknowledged_task_ids(broker)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL

    env["CERTS_PAUSE"] = "0"
    second = _start_worker(env, queue, tmp_path / "worker2.log")
    try:
        with django_db_blocker.unblock():
            wait_for(
                lambda: _count(person.pk, course.key) == 1,
                120,
                "el certificado no se emitió tras la reentrega: "
                + (tmp_path / "worker2.log").read_text()[-2000:],
            )
            # The completion arriving again changes nothing.
            with app.connection_for_write(broker) as conn:
                with tenants_api.in_locality("test_kennedy"):
                    again = issue_certificate_task.apply_async(
                        args, queue=queue, connection=conn
                    )
                connection.set_schema_to_public()
            code = again.get(timeout=60)
            assert _count(person.pk, course.key) == 1
            with tenants_api.in_locality("test_kennedy"):
                assert api.verify_code(code).is_valid
            connection.set_schema_to_public()
    finally:
        second.terminate()
        second.wait(timeout=30)
    # The second worker ran the very message the first one died holding.
    assert f"[{sent.id}] received" in (tmp_path / "worker2.log").read_text()
