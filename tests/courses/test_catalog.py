"""The learner's catalog: search, filters, syllabus, lesson navigation."""

from __future__ import annotations

import re

from courses import api


def _courses():
    api.create_course(
        "Presupuestos participativos",
        key="pp",
        theme="presupuestos",
        estimated_hours=3,
        modality="mixta",
        summary="Decidir el 50 % del fondo",
    )
    api.create_course(
        "Datos abiertos para la participación",
        key="datos",
        theme="datos_abiertos",
        estimated_hours=10,
        summary="Leer bases de datos públicas",
    )
    api.create_course(
        "Control social y veeduría",
        key="veeduria",
        theme="gobierno_abierto",
        estimated_hours=20,
        modality="presencial",
    )


def test_filters_and_search(in_town_a):
    _courses()
    assert [c.key for c in api.list_catalog()] == ["pp", "datos", "veeduria"]
    assert [c.key for c in api.list_catalog(theme="datos_abiertos")] == ["datos"]
    assert [c.key for c in api.list_catalog(modality="presencial")] == ["veeduria"]
    assert [c.key for c in api.list_catalog(max_hours=12)] == ["pp", "datos"]
    assert [c.key for c in api.list_catalog(query="bases de datos")] == ["datos"]
    assert api.list_catalog(query="astronomía") == []


def test_catalog_page_filters_and_explains_empty_results(in_town_a, client_a):
    _courses()
    page = client_a.get("/", {"duracion": "corto"})
    assert "Presupuestos participativos" in page.text
    assert "Control social y veeduría" not in page.text
    nothing = client_a.get("/", {"q": "astronomía"})
    assert "Ningún curso coincide con esa búsqueda" in nothing.text
    odd = client_a.get("/", {"tema": "no-existe", "duracion": "9999"})
    assert odd.status_code == 200  # unknown filter values are ignored, not errors


def test_each_catalog_filter_has_its_own_label_bound_to_it(in_town_a, client_a):
    """A label names the field it sits by (``for`` = the field's ``id``): a
    screen reader says it, and a tap on it focuses that field."""
    _courses()
    page = client_a.get("/").text
    form = re.search(r'<form[^>]*class="filters".*?</form>', page, re.S)
    assert form, "the home page has no catalog filters"
    labels = dict(re.findall(r'<label for="([^"]+)">([^<]+)</label>', form.group(0)))
    fields = re.findall(r"<(?:input|select)\b[^>]*\bid=\"([^\"]+)\"", form.group(0))

    assert labels == {
        "q": "Buscar",
        "tema": "Tema",
        "modalidad": "Modalidad",
        "duracion": "Duración",
    }
    # Every field has a label and every label a field; an id is used once.
    assert sorted(fields) == sorted(labels)
    for field_id in fields:
        assert page.count(f'id="{field_id}"') == 1, field_id
    # The field a label names follows it: nothing else sits between them.
    for field_id in labels:
        after = page.split(f'<label for="{field_id}">', 1)[1]
        assert re.match(
            rf"[^<]*</label>\s*<(?:input|select) id=\"{field_id}\"", after
        ), field_id


def test_lesson_navigation_walks_the_whole_course(in_town_a):
    api.create_course("Gobierno abierto", key="ga")
    m1 = api.add_module("ga", "Módulo 1", key="ga-m1")
    m2 = api.add_module("ga", "Módulo 2", key="ga-m2")
    api.add_lesson(m1, "Uno", key="ga-1")
    api.add_lesson(m1, "Dos", key="ga-2", is_required=False)
    api.add_lesson(m2, "Tres", key="ga-3")
    first = api.get_lesson_navigation("ga-1")
    assert (first.position, first.total, first.previous) == (1, 3, None)
    assert first.next.key == "ga-2"
    middle = api.get_lesson_navigation("ga-2")
    assert (middle.previous.key, middle.next.key) == ("ga-1", "ga-3")
    assert middle.module_title == "Módulo 1"
    last = api.get_lesson_navigation("ga-3")
    assert (last.position, last.next) == (3, None)


def test_course_page_shows_syllabus_and_start_button(in_town_a, client_a):
    api.create_course("Gobierno abierto", key="ga", completion_min_score=70)
    m1 = api.add_module("ga", "Qué es", key="ga-m1")
    api.add_lesson(m1, "Transparencia", key="ga-1")
    page = client_a.get("/gobierno-abierto/")
    assert page.status_code == 200
    assert "Transparencia" in page.text
    assert "Empezar el curso" in page.text
    assert "Obtener al menos 70 %" in page.text


def test_an_offered_course_is_read_by_key_and_only_if_offered(
    in_town_a, django_assert_max_num_queries
):
    from courses.models import CoursePage

    _courses()
    api.get_offered_course_facts("pp")  # warm up
    with django_assert_max_num_queries(2):  # view restrictions, then the course
        assert api.get_offered_course_facts("veeduria") == (
            "Control social y veeduría",
            20.0,
        )
    CoursePage.objects.get(key="datos").unpublish()
    CoursePage.objects.filter(key="pp").update(is_hidden_locally=True)

    assert api.get_offered_course_facts("datos") is None
    assert api.get_offered_course_facts("pp") is None
    assert api.get_offered_course_facts("no-existe") is None
