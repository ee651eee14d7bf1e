"""Quizzes authored as lesson blocks: saved on publish, graded by the course rule,
released to localities with the course, taken in the lesson page."""

from __future__ import annotations

import copy
import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    streamfield,
)

from courses import api
from courses.models import LessonPage
from lms.learning import api as learning_api
from lms.learning.models import CourseCompletion, CourseRule, QuizAttempt
from lms.portal import demo_content
from tenants import api as tenants_api

QUIZ = {
    "key": "",
    "title": "Repaso: acceso a la información",
    "pass_percent": 60,
    "max_attempts": 2,
    "questions": [
        {
            "type": "single",
            "value": {
                "text": "¿Qué ley garantiza el acceso a la información?",
                "options": [
                    {"text": "Ley 1712 de 2014", "is_correct": True},
                    {"text": "Ley 100 de 1993", "is_correct": False},
                ],
                "feedback": "Es la Ley 1712 de 2014.",
            },
        },
        {
            "type": "multiple",
            "value": {
                "text": "¿Qué es público en un contrato?",
                "options": [
                    {"text": "El valor", "is_correct": True},
                    {"text": "Las actas", "is_correct": True},
                    {"text": "La clave bancaria", "is_correct": False},
                ],
            },
        },
        {
            "type": "true_false",
            "value": {"text": "Solo los periodistas pueden pedirla.", "answer": "no"},
        },
        {
            "type": "numeric",
            "value": {
                "text": "¿En cuántos días hábiles responde la entidad?",
                "answer": "10",
                "tolerance": "0",
                "feedback": "Diez días hábiles.",
            },
        },
    ],
}
ALL_RIGHT = {
    "pregunta-1": "0",
    "pregunta-2": ["0", "1"],
    "pregunta-3": "no",
    "pregunta-4": "10",
}


def _quiz_keys(lesson_key: str) -> list[str]:
    lesson = LessonPage.objects.get(key=lesson_key)
    return [b.value["key"] for b in lesson.body if b.block_type == "quiz"]


def _graded(course_key: str) -> list[str]:
    return CourseRule.objects.get(course_key=course_key).graded_activity_keys


@pytest.fixture
def quiz_course(in_town_a):
    """A Kennedy course graded by a minimum score: one reading, one lesson with a quiz."""
    api.create_course("Acceso a la información", key="acceso", completion_min_score=60)
    api.add_module("acceso", "La ley", key="acceso-m1")
    api.add_lesson("acceso-m1", "Lectura", key="acceso-lectura")
    api.add_lesson(
        "acceso-m1",
        "El derecho de acceso",
        key="acceso-derecho",
        body=[("text", "<p>La Ley 1712 de 2014.</p>"), ("quiz", copy.deepcopy(QUIZ))],
    )
    [key] = _quiz_keys("acceso-derecho")
    return key


def _quiz_section(html: str, key: str) -> str:
    return html.split(f'id="cuestionario-{key}"')[1].split("</section>")[0]


def _signed_in(client, schema, person):
    with tenants_api.in_locality(schema):  # sessions are kept per locality
        client.force_login(person)
    return client


def test_publishing_a_lesson_saves_its_quiz_and_the_rule_grades_it(quiz_course):
    key = quiz_course
    assert key.startswith("repaso-acceso-a-la-informacion-")
    quiz = learning_api.get_quiz(key)
    assert quiz["title"] == "Repaso: acceso a la información"
    assert quiz["max_attempts"] == 2
    assert [q["kind"] for q in quiz["questions"]] == [
        "single",
        "multiple",
        "true_false",
        "numeric",
    ]
    assert _graded("acceso") == [f"quiz:{key}"]

    # An edit published later keeps the key (the learners' results hang on it).
    lesson = LessonPage.objects.get(key="acceso-derecho")
    lesson.body[1].value["title"] = "Repaso (corregido)"
    lesson.save_revision().publish()
    api.sync_learning_rule("acceso")
    assert _quiz_keys("acceso-derecho") == [key]
    assert learning_api.get_quiz(key)["title"] == "Repaso (corregido)"
    assert _graded("acceso") == [f"quiz:{key}"]


def test_removing_the_block_drops_the_quiz_from_the_rule_and_keeps_attempts(
    quiz_course, make_person
):
    key = quiz_course
    learner = make_person()
    learning_api.submit_quiz(learner.pk, key, [0, [0, 1], False, "10"])

    lesson = LessonPage.objects.get(key="acceso-derecho")
    del lesson.body[1]
    lesson.save_revision().publish()
    api.sync_learning_rule("acceso")

    assert _graded("acceso") == []
    assert QuizAttempt.objects.filter(user_id=learner.pk, quiz__key=key).count() == 1
    assert learning_api.get_activity_state(learner.pk, f"quiz:{key}").passed


def test_a_quiz_key_used_by_another_live_lesson_is_refused(quiz_course):
    taken = copy.deepcopy(QUIZ)
    taken["key"] = quiz_course
    with pytest.raises(ValidationError) as refused:
        api.add_lesson("acceso-m1", "Copia", key="acceso-copia", body=[("quiz", taken)])
    assert "ya la usa un cuestionario de la lección «El derecho de acceso»" in str(
        refused.value
    )
    assert "Borre la clave para que se genere una nueva" in str(refused.value)


def test_an_invalid_quiz_written_by_code_is_not_published(in_town_a):
    api.create_course("Curso", key="curso-malo")
    api.add_module("curso-malo", "Módulo", key="malo-m1")
    broken = copy.deepcopy(QUIZ)
    broken["questions"][0]["value"]["options"][1]["is_correct"] = True
    with pytest.raises(api.QuizNotSaved) as refused:
        api.add_lesson("malo-m1", "Lección", key="malo-l1", body=[("quiz", broken)])
    assert "pregunta 1: Marque exactamente una opción como correcta" in str(
        refused.value
    )


def test_the_lesson_page_shows_the_form_and_a_submission_shows_feedback(
    quiz_course, town_a, client_a, make_person
):
    key = quiz_course
    url = LessonPage.objects.get(key="acceso-derecho").url

    anonymous = client_a.get(url)
    assert "Inicie sesión para responder este cuestionario" in anonymous.text
    assert "<form" not in _quiz_section(anonymous.text, key)

    learner = make_person()
    client = _signed_in(client_a, town_a, learner)
    form = _quiz_section(client.get(url).text, key)
    assert f'name="cuestionario" value="{key}"' in form
    assert form.count("<fieldset") == 4 and form.count("<legend>") == 4
    assert "Pregunta 4. ¿En cuántos días hábiles responde la entidad?" in form
    assert re.search(r'<label for="cuestionario-[^"]+-4">Su respuesta', form)
    assert 'type="checkbox" name="pregunta-2" value="2"' in form

    # One wrong answer out of four: 75 %, passed, per-question feedback.
    response = client.post(url, {"cuestionario": key, **ALL_RIGHT, "pregunta-1": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}#cuestionario-{key}"
    shown = client.get(url).text
    assert "Obtuvo 75 %." in shown and "¡Aprobó!" in shown
    assert "Le queda 1 intento." in shown
    assert "Incorrecto. Es la Ley 1712 de 2014." in shown
    assert "Correcto. Diez días hábiles." in shown
    assert 'value="1" checked' in shown  # the learner's answer stays marked
    # The outcome is shown once; the standing stays.
    again = client.get(url).text
    assert "Obtuvo 75 %" not in again and "Su mejor resultado: 75 %." in again

    with tenants_api.in_locality(town_a):
        assert QuizAttempt.objects.filter(user_id=learner.pk).count() == 1
        check = learning_api.evaluate_completion(learner.pk, "acceso")
        assert check.score_percent == 75.0
        assert check.missing == ("Completar 1 lección obligatoria.",)


def test_a_failed_attempt_says_what_was_wrong_and_the_last_one_tells_the_answers(
    quiz_course, town_a, client_a, make_person
):
    key = quiz_course
    url = LessonPage.objects.get(key="acceso-derecho").url
    client = _signed_in(client_a, town_a, make_person())
    # Questions 1 and 2 wrong: 50 %, not passed, one attempt left.
    failing = {"cuestionario": key, **ALL_RIGHT, "pregunta-1": "1", "pregunta-2": "0"}

    client.post(url, failing)
    first = _quiz_section(client.get(url).text, key)
    assert "Obtuvo 50 %." in first and "Aún no aprueba." in first
    assert "Abajo verá qué preguntas respondió mal." in first
    assert first.count('class="quiz-feedback wrong"') == 2
    assert "Es la Ley 1712 de 2014." not in first  # the explanation gives it away
    assert "Respuesta correcta" not in first
    assert "Correcto. Diez días hábiles." in first  # a right answer keeps its why

    client.post(url, failing)
    last = _quiz_section(client.get(url).text, key)
    assert "Ya usó todos sus intentos de este cuestionario." in last
    assert "Le quedan 0 intentos" not in last  # the line above says it
    assert "respuesta correcta de cada pregunta" in last
    assert "Incorrecto. Es la Ley 1712 de 2014." in last
    assert "Respuesta correcta: Ley 1712 de 2014" in last
    assert "Respuesta correcta: El valor y Las actas" in last
    assert last.count("Respuesta correcta:") == 2  # only where the answer was wrong


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"pregunta-1": "0", "pregunta-4": "10"}, "Responda las preguntas 2 y 3"),
        (
            {**ALL_RIGHT, "pregunta-4": "diez"},
            "En la pregunta 4 escriba solo un número",
        ),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_is_stored(
    quiz_course, town_a, client_a, make_person, answers, message
):
    key = quiz_course
    url = LessonPage.objects.get(key="acceso-derecho").url
    learner = make_person()
    client = _signed_in(client_a, town_a, learner)
    client.post(url, {"cuestionario": key, **answers})
    shown = client.get(url).text
    assert message in shown
    assert 'role="alert"' in shown
    assert 'value="diez"' in shown or 'name="pregunta-1" value="0" checked' in shown
    with tenants_api.in_locality(town_a):
        assert not QuizAttempt.objects.filter(user_id=learner.pk).exists()
        assert learning_api.get_activity_state(learner.pk, f"quiz:{key}") is None


def test_used_up_attempts_close_the_form_and_refuse_more(
    quiz_course, town_a, client_a, make_person
):
    key = quiz_course
    url = LessonPage.objects.get(key="acceso-derecho").url
    client = _signed_in(client_a, town_a, make_person())
    for _ in range(2):
        client.post(url, {"cuestionario": key, **ALL_RIGHT})
    client.get(url)  # the second outcome is shown and gone
    closed = client.get(url).text
    assert "Ya usó todos sus intentos de este cuestionario." in closed
    assert "Su mejor resultado fue 100 %." in closed
    assert 'name="cuestionario"' not in closed

    client.post(url, {"cuestionario": key, **ALL_RIGHT})
    assert "Ya usó sus 2 intentos de este cuestionario." in client.get(url).text
    with tenants_api.in_locality(town_a):
        assert QuizAttempt.objects.count() == 2


def test_a_release_brings_the_quiz_and_a_learner_there_completes_the_course(
    in_campus, town_a, client_a, make_person, django_capture_on_commit_callbacks
):
    api.create_course(
        "Acceso a la información", key="acceso-ciudad", completion_min_score=60
    )
    api.add_module("acceso-ciudad", "La ley", key="ac-m1")
    api.add_lesson(
        "ac-m1", "El derecho", key="ac-derecho", body=[("quiz", copy.deepcopy(QUIZ))]
    )
    [key] = _quiz_keys("ac-derecho")
    with django_capture_on_commit_callbacks(execute=False):
        release = api.release_course("acceso-ciudad", schema_names=[town_a])
    done = api.run_release(release.release_id)
    assert done.targets[0].status == "done", done.targets[0].message

    with tenants_api.in_locality(town_a):
        assert _quiz_keys("ac-derecho") == [key]  # the same key as at the campus
        assert learning_api.get_quiz(key)["title"] == QUIZ["title"]
        assert _graded("acceso-ciudad") == [f"quiz:{key}"]
        url = LessonPage.objects.get(key="ac-derecho").url

    learner = make_person()
    client = _signed_in(client_a, town_a, learner)
    assert client.get(url).status_code == 200  # read and enrolled
    client.post(url, {"cuestionario": key, **ALL_RIGHT, "pregunta-3": "si"})
    assert "Obtuvo 75 %." in client.get(url).text
    with tenants_api.in_locality(town_a):
        [completion] = CourseCompletion.objects.filter(user_id=learner.pk)
        assert completion.course_key == "acceso-ciudad"
        assert completion.rule["score_percent"] == 75.0

    # A new version that drops the quiz stops grading it there.
    with tenants_api.in_locality("campus"):
        lesson = LessonPage.objects.get(key="ac-derecho")
        lesson.body = []
        lesson.save_revision().publish()
        with django_capture_on_commit_callbacks(execute=False):
            again = api.release_course("acceso-ciudad", schema_names=[town_a])
        assert api.run_release(again.release_id).targets[0].status == "done"
    with tenants_api.in_locality(town_a):
        assert _graded("acceso-ciudad") == []
        assert QuizAttempt.objects.filter(user_id=learner.pk).count() == 1


def test_the_demo_course_has_a_graded_quiz(in_campus, monkeypatch, tmp_path):
    monkeypatch.setattr(demo_content, "H5P_FIXTURES", tmp_path)  # no H5P here
    course = next(c for c in demo_content.COURSES if c.key.startswith("gobierno"))
    demo_content._author(course)
    assert _graded(course.key) == [f"quiz:{demo_content.ACCESS_QUIZ['key']}"]
    assert learning_api.get_quiz(demo_content.ACCESS_QUIZ["key"]) is not None
    # Loading again finds the quiz in place and adds nothing.
    assert demo_content._add_missing_quizzes() == set()


def _admin_quiz_form(quiz_title: str, options: list[tuple[str, bool]]) -> dict:
    """The editor's form fields for a lesson body holding one single-choice quiz."""
    option_items = {
        str(i): {
            "value": {"text": text, **({"is_correct": "on"} if right else {})},
            "deleted": "",
            "order": str(i),
        }
        for i, (text, right) in enumerate(options)
    }
    option_items["count"] = str(len(options))
    question = {"text": "¿Qué ley?", "options": option_items, "feedback": ""}
    quiz = {
        "title": quiz_title,
        "pass_percent": "60",
        "max_attempts": "",
        "key": "",
        "questions": streamfield([("single", question)]),
    }
    return nested_form_data({"body": streamfield([("quiz", quiz)])})


def test_a_trainer_writes_a_quiz_in_the_admin_and_publishes_it(
    in_campus, client_campus, make_person
):
    api.create_course("Acceso", key="acceso-admin", completion_min_score=60)
    api.add_module("acceso-admin", "La ley", key="aa-m1")
    api.add_lesson("aa-m1", "El derecho", key="aa-derecho")
    lesson = LessonPage.objects.get(key="aa-derecho")
    trainer = make_person(is_superuser=True, is_staff=True)
    client_campus.force_login(trainer)
    edit_url = f"/admin/pages/{lesson.pk}/edit/"
    editor = client_campus.get(edit_url)
    assert editor.status_code == 200 and "Cuestionario" in editor.text
    form = querydict_from_html(editor.text, form_id="page-edit-form")
    for name in [k for k in form if k.startswith("body-")]:
        del form[name]

    refused = form.copy()
    refused.update(_admin_quiz_form("Repaso", [("Ley 1712", True)]))
    refused["action-publish"] = "action-publish"
    response = client_campus.post(edit_url, refused)
    assert response.status_code == 200  # the form again, with the message
    assert "necesita al menos dos opciones: agregue otra" in response.text
    assert _quiz_keys("aa-derecho") == []  # nothing published

    accepted = form.copy()
    accepted.update(
        _admin_quiz_form("Repaso", [("Ley 1712", True), ("Ley 100", False)])
    )
    accepted["action-publish"] = "action-publish"
    response = client_campus.post(edit_url, accepted)
    assert response.status_code == 302, response.text[:500]
    [key] = _quiz_keys("aa-derecho")
    assert key.startswith("repaso-")
    assert learning_api.get_quiz(key)["questions"][0]["choices"] == [
        "Ley 1712",
        "Ley 100",
    ]
    assert _graded("acceso-admin") == [f"quiz:{key}"]
