"""The lab activity in lessons: expected answers computed on save from a pinned
version, answers checked with messages, recorded as learning records, counted
toward completion; released with the course to a locality."""

from __future__ import annotations

import copy

import pytest

from courses import api as courses_api
from courses.models import LessonPage
from lms.learning import api as learning_api
from lms.learning.models import CourseCompletion, CourseRule, XapiStatement
from open_data_labs import api
from open_data_labs.lab_blocks import LabBlock
from open_data_labs.models import Lab
from tenants import api as tenants_api

from .conftest import upload

TURNOUT = (
    "lugar;votantes;potencial;participacion\n"
    "Kennedy;341912;635825;53,8\n"
    "Suba;386111;667031;57,9\n"
    "Bosa;185536;395687;46,9\n"
    "CARCELES;553;1165;47,5\n"
    "Total Bogota;2630898;5445315;48,3\n"
)
# The same places a year later: every number different.
TURNOUT_LATER = TURNOUT.replace("53,8", "60,1").replace("57,9", "41,0")

LOCALITIES_ONLY = "lugar NOT IN ('CARCELES', 'Total Bogota')"


def lab_value(dataset: str, version: int = 1) -> dict:
    return {
        "title": "Participación en el Senado",
        "instructions": "<p>Use el constructor guiado para responder.</p>",
        "dataset": dataset,
        "version": version,
        "pass_percent": 75,
        "questions": [
            {
                "text": "¿Qué porcentaje de participación tuvo Kennedy?",
                "check": "numero",
                "reference_sql": (
                    "SELECT participacion FROM datos WHERE lugar = 'Kennedy'"
                ),
                "tolerance": "0.1",
                "wrong": [
                    {
                        "answer": "",
                        "query": "SELECT votantes FROM datos WHERE lugar = 'Kennedy'",
                        "message": "Ese es el número de votantes, no el porcentaje.",
                    }
                ],
                "hints": ["Filtre «lugar» igual a Kennedy."],
                "feedback": "Bien: 53,8 %.",
            },
            {
                "text": "¿Qué localidad tuvo la participación más alta?",
                "check": "categoria",
                "reference_sql": (
                    f"SELECT lugar FROM datos WHERE {LOCALITIES_ONLY} "
                    "ORDER BY participacion DESC LIMIT 1"
                ),
                "wrong": [
                    {
                        "answer": "",
                        "query": (
                            "SELECT lugar FROM datos ORDER BY votantes DESC LIMIT 1"
                        ),
                        "message": "«Total Bogota» es la ciudad entera, no una localidad.",
                    }
                ],
                "hints": [],
            },
            {
                "text": "Ordene las localidades de mayor a menor participación.",
                "check": "orden",
                "reference_sql": (
                    f"SELECT lugar FROM datos WHERE {LOCALITIES_ONLY} "
                    "ORDER BY participacion DESC"
                ),
                "wrong": [],
                "hints": [],
            },
            {
                "text": "Pegue una consulta que deje solo las localidades.",
                "check": "propiedad",
                "property": "solo_localidades",
                "reference_sql": "",
                "wrong": [],
                "hints": [],
            },
        ],
    }


RIGHT = [
    "53,8",
    "suba",
    "Suba\nKennedy\nBosa",
    f"SELECT * FROM datos WHERE {LOCALITIES_ONLY}",
]


@pytest.fixture
def turnout(in_campus, data_folders):
    api.create_dataset("Participación 2018", key="participacion")
    upload("participacion", TURNOUT)
    return "participacion"


@pytest.fixture
def lab_course(turnout):
    """A campus course graded by score, with one lesson holding the lab."""
    courses_api.create_course(
        "Datos electorales", key="datos-electorales", completion_min_score=75
    )
    courses_api.add_module("datos-electorales", "Participación", key="de-m1")
    raw = api.prepare_lab_block(lab_value(turnout))
    courses_api.add_lesson("de-m1", "Laboratorio", key="de-lab", body=[("lab", raw)])
    return raw["key"]


def _lab_keys(lesson_key: str) -> list[str]:
    lesson = LessonPage.objects.get(key=lesson_key)
    return [b.value["key"] for b in lesson.body if b.block_type == "lab"]


def test_saving_computes_the_expected_answers_and_the_rule_grades_the_lab(lab_course):
    key = lab_course
    lab = api.get_lab(key)
    expected = [q["expected"] for q in lab["questions"]]
    assert expected == [
        {"value": 53.8},
        {"value": "Suba"},
        {"values": ["Suba", "Kennedy", "Bosa"]},
        {},
    ]
    # A known mistake written as a query is computed into the answer it gives.
    assert lab["questions"][0]["wrong"][0]["answer"] == "341.912"
    assert lab["questions"][1]["wrong"][0]["answer"] == "Total Bogota"
    assert lab["sha256"] == api.get_snapshot("participacion", 1).sha256
    assert lab["data_schema"] == "campus"
    assert _lab_keys("de-lab") == [key]
    assert CourseRule.objects.get(
        course_key="datos-electorales"
    ).graded_activity_keys == [f"lab:{key}"]


def test_right_answers_are_recorded_and_complete_the_course(lab_course, make_person):
    key = lab_course
    learner = make_person()
    learning_api.enroll(learner.pk, "datos-electorales")
    learning_api.record_lesson_view(learner.pk, "datos-electorales", "de-lab")

    outcome = api.submit_lab(learner.pk, key, RIGHT)

    assert (outcome.right, outcome.total, outcome.passed) == (4, 4, True)
    assert outcome.questions[0].message == "Bien: 53,8 %."
    assert [q.is_right for q in outcome.questions] == [True] * 4
    [statement] = XapiStatement.objects.filter(
        user_id=learner.pk, activity_key=f"lab:{key}"
    )
    assert statement.verb.endswith("/passed")
    assert statement.statement["result"]["score"] == {"raw": 4, "max": 4, "scaled": 1.0}
    state = learning_api.get_activity_state(learner.pk, f"lab:{key}")
    assert state.completed and state.passed and state.best_score_scaled == 1.0
    completion = CourseCompletion.objects.get(user_id=learner.pk)
    assert completion.course_key == "datos-electorales"


def test_known_wrong_answers_get_their_message(lab_course, make_person):
    learner = make_person()
    answers = ["341.912", "TOTAL BOGOTÁ", "Kennedy\nSuba\nBosa", "SELECT * FROM datos"]

    outcome = api.submit_lab(learner.pk, lab_course, answers)

    first, second, third, fourth = outcome.questions
    assert first.message == "Ese es el número de votantes, no el porcentaje."
    assert first.is_known_mistake
    assert second.message == "«Total Bogota» es la ciudad entera, no una localidad."
    assert third.message == (
        "Aún no. El orden debe tener 3 valores; revise desde el puesto 1."
    )
    assert fourth.message == (
        "Su resultado todavía tiene 2 lugares que no son localidades: «CARCELES» y "
        "«Total Bogota». Un total no es una localidad: quítelo con un filtro."
    )
    assert outcome.right == 0 and not outcome.passed
    state = learning_api.get_activity_state(learner.pk, f"lab:{lab_course}")
    assert state.completed and not state.passed and state.best_score_scaled == 0


@pytest.mark.parametrize(
    ("answer", "is_right"),
    [
        ("53,8", True),
        ("53.8", True),
        ("53,7", True),  # exactly at the tolerance (0,1)
        ("53,9", True),
        ("53,69", False),  # just past it
        ("53,91", False),
        ("53,8 %", True),
        ("cincuenta", False),
    ],
)
def test_number_tolerance_edges(lab_course, make_person, answer, is_right):
    outcome = api.submit_lab(make_person().pk, lab_course, [answer, *RIGHT[1:]])
    assert outcome.questions[0].is_right is is_right
    if answer == "cincuenta":
        assert outcome.questions[0].message == (
            "Escriba solo un número, por ejemplo 47,3 o 1.234.567."
        )


def test_a_newer_version_of_the_data_changes_no_existing_lab(lab_course, make_person):
    before = api.get_lab(lab_course)
    upload("participacion", TURNOUT_LATER)  # version 2, other numbers
    lesson = LessonPage.objects.get(key="de-lab")
    lesson.save_revision().publish()  # published again: the lab is kept again

    after = api.get_lab(lab_course)
    assert after["questions"] == before["questions"]
    assert after["version"] == 1 and after["sha256"] == before["sha256"]
    outcome = api.submit_lab(make_person().pk, lab_course, RIGHT)
    assert outcome.right == 4

    # Saving it in the editor computes again on the pinned version 1: same answers.
    block = LabBlock()
    again = block.clean(block.to_python(lesson.body.raw_data[0]["value"]))
    assert again["questions"][0]["expected"] == '{"value": 53.8}'


def test_property_answers_take_a_builder_or_sql_address(lab_course, make_person):
    builder = (
        "https://campus.test/datos/participacion/v1/laboratorio/"
        "?fc=lugar&fo=distinto&fv=CARCELES&fc=lugar&fo=distinto&fv=Total+Bogota"
    )
    sql = "/datos/participacion/v1/sql/?q=SELECT+lugar+FROM+datos"
    other = "https://campus.test/datos/participacion/v2/laboratorio/?c=lugar"
    learner = make_person()

    answers = api.submit_lab(learner.pk, lab_course, [*RIGHT[:3], builder])
    assert answers.questions[3].is_right, answers.questions[3].message
    answers = api.submit_lab(learner.pk, lab_course, [*RIGHT[:3], sql])
    assert not answers.questions[3].is_right
    answers = api.submit_lab(learner.pk, lab_course, [*RIGHT[:3], other])
    assert "no es del laboratorio de «participacion», versión 1" in (
        answers.questions[3].message
    )
    answers = api.submit_lab(learner.pk, lab_course, [*RIGHT[:3], "DROP TABLE datos"])
    assert not answers.questions[3].is_right and answers.questions[3].message


def test_blank_answers_are_refused_and_nothing_is_stored(lab_course, make_person):
    learner = make_person()
    with pytest.raises(api.LabRefused, match="Responda las preguntas 2 y 4"):
        api.submit_lab(learner.pk, lab_course, ["53,8", " ", "Suba", ""])
    assert not XapiStatement.objects.filter(user_id=learner.pk).exists()


def test_the_editor_refuses_a_reference_query_that_cannot_answer(turnout):
    block = LabBlock()
    broken = lab_value(turnout)
    broken["questions"][0]["reference_sql"] = "SELECT lugar FROM datos"
    with pytest.raises(Exception) as refused:
        block.clean(block.to_python(broken))
    assert "Pregunta 1: Para una pregunta de número" in str(refused.value.block_errors)

    missing = lab_value(turnout, version=9)
    with pytest.raises(Exception) as refused:
        block.clean(block.to_python(missing))
    assert "No existe la versión 9 del conjunto «participacion»" in str(
        refused.value.block_errors
    )


def test_set_answers_ignore_order_accents_and_case(turnout, make_person):
    value = lab_value(turnout)
    value["questions"] = [
        {
            "text": "¿Qué lugares no son localidades?",
            "check": "conjunto",
            "reference_sql": f"SELECT lugar FROM datos WHERE NOT ({LOCALITIES_ONLY})",
            "wrong": [],
            "hints": [],
        }
    ]
    raw = api.prepare_lab_block(value)
    courses_api.create_course("Conjuntos", key="conjuntos")
    courses_api.add_module("conjuntos", "M", key="conj-m1")
    courses_api.add_lesson("conj-m1", "L", key="conj-l1", body=[("lab", raw)])
    learner = make_person()

    right = api.submit_lab(learner.pk, raw["key"], ["total bogotá; Cárceles"])
    assert right.questions[0].is_right
    partly = api.submit_lab(learner.pk, raw["key"], ["CARCELES, Kennedy"])
    assert partly.questions[0].message == ("Aún no. Acertó 1 de 2 valores y sobran 1.")


def test_a_release_brings_the_lab_and_a_learner_there_answers_it(
    lab_course, town_a, client_a, make_person, django_capture_on_commit_callbacks
):
    key = lab_course
    with django_capture_on_commit_callbacks(execute=False):
        release = courses_api.release_course("datos-electorales", schema_names=[town_a])
    done = courses_api.run_release(release.release_id)
    assert done.targets[0].status == "done", done.targets[0].message

    with tenants_api.in_locality(town_a):
        # The data stays at the campus: the copy keeps the answers and where the
        # data lives, and property answers run there.
        assert api.list_datasets() == []
        lab = api.get_lab(key)
        assert lab["data_schema"] == "campus"
        learner = make_person()
        outcome = api.submit_lab(learner.pk, key, RIGHT)
        assert outcome.right == 4
        assert Lab.objects.count() == 1


def test_the_lesson_page_shows_the_lab_and_answers_come_back_with_messages(
    lab_course, campus, client_campus, make_person
):
    key = lab_course
    url = LessonPage.objects.get(key="de-lab").url
    anonymous = client_campus.get(url)
    assert "Inicie sesión para responder este laboratorio" in anonymous.text
    assert "/datos/participacion/v1/laboratorio/" in anonymous.text

    learner = make_person()
    with tenants_api.in_locality(campus):
        client_campus.force_login(learner)
    page = client_campus.get(url).text
    section = page.split(f'id="laboratorio-{key}"')[1].split("</section>")[0]
    assert section.count("<fieldset") == 4
    assert f'action="/datos/laboratorio/{key}/responder/"' in section
    assert "Pista 1" in section

    wrong = dict(zip([f"respuesta-{n}" for n in range(1, 5)], RIGHT, strict=True))
    wrong["respuesta-1"] = "341.912"
    response = client_campus.post(
        f"/datos/laboratorio/{key}/responder/", {**wrong, "volver": url}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}#laboratorio-{key}"
    shown = client_campus.get(url).text
    assert "Acertó 3 de 4." in shown and "¡Aprobó!" in shown
    assert "Ese es el número de votantes, no el porcentaje." in shown
    assert 'value="341.912"' in shown  # the answer stays in its field
    # Passed: practice stays open, but no "other attempt" is pushed.
    assert "Volver a practicar" in shown and "Enviar otro intento" not in shown
    again = client_campus.get(url).text
    assert "Ya aprobó este laboratorio." in again
    assert "Volver a practicar" in again and "Enviar respuestas" not in again

    # A return address to another site is not followed.
    response = client_campus.post(
        f"/datos/laboratorio/{key}/responder/",
        {**wrong, "volver": "https://example.com/"},
    )
    assert response["Location"] == f"/#laboratorio-{key}"


def test_anonymous_answers_go_to_sign_in(lab_course, client_campus):
    response = client_campus.post(
        f"/datos/laboratorio/{lab_course}/responder/",
        {"respuesta-1": "1", "volver": "/cursos/x/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "next=%2Fcursos%2Fx%2F" in response["Location"]
    assert not XapiStatement.objects.exists()


def test_copying_a_lab_value_keeps_nothing_shared(turnout):
    # prepare_lab_block returns a new value; the input is left as written.
    value = lab_value(turnout)
    kept = copy.deepcopy(value)
    api.prepare_lab_block(value)
    assert value == kept
