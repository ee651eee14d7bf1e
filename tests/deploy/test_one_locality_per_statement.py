"""No statement names two locality schemas (the Citus schema-sharding constraint).

The plugin ``tests/locality_statements.py`` watches every statement of the
suite. Here it is shown to catch what it must (a join of two localities, a
statement that names another locality than its own search path, a search path
with two localities) and not what it must not (one locality, public tables,
schema names passed as values); then a representative set of locality
requests, learner and staff, in two localities and the campus, runs under it
and is checked to have sent many statements in each, none naming two.
"""

from __future__ import annotations

import pytest
from django.db import connection

from courses import api as courses_api
from courses.models import CoursePage, LessonPage
from lms.locality_roles.api import Role, grant_role
from tenants import api as tenants_api

from ..conftest import CAMPUS, TOWN_A, TOWN_B

KENNEDY, BOSA = TOWN_A.schema_name, TOWN_B.schema_name


def test_the_recorder_sees_a_statement_naming_two_localities(
    statement_recorder, town_a, town_b
):
    statement_recorder.learn(KENNEDY)
    statement_recorder.learn(BOSA)
    with statement_recorder.crossing_expected() as seen, connection.cursor() as cur:
        cur.execute(
            f'SELECT count(*) FROM "{KENNEDY}".learning_enrollment a '
            f"JOIN {BOSA}.learning_enrollment b ON a.user_id = b.user_id"
        )
        # django-tenants sets a cursor's search path when the cursor is made.
        with tenants_api.in_locality(BOSA), connection.cursor() as in_bosa:
            # In Bosa, naming Kennedy's table: touches both as far as the text says.
            in_bosa.execute(f'SELECT count(*) FROM "{KENNEDY}".learning_enrollment')
        connection.set_schema_to_public()
        with connection.cursor() as in_public:
            in_public.execute(f'SET search_path = "{KENNEDY}", "{BOSA}", public')
            in_public.execute("SET search_path = public")
    assert [c.schemas for c in seen] == [(BOSA, KENNEDY)] * 3
    assert seen[1].active == BOSA

    with statement_recorder.crossing_expected() as seen, connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{KENNEDY}".learning_enrollment')
        cur.execute(
            "SELECT count(*) FROM tenants_taskoutbox WHERE schema_name IN (%s, %s)",
            [KENNEDY, BOSA],
        )
        with tenants_api.in_locality(KENNEDY), connection.cursor() as in_kennedy:
            in_kennedy.execute(f'SELECT count(*) FROM "{KENNEDY}".learning_enrollment')
            in_kennedy.execute("SELECT count(*) FROM learning_enrollment")
        connection.set_schema_to_public()
    assert seen == []
    assert statement_recorder.named(f"SELECT 1 FROM {KENNEDY}x.t, x{BOSA}.t") == set()


def _staff(make_person, schema: str, role: Role):
    person = make_person()
    with tenants_api.in_locality(schema):
        grant_role(person.pk, role)
    return person


@pytest.fixture
def course_in_each_town(town_a, town_b):
    lessons = {}
    for schema in (KENNEDY, BOSA):
        with tenants_api.in_locality(schema):
            courses_api.create_course("Control social", key="control-social")
            courses_api.add_module("control-social", "Módulo", key="cs-m")
            courses_api.add_lesson("cs-m", "Lección", key="cs-l")
            lessons[schema] = (
                CoursePage.objects.get(key="control-social").url,
                LessonPage.objects.get(key="cs-l").url,
            )
        connection.set_schema_to_public()
    return lessons


LEARNER_PAGES = (
    "/",
    "/aprendizaje/",
    "/api/aprendizaje/mis-cursos",
    "/certificados/mis-certificados/",
    "/participacion/",
    "/api/participacion/roles",
    "/seguimiento/",
    "/seguimiento/datos/proyectos.json",
    "/datos/",
)


def test_locality_requests_name_one_locality_per_statement(
    statement_recorder,
    course_in_each_town,
    make_person,
    client_a,
    client_b,
    client_campus,
    django_capture_on_commit_callbacks,
):
    crossings_before = len(statement_recorder.crossings)
    learner = make_person()
    counted = {}
    for client, schema in ((client_a, KENNEDY), (client_b, BOSA)):
        before = statement_recorder.in_localities
        with tenants_api.in_locality(schema):
            client.force_login(learner)
        connection.set_schema_to_public()
        # The lesson view enrols, records progress, completes the course and
        # queues its certificate (the on-commit hooks run here too).
        course_url, lesson_url = course_in_each_town[schema]
        assert client.get(course_url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(lesson_url).status_code == 200
        for path in LEARNER_PAGES:
            assert client.get(path).status_code == 200, path
        manager = _staff(make_person, schema, Role.LOCALITY_MANAGER)
        with tenants_api.in_locality(schema):
            client.force_login(manager)
        connection.set_schema_to_public()
        assert client.get("/tablero/").status_code == 200
        assert client.get("/admin/").status_code == 200
        counted[schema] = statement_recorder.in_localities - before

    program_manager = _staff(make_person, CAMPUS.schema_name, Role.PROGRAM_MANAGER)
    with tenants_api.in_locality(CAMPUS.schema_name):
        client_campus.force_login(program_manager)
    connection.set_schema_to_public()
    before = statement_recorder.in_localities
    # The city dashboard reads every locality's figures (public tables).
    assert client_campus.get("/tablero/").status_code == 200
    counted[CAMPUS.schema_name] = statement_recorder.in_localities - before

    print(  # noqa: T201 (what the check covered: pytest -s)
        f"\nsentencias en cada localidad: {counted}; en la sesión hasta aquí: "
        f"{statement_recorder.statements}, localidades conocidas: "
        f"{sorted(statement_recorder.localities)}"
    )
    assert {KENNEDY, BOSA, CAMPUS.schema_name} <= statement_recorder.localities
    assert all(n >= 50 for n in (counted[KENNEDY], counted[BOSA])), counted
    assert counted[CAMPUS.schema_name] >= 1
    assert len(statement_recorder.crossings) == crossings_before
