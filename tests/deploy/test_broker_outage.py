"""Learners complete a course while the broker is down; nothing is lost.

The web process publishes to a closed port (the broker "down"): every learner's
lesson view still succeeds, the completions are saved, and the certificate and
notice tasks wait in the outbox. With the broker back, the relay sends them and
a real worker issues exactly one certificate per learner, and the city figures
count each of them once.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, connections

from courses import api as courses_api
from deploy import local_s3
from lms.celery import app
from lms.learning import api as learning_api
from tenants import api as tenants_api
from tenants.models import TaskOutbox
from tenants.outbox import relay_pending

from ..workers import start_worker, stop_worker, wait_for, worker_env

pytestmark = pytest.mark.worker

TOWN = "test_kennedy"
LEARNERS = 6


@contextmanager
def broker_at(url: str):
    """Point this process's Celery app at ``url`` (its pools made anew)."""
    previous = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def _certified(course_key: str) -> dict[int, int]:
    model = apps.get_model("certificates", "Certificate")
    with tenants_api.in_locality(TOWN):
        rows = list(
            model.objects.filter(course_key=course_key).values_list(
                "user_id", flat=True
            )
        )
    connection.set_schema_to_public()
    return {user_id: rows.count(user_id) for user_id in set(rows)}


@pytest.fixture
def committed_learners(django_db_setup, django_db_blocker):
    key = f"apagon-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        with tenants_api.in_public_schema():
            people = [
                get_user_model().objects.create_user(
                    username=f"{key}-{n}",
                    email=f"{key}-{n}@example.org",
                    password="clave-segura-1",
                )
                for n in range(LEARNERS)
            ]
        with tenants_api.in_locality(TOWN):
            courses_api.create_course("Control social sin broker", key=key)
            courses_api.add_module(key, "Único módulo", key=f"{key}-m")
            courses_api.add_lesson(f"{key}-m", "Única lección", key=f"{key}-l")
        connection.set_schema_to_public()
    yield key, [p.pk for p in people]
    with django_db_blocker.unblock():
        ids = [p.pk for p in people]
        with tenants_api.in_locality(TOWN):
            for label in (
                "certificates.Certificate",
                "learning.Notification",
                "learning.CourseCompletion",
                "learning.ActiveDay",
                "learning.LessonProgress",
                "learning.Enrollment",
                "learning.XapiStatement",
            ):
                apps.get_model(label).objects.filter(user_id__in=ids).delete()
            apps.get_model("courses", "CoursePage").objects.filter(key=key).delete()
        with tenants_api.in_public_schema():
            TaskOutbox.objects.filter(schema_name=TOWN).delete()
            for label in (
                "reporting.LearnerCourse",
                "reporting.LearnerDay",
                "reporting.PersonSummary",
            ):
                apps.get_model(label).objects.filter(user_id__in=ids).delete()
        connection.set_schema_to_public()


def test_the_outbox_row_lives_and_dies_with_the_transaction(
    in_town_a, django_capture_on_commit_callbacks
):
    """(Runs first: it also has pytest-django set up the test database.)"""
    from django.db import transaction

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        tenants_api.send_after_commit("learning.send_notification_email", 1)
        raise Abandoned
    assert not TaskOutbox.objects.exists()

    closed = f"redis://127.0.0.1:{local_s3.free_port()}/7"
    with broker_at(closed), django_capture_on_commit_callbacks(execute=True):
        tenants_api.send_after_commit("learning.send_notification_email", 2)
    # The send failed after commit without raising; the row waits, with why.
    row = TaskOutbox.objects.get()
    assert (row.schema_name, row.args, row.attempts) == (in_town_a, [2], 1)
    assert row.last_error


@contextmanager
def as_in_autocommit():
    """Look to the outbox as an after-commit receiver does (no atomic block);
    the test's own transaction still holds, and rolls back, what it writes."""
    real = connections["default"]
    real.in_atomic_block = False
    try:
        yield
    finally:
        real.in_atomic_block = True


def test_outside_a_transaction_the_task_is_published_at_once(in_town_a, monkeypatch):
    """An after-commit receiver runs in autocommit: no row, unless the broker
    refuses the task (then the row waits for the relay, with why)."""
    published = []
    with monkeypatch.context() as patched, as_in_autocommit():
        patched.setattr("tenants.outbox._publish", published.append)
        tenants_api.send_after_commit("learning.send_notification_email", 3)
    assert [(r.schema_name, r.task_name, r.args) for r in published] == [
        (in_town_a, "learning.send_notification_email", [3])
    ]
    assert not TaskOutbox.objects.exists()

    closed = f"redis://127.0.0.1:{local_s3.free_port()}/7"
    with broker_at(closed), as_in_autocommit():
        tenants_api.send_after_commit("learning.send_notification_email", 4)
    row = TaskOutbox.objects.get()
    assert (row.schema_name, row.args, row.attempts) == (in_town_a, [4], 1)
    assert row.last_error


def test_completions_during_a_broker_outage_get_exactly_one_certificate_each(
    committed_learners, django_db_blocker, tmp_path, monkeypatch
):
    course_key, learner_ids = committed_learners
    closed = f"redis://127.0.0.1:{local_s3.free_port()}/7"  # nobody listens
    with django_db_blocker.unblock():
        with broker_at(closed):
            for user_id in learner_ids:
                with tenants_api.in_locality(TOWN):
                    # The learner's request: no exception reaches it.
                    learning_api.record_lesson_view(
                        user_id, course_key, f"{course_key}-l"
                    )
            connection.set_schema_to_public()
        completions = apps.get_model("learning", "CourseCompletion")
        with tenants_api.in_locality(TOWN):
            assert completions.objects.filter(course_key=course_key).count() == LEARNERS
        connection.set_schema_to_public()
        waiting = list(
            TaskOutbox.objects.filter(schema_name=TOWN).values_list(
                "task_name", flat=True
            )
        )
        assert waiting.count("certificates.issue_certificate") == LEARNERS
        with tenants_api.in_locality(TOWN):
            notices = (
                apps.get_model("learning", "Notification")
                .objects.filter(user_id__in=learner_ids)
                .count()
            )
        connection.set_schema_to_public()
        assert notices >= LEARNERS  # at least «¡Aprobó …!» for each
        assert waiting.count("learning.send_notification_email") == notices
        assert _certified(course_key) == {}

        # The broker is back; a worker runs; the relay (beat's job) sends.
        env = worker_env()
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        with django_db_blocker.unblock():
            monkeypatch.setattr("tenants.outbox.RELAY_GRACE", timedelta(0))
            assert relay_pending() == len(waiting)
            assert not TaskOutbox.objects.filter(schema_name=TOWN).exists()
            wait_for(
                lambda: len(_certified(course_key)) == LEARNERS,
                180,
                lambda: (
                    "faltan certificados: "
                    + (tmp_path / "worker.log").read_text()[-3000:]
                ),
            )
            # A second relay run finds nothing; redelivery changes nothing.
            assert relay_pending() == 0
    finally:
        stop_worker(worker)
    with django_db_blocker.unblock():
        assert _certified(course_key) == dict.fromkeys(learner_ids, 1)
        summaries = apps.get_model("reporting", "LearnerCourse")
        with tenants_api.in_public_schema():
            certified = summaries.objects.filter(
                user_id__in=learner_ids, certified_at__isnull=False
            ).count()
        assert certified == LEARNERS
