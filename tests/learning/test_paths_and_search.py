"""Learning paths on the locality home and on their own page, with the
signed-in person's progress; the home's cached catalog follows page changes;
the catalog search ignores accents."""

from __future__ import annotations

import pytest

from courses import api as courses_api
from courses.models import CoursePage, LearningPathPage
from lms.learning import api as learning_api
from tenants import api as tenants_api


@pytest.fixture
def path(course, town_a):
    """Kennedy: «control» (3 lessons) then «datos» (1 lesson), as one path."""
    with tenants_api.in_locality(town_a):
        courses_api.create_course("Datos abiertos para la participación", key="datos")
        courses_api.add_module("datos", "Módulo", key="dm1")
        courses_api.add_lesson("dm1", "Portales de datos", key="dl1")
        courses_api.create_learning_path(
            "Ruta de la veeduría", course_keys=["control", "datos"], key="veeduria"
        )
        return LearningPathPage.objects.get(key="veeduria").url


def test_the_home_links_each_path_with_the_persons_progress(
    path, town_a, client_a, make_person
):
    anonymous = client_a.get("/").text
    assert f'<a href="{path}"><h3>Ruta de la veeduría</h3></a>' in anonymous
    assert "2 cursos en orden" in anonymous
    assert "cursos aprobados" not in anonymous  # no progress without an account

    learner = make_person()
    with tenants_api.in_locality(town_a):
        learning_api.record_lesson_view(learner.pk, "datos", "dl1")  # passes datos
        learning_api.record_lesson_view(learner.pk, "control", "cl1")
    client_a.force_login(learner)
    home = client_a.get("/").text
    # (33 + 100) / 2 courses, rounded down; one of the two passed.
    assert "66 % · 1 de 2 cursos aprobados" in home
    assert "En curso · 33 %" in home and "Aprobado" in home
    assert home.index("Control social") < home.index("Datos abiertos para")


def test_the_path_page_shows_each_courses_standing(path, town_a, client_a, make_person):
    assert "Ingresar para ver su avance" in client_a.get(path).text
    learner = make_person()
    client_a.force_login(learner)
    page = client_a.get(path).text
    assert "0 % · 0 de 2 cursos aprobados" in page
    assert page.count("Sin empezar") == 2
    with tenants_api.in_locality(town_a):
        learning_api.enroll(learner.pk, "control")
    page = client_a.get(path).text
    assert "En curso · 0 %" in page and page.count("Sin empezar") == 1


def test_the_homes_cached_catalog_follows_page_changes(path, town_a, client_a):
    assert "Ruta de la veeduría" in client_a.get("/").text  # cached now
    with tenants_api.in_locality(town_a):
        courses_api.create_course("Presupuestos participativos", key="pp")
        CoursePage.objects.get(key="datos").unpublish()  # as the admin does
    home = client_a.get("/").text
    assert "Presupuestos participativos" in home
    assert "Datos abiertos para la participación" not in home
    assert "1 curso en orden" in home  # the path offers only what is offered


def test_search_finds_words_without_their_accents(in_town_a, client_a):
    courses_api.create_course(
        "Participación ciudadana en la localidad",
        key="participacion",
        summary="Cómo incidir en las decisiones públicas.",
    )
    courses_api.create_course("Huertas urbanas", key="huertas")
    for query in ("participacion", "PARTICIPACIÓN", "participación", "decision"):
        titles = [c.title for c in courses_api.search_catalog(query)]
        assert titles == ["Participación ciudadana en la localidad"], query
    page = client_a.get("/", {"q": "participacion ciudadana"}).text
    assert "Participación ciudadana en la localidad" in page
    assert "Huertas urbanas" not in page
