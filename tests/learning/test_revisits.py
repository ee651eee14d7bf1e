"""A repeat lesson view past ``LAST_VIEWED_EVERY`` is recorded by a real worker,
in the locality where it happened, while the learner's call wrote nothing.

The worker reads committed data, so the learner's rows are committed here and
removed afterwards; the people stay (the test database is made anew per run).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.celery import app
from lms.learning import api
from lms.learning.models import ActiveDay, CourseRule, Enrollment, LessonProgress
from lms.learning.progress import touch_lesson_view
from tenants import api as tenants_api

from ..workers import start_worker, stop_worker, wait_for, worker_env

TOWN = "test_bosa"


@pytest.fixture
def returning_learner(django_db_setup, django_db_blocker):
    """A learner enrolled in Bosa who opened a lesson yesterday (committed)."""
    assert connection.settings_dict["NAME"].startswith("test_")
    course = f"vuelta-{uuid.uuid4().hex[:8]}"
    yesterday = timezone.now() - timedelta(days=1)
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        person = get_user_model().objects.create_user(
            username=course, email=f"{course}@example.org", password="clave-segura-1"
        )
        with tenants_api.in_locality(TOWN):
            api.set_course_rule(
                course,
                version=1,
                title="Curso de vuelta",
                url="/",
                lessons=[
                    api.LessonRef(key=f"{course}-1", title="Uno", url="/uno/"),
                    api.LessonRef(key=f"{course}-2", title="Dos", url="/dos/"),
                ],
            )
            Enrollment.objects.create(
                user_id=person.pk,
                course_key=course,
                status=Enrollment.Status.ACTIVE,
                enrolled_at=yesterday,
                activated_at=yesterday,
            )
            LessonProgress.objects.create(
                user_id=person.pk,
                course_key=course,
                lesson_key=f"{course}-1",
                first_viewed_at=yesterday,
                last_viewed_at=yesterday,
                completed_at=yesterday,
            )
        connection.set_schema_to_public()
    yield person.pk, course, yesterday
    with django_db_blocker.unblock():
        with tenants_api.in_locality(TOWN):
            for model in (LessonProgress, Enrollment, ActiveDay):
                model.objects.filter(user_id=person.pk).delete()
            CourseRule.objects.filter(course_key=course).delete()
        for label in (
            "reporting.LearnerDay",
            "reporting.LearnerCourse",
            "reporting.PersonSummary",
        ):
            apps.get_model(label).objects.filter(user_id=person.pk).delete()
        connection.set_schema_to_public()


def test_the_task_records_nothing_for_a_lesson_or_learner_out_of_the_course(
    course, make_person
):
    """(Runs first: its ``db`` fixture also has pytest-django set up the test
    database for the worker test.)"""
    learner = make_person()
    api.record_lesson_view(learner.pk, course, "cl1")
    later = timezone.now() + timedelta(minutes=10)
    assert not touch_lesson_view(learner.pk, course, "retirada", viewed_at=later)
    assert not touch_lesson_view(learner.pk, "sin-regla", "cl1", viewed_at=later)
    Enrollment.objects.filter(user_id=learner.pk).delete()  # enrolling is the page's
    assert not touch_lesson_view(learner.pk, course, "cl1", viewed_at=later)
    row = LessonProgress.objects.get(user_id=learner.pk, lesson_key="cl1")
    assert row.last_viewed_at < later


@pytest.mark.worker
def test_a_repeat_view_is_recorded_by_the_worker_in_its_locality(
    returning_learner, django_db_blocker
):
    user_id, course, yesterday = returning_learner
    lesson = f"{course}-1"
    with django_db_blocker.unblock():
        app.control.purge()
        env = worker_env()
    log = Path(settings.DATA_DIR) / "test-celery" / "revisit-worker.log"
    worker = start_worker(env, log)
    try:
        with django_db_blocker.unblock():
            with tenants_api.in_locality(TOWN):
                # The learner's call, committed as in a request: reads only.
                with CaptureQueriesContext(connection) as seen:
                    api.record_lesson_view(user_id, course, lesson)
                verbs = {q["sql"].split()[0].upper() for q in seen.captured_queries}
                assert verbs <= {"SET", "SELECT"}, verbs

                def moved() -> bool:
                    row = LessonProgress.objects.get(user_id=user_id, lesson_key=lesson)
                    return row.last_viewed_at > yesterday

                wait_for(moved, 90, lambda: log.read_text()[-3000:])
                # Today counted active, in Bosa, by the worker.
                assert ActiveDay.objects.filter(
                    user_id=user_id, course_key=course, day=timezone.localdate()
                ).exists()
            connection.set_schema_to_public()
    finally:
        stop_worker(worker)
        app.control.purge()
