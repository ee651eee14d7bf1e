"""Signed-in learners of one Kennedy course, committed so that web nodes started
as separate processes read them (the fault and failover tests of this folder).
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from courses import api as courses_api
from tenants import api as tenants_api
from tenants.models import TaskOutbox

from ..workers import worker_env
from .web_nodes import CSRF, signed_in

TOWN = "test_kennedy"
HOST = "kennedy.test"
LEARNERS = 80


def headers() -> dict[str, str]:
    return {"Host": HOST, "X-CSRFToken": CSRF}


def enrollments(key: str, ids: list[int]) -> Counter:
    """How many enrolments each learner has in the course (stored, committed)."""
    model = apps.get_model("learning", "Enrollment")
    with tenants_api.in_locality(TOWN):
        rows = list(
            model.objects.filter(course_key=key, user_id__in=ids).values_list(
                "user_id", flat=True
            )
        )
    connection.set_schema_to_public()
    return Counter(rows)


@pytest.fixture
def learners(django_db_setup, django_db_blocker):
    """A course in Kennedy and signed-in learners (committed: nodes read them)."""
    key = f"falla-{uuid.uuid4().hex[:6]}"
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
            courses_api.create_course("Curso bajo fallas", key=key)
            courses_api.add_module(key, "Módulo", key=f"{key}-m")
            courses_api.add_lesson(f"{key}-m", "Lección", key=f"{key}-l")
        cookies = [signed_in(person, TOWN) for person in people]
        connection.set_schema_to_public()
        env = worker_env()
    yield key, people, cookies, env
    with django_db_blocker.unblock():
        ids = [p.pk for p in people]
        with tenants_api.in_locality(TOWN):
            for label in (
                "learning.Enrollment",
                "learning.XapiStatement",
                "learning.Notification",
                "learning.ActiveDay",
            ):
                apps.get_model(label).objects.filter(user_id__in=ids).delete()
            apps.get_model("courses", "CoursePage").objects.filter(key=key).delete()
        with tenants_api.in_public_schema():
            # A node killed between a commit and its after-commit send leaves
            # its tasks in the outbox (for the relay): not for the next test.
            TaskOutbox.objects.filter(schema_name=TOWN).delete()
            for label in ("reporting.LearnerCourse", "reporting.PersonSummary"):
                apps.get_model(label).objects.filter(user_id__in=ids).delete()
        connection.set_schema_to_public()
