"""Celery beat fan-out of the learning records: every locality's work runs in that
locality's schema (never in public), and one locality's failure does not stop the
others.

The fan-out itself is what these tests are about, so they send the beat tasks to
a real worker process (eager mode runs in the test's own connection and schema
and would hide a task that forgot to enter the locality). The worker reads
committed data; each test removes what it committed. The LRS is a small HTTP
server here: only the outside world is faked, at the network boundary.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import responses
from celery.result import AsyncResult
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from lms.celery import app
from lms.learning import api
from lms.learning.models import (
    ActivityState,
    CourseRule,
    Enrollment,
    Notification,
    XapiStatement,
)
from lms.learning.tasks import (
    daily_notifications_in_locality_task,
    daily_notifications_task,
    forward_all_statements_task,
    forward_statements_task,
)
from tenants import api as tenants_api

from ..workers import start_worker, stop_worker, wait_for, worker_env
from .test_api import statement

TOWNS = ("test_kennedy", "test_bosa")


# --- A fake LRS and a real worker -----------------------------------------------------


class FakeLrs:
    """Accepts statement batches; refuses a locality's first batch when asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, list[dict]]] = []  # (status, batch)
        self.refuse_once: set[str] = set()  # actor homePages
        self.lock = threading.Lock()

    def answer(self, batch: list[dict]) -> int:
        homes = {s["actor"]["account"]["homePage"] for s in batch}
        with self.lock:
            refused = homes & self.refuse_once
            self.refuse_once -= refused
            status = 503 if refused else 200
            self.calls.append((status, batch))
        return status

    def accepted(self, home: str) -> set[str]:
        """Ids of statements accepted from one locality (``urn:lms:<schema>``)."""
        with self.lock:
            return {
                s["id"]
                for status, batch in self.calls
                if status == 200
                for s in batch
                if s["actor"]["account"]["homePage"] == home
            }


@pytest.fixture(scope="module")
def fake_lrs():
    lrs = FakeLrs()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            status = lrs.answer(json.loads(self.rfile.read(length)))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    lrs.url = f"http://127.0.0.1:{server.server_port}/xAPI/statements"
    yield lrs
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, fake_lrs):
    """A real worker on the test database and broker, talking to the fake LRS.

    Tasks that earlier tests queued (e-mails, certificates, reporting events of
    data their transactions rolled back) are purged first: run now by a worker
    that commits, they would leave rows behind for the tests that follow.
    """
    assert not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)
    app.control.purge()
    with django_db_blocker.unblock():
        env = worker_env(LEARNING_LRS_URL=fake_lrs.url, LEARNING_LRS_USERNAME="")
    log = Path(settings.DATA_DIR) / "test-celery" / "learning-worker.log"
    process = start_worker(env, log)
    process.log = log
    yield process
    stop_worker(process)
    app.control.purge()


@pytest.fixture
def committed(django_db_blocker):
    """People with records committed in Kennedy and Bosa; removed afterwards."""
    assert connection.settings_dict["NAME"].startswith("test_"), (
        "no es la base de pruebas"
    )
    made: dict[str, dict] = {}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for schema in TOWNS:
            name = f"tareas-{uuid.uuid4().hex[:8]}"
            person = get_user_model().objects.create_user(
                username=name, email=f"{name}@example.org", password="clave-segura-1"
            )
            course = f"curso-{uuid.uuid4().hex[:8]}"
            with tenants_api.in_locality(schema):
                api.set_course_rule(
                    course, version=1, title=f"Curso de {schema}", url="/", lessons=[]
                )
                stored = statement("answered")
                api.record_statements(person.pk, [stored], activity_key="h5p:tareas")
                # Enrolled 20 days ago and idle since: due for a nudge. Written
                # directly so no enrollment notice or signal runs at setup.
                Enrollment.objects.create(
                    user_id=person.pk,
                    course_key=course,
                    status=Enrollment.Status.ACTIVE,
                    enrolled_at=timezone.now() - timedelta(days=20),
                    activated_at=timezone.now() - timedelta(days=20),
                )
            made[schema] = {
                "person": person.pk,
                "course": course,
                "statement": stored["id"],
            }
        connection.set_schema_to_public()
    yield made
    with django_db_blocker.unblock():
        for schema, seeded in made.items():
            with tenants_api.in_locality(schema):
                for model in (XapiStatement, ActivityState, Enrollment, Notification):
                    model.objects.filter(user_id=seeded["person"]).delete()
                CourseRule.objects.filter(course_key=seeded["course"]).delete()
        # The people stay: deleting one must walk every schema (ADR 0002), and
        # the test database is created anew for each run.
        connection.set_schema_to_public()


def _in(schema: str, query):
    with tenants_api.in_locality(schema):
        return query()


def _log(worker) -> str:
    return worker.log.read_text()[-3000:]


# --- The beat tasks, in a real worker ---------------------------------------------------


@pytest.mark.worker
def test_forwarding_runs_in_every_locality_and_a_refused_one_is_retried_alone(
    worker, fake_lrs, committed, django_db_blocker
):
    fake_lrs.refuse_once = {"urn:lms:test_bosa"}
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        sent = forward_all_statements_task.delay()  # as beat does, from public
        per_locality = sent.get(timeout=90)
        # One task per locality schema, campus included, never public.
        assert sorted(per_locality) == tenants_api.locality_schemas()
        assert "public" not in per_locality

        kennedy = committed["test_kennedy"]["statement"]
        bosa = committed["test_bosa"]["statement"]
        wait_for(
            lambda: (
                kennedy in fake_lrs.accepted("urn:lms:test_kennedy")
                and bosa in fake_lrs.accepted("urn:lms:test_bosa")
            ),
            150,
            lambda: f"no llegaron al LRS: {fake_lrs.calls!r}\n{_log(worker)}",
        )
        # Bosa's first batch was refused before Kennedy's went through: the
        # refusal held up only Bosa, whose task retried by itself.
        statuses = [
            (status, batch[0]["actor"]["account"]["homePage"])
            for status, batch in fake_lrs.calls
        ]
        refused = statuses.index((503, "urn:lms:test_bosa"))
        assert statuses.index((200, "urn:lms:test_kennedy")) > refused
        assert AsyncResult(per_locality["test_bosa"]).get(timeout=60) >= 1
        assert not any(home == "urn:lms:public" for _, home in statuses)
        # Each statement is marked forwarded in its own schema.
        for schema in TOWNS:
            statement_id = committed[schema]["statement"]
            assert _in(
                schema,
                lambda statement_id=statement_id: (
                    XapiStatement.objects.get(statement_id=statement_id).forwarded_at
                ),
            )
        connection.set_schema_to_public()


@pytest.mark.worker
def test_daily_notifications_run_in_every_locality_and_a_failing_one_stops_no_other(
    worker, committed, django_db_blocker
):
    """Bosa's schema is broken (a table renamed) while the beat task runs: Kennedy,
    which comes after it, still gets its nudge, emailed from its own schema. Once
    Bosa is repaired, the next run makes Bosa's and nothing twice in Kennedy."""
    kennedy, bosa = committed["test_kennedy"], committed["test_bosa"]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        assert tenants_api.locality_schemas().index("test_bosa") < (
            tenants_api.locality_schemas().index("test_kennedy")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE test_bosa.learning_notification "
                "RENAME TO learning_notification_averiada"
            )
        try:
            per_locality = daily_notifications_task.delay().get(timeout=90)
            assert sorted(per_locality) == tenants_api.locality_schemas()
            broken = AsyncResult(per_locality["test_bosa"])
            with pytest.raises(Exception, match="learning_notification"):
                broken.get(timeout=60)
            assert AsyncResult(per_locality["test_kennedy"]).get(timeout=60)[1] >= 1
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE test_bosa.learning_notification_averiada "
                    "RENAME TO learning_notification"
                )

        def nudge(schema, person):
            return _in(
                schema,
                lambda: (
                    Notification.objects.filter(user_id=person, kind="nudge")
                    .values_list("body", "emailed_at")
                    .first()
                ),
            )

        body, _ = nudge("test_kennedy", kennedy["person"])
        assert "«Curso de test_kennedy»" in body
        assert nudge("test_bosa", bosa["person"]) is None
        # The email task went with Kennedy's schema and found the notice there.
        wait_for(
            lambda: nudge("test_kennedy", kennedy["person"])[1] is not None,
            60,
            lambda: f"el aviso no se envió por correo:\n{_log(worker)}",
        )

        again = daily_notifications_task.delay().get(timeout=90)
        assert AsyncResult(again["test_bosa"]).get(timeout=60)[1] >= 1
        assert AsyncResult(again["test_kennedy"]).get(timeout=60)[1] == 0  # once
        assert "«Curso de test_bosa»" in nudge("test_bosa", bosa["person"])[0]
        assert (
            _in(
                "test_kennedy",
                lambda: Notification.objects.filter(user_id=kennedy["person"]).count(),
            )
            == 1
        )
        connection.set_schema_to_public()


# --- The per-locality tasks, called plainly -------------------------------------------


def test_a_locality_task_works_in_the_schema_it_names(
    town_a, town_b, make_person, settings
):
    learner = make_person()
    for schema in (town_a, town_b):
        with tenants_api.in_locality(schema):
            api.set_course_rule(
                "tareas", version=1, title="Tareas", url="/", lessons=[]
            )
            Enrollment.objects.create(
                user_id=learner.pk,
                course_key="tareas",
                status=Enrollment.Status.ACTIVE,
                enrolled_at=timezone.now() - timedelta(days=20),
                activated_at=timezone.now() - timedelta(days=20),
            )
            api.record_statements(
                learner.pk, [statement("answered")], activity_key="h5p:x"
            )

    today = timezone.localdate().isoformat()
    assert daily_notifications_in_locality_task(town_b, today) == [0, 1]
    assert tenants_api.current_schema() == "public"  # left as it was

    with responses.RequestsMock() as lrs:
        lrs.add(responses.POST, "https://lrs.example.org/s", json=[], status=200)
        settings.LEARNING_LRS_URL = "https://lrs.example.org/s"
        assert forward_statements_task(town_a) == 1
        [call] = lrs.calls
        [sent] = json.loads(call.request.body)
        assert sent["actor"]["account"]["homePage"] == "urn:lms:test_kennedy"

    with tenants_api.in_locality(town_a):
        assert not Notification.objects.filter(user_id=learner.pk).exists()
        assert XapiStatement.objects.get(user_id=learner.pk).forwarded_at
    with tenants_api.in_locality(town_b):
        assert Notification.objects.filter(user_id=learner.pk, kind="nudge").exists()
        assert XapiStatement.objects.get(user_id=learner.pk).forwarded_at is None
