"""A worker SIGKILLed while forwarding statements to the LRS: nothing lost, once each.

A local HTTP server stands in for the LRS (the HTTP boundary). It holds the
first batch it receives without answering; the worker that sent it is killed
(``SIGKILL``) while it waits, with the batch's rows locked and not yet marked
forwarded. Its database transaction dies with it, Redis hands the unacknowledged
task to a second worker after the visibility timeout, and that worker sends
every statement. The LRS, like a real one, stores an id once; the test counts
what it received, what it stored and what it would have stored twice.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from deploy import local_s3
from lms.celery import app
from lms.learning.models import XapiStatement
from lms.learning.tasks import forward_statements_task
from tenants import api as tenants_api

from ..certificates.test_worker_kill import _redis_url, _unacknowledged_task_ids
from ..workers import start_worker, wait_for, worker_env

pytestmark = pytest.mark.worker

TOWN = "test_kennedy"
STATEMENTS = 150  # two batches: 100 and 50


class FakeLrs:
    """Holds the first batch unanswered; stores every id once, counting repeats."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.stored: set[str] = set()
        self.stored_twice = 0
        self.accepted_batches = 0
        self.first_batch_arrived = threading.Event()
        self.release_first = threading.Event()
        self._lock = threading.Lock()
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ids = [s["id"] for s in body]
                with lrs._lock:
                    lrs.received.extend(ids)
                    hold = not lrs.first_batch_arrived.is_set()
                    lrs.first_batch_arrived.set()
                if hold:  # the sender dies while waiting for this answer
                    lrs.release_first.wait(120)
                    return
                with lrs._lock:
                    lrs.stored_twice += sum(1 for i in ids if i in lrs.stored)
                    lrs.stored.update(ids)
                    lrs.accepted_batches += 1
                answer = json.dumps(ids).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", local_s3.free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/xAPI/statements"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release_first.set()
        self.server.shutdown()


@pytest.fixture
def committed_statements(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        with tenants_api.in_public_schema():
            name = f"lrs-{uuid.uuid4().hex[:8]}"
            person = get_user_model().objects.create_user(
                username=name, email=f"{name}@example.org", password="clave-segura-1"
            )
        with tenants_api.in_locality(TOWN):
            XapiStatement.objects.filter(forwarded_at__isnull=True).update(
                forwarded_at=person.date_joined
            )  # only this test's statements wait
            ids = [uuid.uuid4() for _ in range(STATEMENTS)]
            XapiStatement.objects.bulk_create(
                XapiStatement(
                    statement_id=sid,
                    user_id=person.pk,
                    activity_key="h5p:lrs-prueba",
                    verb="http://adlnet.gov/expapi/verbs/answered",
                    statement={
                        "id": str(sid),
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                        "object": {"id": "http://kennedy.test/h5p/lrs-prueba/"},
                    },
                )
                for sid in ids
            )
        connection.set_schema_to_public()
    yield {str(i) for i in ids}
    with django_db_blocker.unblock():
        with tenants_api.in_locality(TOWN):
            XapiStatement.objects.filter(user_id=person.pk).delete()
        connection.set_schema_to_public()


def _forwarded(ids: set[str]) -> int:
    with tenants_api.in_locality(TOWN):
        count = XapiStatement.objects.filter(
            statement_id__in=ids, forwarded_at__isnull=False
        ).count()
    connection.set_schema_to_public()
    return count


def test_a_worker_killed_mid_forwarding_loses_nothing_and_sends_each_once(
    committed_statements, django_db_blocker, tmp_path
):
    ids = committed_statements
    broker = _redis_url()
    lrs = FakeLrs()
    queue = f"lrs-kill-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        env = worker_env(
            CELERY_BROKER_URL=broker,
            CELERY_VISIBILITY_TIMEOUT="3",
            LEARNING_LRS_URL=lrs.url,
        )
    args = ("-Q", queue)
    first = start_worker(
        env, tmp_path / "worker1.log", args=(*args, "-n", f"{queue}-1@localhost")
    )
    try:
        with app.connection_for_write(broker) as conn:
            sent = forward_statements_task.apply_async(
                (TOWN,), queue=queue, connection=conn
            )
        assert lrs.first_batch_arrived.wait(90), (tmp_path / "worker1.log").read_text()
        assert sent.id in _unacknowledged_task_ids(broker)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        lrs.release_first.set()
        with django_db_blocker.unblock():
            # The killed worker's transaction died with it: nothing marked.
            wait_for(lambda: _forwarded(ids) == 0, 30, "quedaron filas marcadas")

        second = start_worker(
            env, tmp_path / "worker2.log", args=(*args, "-n", f"{queue}-2@localhost")
        )
        try:
            with django_db_blocker.unblock():
                wait_for(
                    lambda: _forwarded(ids) == STATEMENTS,
                    120,
                    lambda: (tmp_path / "worker2.log").read_text()[-3000:],
                )
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        lrs.close()

    assert first.returncode == -signal.SIGKILL
    # The second worker ran the message the first one died holding.
    assert f"[{sent.id}] received" in (tmp_path / "worker2.log").read_text()
    # Counts: 100 sent to the dying worker's unanswered request, then all 150
    # once more; stored exactly once each, nothing lost, nothing twice.
    assert len(lrs.received) == 100 + STATEMENTS
    assert lrs.stored == ids
    assert lrs.stored_twice == 0
    assert lrs.accepted_batches == 2
