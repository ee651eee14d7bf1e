"""Quizzes authored as lesson blocks: saved on publish, graded by the course rule,
released to localities with the course, written in the admin. Taking one in the
lesson page: test_lesson_quiz_page.py."""

from __future__ import annotations

import copy

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
from lms.learning.models import CourseCompletion, QuizAttempt
from lms.portal import demo_content
from tenants import api as tenants_api

from .quizzes import ALL_RIGHT, QUIZ, graded, quiz_keys, signed_in


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
    assert graded("acceso") == [f"quiz:{key}"]

    # An edit published later keeps the key (the learners' results hang on it).
    lesson = LessonPage.objects.get(key="acceso-derecho")
    lesson.body[1].value["title"] = "Repaso (corregido)"
    lesson.save_revision().publish()
    api.sync_learning_rule("acceso")
    assert quiz_keys("acceso-derecho") == [key]
    assert learning_api.get_quiz(key)["title"] == "Repaso (corregido)"
    assert graded("acceso") == [f"quiz:{key}"]


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

    assert graded("acceso") == []
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
    [key] = quiz_keys("ac-derecho")
    with django_capture_on_commit_callbacks(execute=False):
        release = api.release_course("acceso-ciudad", schema_names=[town_a])
    done = api.run_release(release.release_id)
    assert done.targets[0].status == "done", done.targets[0].message

    with tenants_api.in_locality(town_a):
        assert quiz_keys("ac-derecho") == [key]  # the same key as at the campus
        assert learning_api.get_quiz(key)["title"] == QUIZ["title"]
        assert graded("acceso-ciudad") == [f"quiz:{key}"]
        url = LessonPage.objects.get(key="ac-derecho").url

    learner = make_person()
    client = signed_in(client_a, town_a, learner)
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
        assert graded("acceso-ciudad") == []
        assert QuizAttempt.objects.filter(user_id=learner.pk).count() == 1


def test_the_demo_course_has_a_graded_quiz(in_campus, monkeypatch, tmp_path):
    monkeypatch.setattr(demo_content, "H5P_FIXTURES", tmp_path)  # no H5P here
    course = next(c for c in demo_content.COURSES if c.key.startswith("gobierno"))
    demo_content._author(course)
    assert graded(course.key) == [f"quiz:{demo_content.ACCESS_QUIZ['key']}"]
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
    assert quiz_keys("aa-derecho") == []  # nothing published

    accepted = form.copy()
    accepted.update(
        _admin_quiz_form("Repaso", [("Ley 1712", True), ("Ley 100", False)])
    )
    accepted["action-publish"] = "action-publish"
    response = client_campus.post(edit_url, accepted)
    assert response.status_code == 302, response.text[:500]
    [key] = quiz_keys("aa-derecho")
    assert key.startswith("repaso-")
    assert learning_api.get_quiz(key)["questions"][0]["choices"] == [
        "Ley 1712",
        "Ley 100",
    ]
    assert graded("acceso-admin") == [f"quiz:{key}"]
