"""Seeding for ``bench/prod_local_load.py``: localities' course, H5P activity,
people and their sessions in ``make prod-local``'s database; and the count of
completions and certificates the load produced.

Runs in the bench's process with the production settings on a direct
connection (``deploy/topology.environment(direct=True)``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = "c" * 32  # the CSRF cookie and header carry the same value
H5P_PACKAGE = (
    ROOT.parent / "shared" / "fixtures" / "h5p" / "valid" / "H5P.TrueFalse.h5p"
)


def seed(args, run: str) -> dict:
    """Course, H5P activity, people and sessions; returns the Locust plan."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.urls import reverse

    from courses import api as courses_api
    from courses.models import CoursePage, LessonPage
    from h5p import api as h5p_api
    from tenants import api as tenants_api

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = next(
        b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes.")
    )
    towns = tenants_api.locality_schemas(include_campus=False)[: args.localities]
    user_model = get_user_model()
    with tenants_api.in_public_schema():
        user_model.objects.bulk_create(
            user_model(username=f"{run}-{n}", email=f"{run}-{n}@example.org")
            for n in range(args.learners)
        )
        people = list(
            user_model.objects.filter(username__startswith=f"{run}-").order_by("pk")
        )
    learners = []
    for index, schema in enumerate(towns):
        host = tenants_api.get_locality(schema).domain
        with tenants_api.in_locality(schema):
            courses_api.create_course("Control social en campaña", key=run)
            courses_api.add_module(run, "Módulo", key=f"{run}-m")
            for k in range(3):
                courses_api.add_lesson(
                    f"{run}-m", f"Lección {k + 1}", key=f"{run}-l{k}"
                )
            course = CoursePage.objects.get(key=run).url
            lessons = [LessonPage.objects.get(key=f"{run}-l{k}").url for k in range(3)]
            h5p = None
            if H5P_PACKAGE.exists():
                h5p = h5p_api.upload_package(
                    H5P_PACKAGE.read_bytes(),
                    name=H5P_PACKAGE.name,
                    may_add_libraries=True,
                    key=run,
                ).key
            for person in people[index :: len(towns)]:
                session = store()
                session["_auth_user_id"] = str(person.pk)
                session["_auth_user_backend"] = backend
                session["_auth_user_hash"] = person.get_session_auth_hash()
                session.create()
                learners.append(
                    {
                        "host": host,
                        "schema": schema,
                        "user_id": person.pk,
                        "cookie": session.session_key,
                        "course": course,
                        "lessons": lessons,
                        "h5p": h5p,
                    }
                )
        connection.set_schema_to_public()
    return {
        "scenario": args.scenario,
        "csrf": CSRF,
        "signed_in_marker": f'action="{reverse("logout")}"',
        "learners": learners,
        "towns": towns,
    }


def issued(course_key: str, towns: list[str]) -> tuple[int, int]:
    """(courses completed, certificates issued) for the bench's course."""
    from django.apps import apps
    from django.db import connection

    from tenants import api as tenants_api

    completions = certificates = 0
    for schema in towns:
        with tenants_api.in_locality(schema):
            completions += (
                apps.get_model("learning", "CourseCompletion")
                .objects.filter(course_key=course_key)
                .count()
            )
            certificates += (
                apps.get_model("certificates", "Certificate")
                .objects.filter(course_key=course_key)
                .count()
            )
    connection.set_schema_to_public()
    return completions, certificates


def warm_lessons(plan: dict, run: str) -> None:
    """``lecciones``: each learner read the first two lessons a moment ago, so the
    load measures the read path of a course in progress (nothing completes)."""
    from django.db import connection

    from lms.learning import api as learning_api
    from tenants import api as tenants_api

    for learner in plan["learners"]:
        with tenants_api.in_locality(learner["schema"]):
            for k in range(2):
                learning_api.record_lesson_view(learner["user_id"], run, f"{run}-l{k}")
        learner["lessons"] = learner["lessons"][:2]
    connection.set_schema_to_public()
