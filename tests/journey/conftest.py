"""The journey's locality: a facilitator, a manager, two neighbours and a course
that needs one in-person session, a quiz at 60 % and an H5P activity; served
live, with Celery in process (eager). Data is committed (the server thread has
its own connections), so everything is removed at the end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from courses import api as courses_api
from h5p import api as h5p_api
from lms.celery import app as celery_app
from lms.locality_roles import api as roles_api
from lms.portal.demo_activities import ACTIVITIES as DEMO_ACTIVITIES
from lms.portal.demo_activities import spanish_package
from tenants import api as tenants_api
from tests.browser import live_server

from .setting import HOST, NEIGHBOURS, PASSWORD, SPEC, TRUE_FALSE

QUIZ = {
    "key": "viaje-repaso",
    "title": "Repaso del recorrido",
    "pass_percent": 60,
    "max_attempts": 3,
    "questions": [
        {
            "type": "single",
            "value": {
                "text": "¿Qué parte de los Fondos de Desarrollo Local decide la ciudadanía?",
                "options": [
                    {"text": "La mitad", "is_correct": True},
                    {"text": "Una décima parte", "is_correct": False},
                ],
                "feedback": "La ciudadanía decide el 50 %.",
            },
        },
    ],
}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """A locality with a facilitator, a manager and a course that needs one
    in-person session, a quiz at 60 % and an H5P activity; served live."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    with django_db_blocker.unblock():
        tenants_api.provision_locality(SPEC, domain=HOST)
        with tenants_api.in_public_schema():
            facilitator = people.create_user(
                username="facilitadora-viaje", email="facilitadora-viaje@example.org",
                password=PASSWORD, first_name="Gloria", last_name="Patiño",
            )  # fmt: skip
            manager = people.create_user(
                username="gestor-viaje", email="gestor-viaje@example.org",
                password=PASSWORD, first_name="Hernán", last_name="Ossa",
            )  # fmt: skip
            # Neighbours registered on this site, whom the facilitator adds to
            # her group by name (one per screen size: a person joins one group).
            for size, (first, last) in NEIGHBOURS.items():
                people.create_user(
                    username=f"vecina-viaje-{size}",
                    email=f"vecina-viaje-{size}@example.org",
                    password=PASSWORD, first_name=first, last_name=last,
                    registered_in=SPEC.schema_name,
                )  # fmt: skip
        with tenants_api.in_locality(SPEC.schema_name):
            roles_api.grant_role(facilitator.pk, roles_api.Role.FACILITATOR)
            roles_api.grant_role(manager.pk, roles_api.Role.LOCALITY_MANAGER)
            # The demo's Spanish true/false activity (make run's), on the
            # shared package's libraries.
            activity = h5p_api.upload_package(
                spanish_package(TRUE_FALSE, DEMO_ACTIVITIES[0]),
                name=TRUE_FALSE.name,
                may_add_libraries=True,
            )
            courses_api.create_course(
                "Presupuestos participativos en el barrio",
                key="viaje-pp",
                summary="Cómo se decide y se vigila la inversión local.",
                completion_min_score=60,
                completion_min_attendance=100,
            )
            courses_api.add_module(
                "viaje-pp", "El dinero de la localidad", key="viaje-m1"
            )
            courses_api.add_lesson(
                "viaje-m1",
                "Qué es el 50 % de los fondos",
                key="viaje-texto",
                body=[
                    ("text", "<p>La ciudadanía decide la mitad del fondo local.</p>")
                ],
            )
            courses_api.add_lesson(
                "viaje-m1",
                "Actividad: verdadero o falso",
                key="viaje-h5p",
                body=[("h5p", h5p_api.content_id(activity.key))],
            )
            courses_api.add_lesson(
                "viaje-m1", "Repaso", key="viaje-quiz", body=[("quiz", QUIZ)]
            )
        connection.set_schema_to_public()
        try:
            with live_server() as port:
                yield {
                    "url": f"http://{HOST}:{port}",
                    "facilitator": facilitator,
                    "manager": manager,
                    "blocker": django_db_blocker,
                }
        finally:
            celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = (
                eager
            )
            _clean_up(
                people,
                (
                    "facilitadora-viaje",
                    "gestor-viaje",
                    "ciudadana-viaje",
                    "vecina-viaje",
                ),
            )


def _clean_up(people, username_prefixes) -> None:
    from participation.citywide.models import CertifiedCourse
    from reporting.models import LearnerCourse, LearnerDay, PersonProfile, PersonSummary
    from tenants.models import Locality

    connection.set_schema_to_public()
    user_ids = list(
        people.filter(
            email__regex=r"^(" + "|".join(username_prefixes) + ")"
        ).values_list("pk", flat=True)
    )
    for model in (LearnerCourse, LearnerDay, PersonSummary, PersonProfile):
        model.objects.filter(user_id__in=user_ids).delete()
    CertifiedCourse.objects.filter(schema_name=SPEC.schema_name).delete()
    with tenants_api.in_locality(SPEC.schema_name):  # their rows there go too
        people.filter(pk__in=user_ids).delete()
    connection.set_schema_to_public()
    for locality in Locality.objects.filter(schema_name=SPEC.schema_name):
        locality.delete(force_drop=True)
    for root in (django_settings.MEDIA_ROOT, django_settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(Path(root) / SPEC.schema_name, ignore_errors=True)
