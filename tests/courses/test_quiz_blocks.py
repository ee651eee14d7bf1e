"""The quiz block of a lesson body: what a trainer is told when a quiz is not right,
and the stable key."""

from __future__ import annotations

import copy

import pytest
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from courses.models import LessonPage
from courses.quiz_blocks import QuizBlock

BODY = LessonPage._meta.get_field("body").stream_block
QUIZ = BODY.child_blocks["quiz"]

VALID = {
    "key": "",
    "title": "Repaso de la lección",
    "pass_percent": 60,
    "max_attempts": None,
    "questions": [
        {
            "type": "single",
            "value": {
                "text": "¿Qué ley garantiza el acceso a la información?",
                "options": [
                    {"text": "Ley 1712 de 2014", "is_correct": True},
                    {"text": "Ley 100 de 1993", "is_correct": False},
                ],
                "feedback": "Es la Ley 1712.",
            },
        },
        {
            "type": "numeric",
            "value": {"text": "¿Cuántas localidades?", "answer": "20"},
        },
    ],
}


def _quiz(**changes):
    raw = copy.deepcopy(VALID)
    raw.update(changes)
    return raw


def _question(kind, **value):
    return {"type": kind, "value": value}


def _errors(raw) -> StructBlockValidationError:
    with pytest.raises(StructBlockValidationError) as caught:
        QUIZ.clean(QUIZ.to_python(raw))
    return caught.value


def _question_error(raw, field):
    """The message shown at one field of the first question."""
    error = _errors(raw).block_errors["questions"].block_errors[0]
    inner = error.block_errors[field]
    if hasattr(inner, "non_block_errors"):  # the options list
        return " ".join(inner.non_block_errors)
    return " ".join(inner.messages)


def test_the_lesson_body_offers_the_quiz_block():
    assert isinstance(QUIZ, QuizBlock)
    assert set(QUIZ.child_blocks["questions"].child_blocks) == {
        "single",
        "multiple",
        "true_false",
        "numeric",
    }


def test_a_new_quiz_gets_a_key_once_and_keeps_it_on_every_edit():
    cleaned = QUIZ.clean(QUIZ.to_python(_quiz()))
    key = cleaned["key"]
    assert key.startswith("repaso-de-la-leccion-") and len(key) > len("repaso-")
    assert cleaned.activity_key == f"quiz:{key}"

    edited = QUIZ.to_python(QUIZ.get_prep_value(cleaned))
    edited["title"] = "Otro título"
    assert QUIZ.clean(edited)["key"] == key


def test_a_single_choice_question_needs_two_options_and_exactly_one_right():
    one_option = _quiz(
        questions=[
            _question(
                "single", text="¿Sí?", options=[{"text": "Sí", "is_correct": True}]
            )
        ]
    )
    assert _question_error(one_option, "options") == (
        "Una pregunta de opción única necesita al menos dos opciones: agregue otra."
    )
    two_right = _quiz(
        questions=[
            _question(
                "single",
                text="¿Cuál?",
                options=[
                    {"text": "A", "is_correct": True},
                    {"text": "B", "is_correct": True},
                ],
            )
        ]
    )
    assert _question_error(two_right, "options").startswith(
        "Marque exactamente una opción como correcta (ahora hay 2 marcadas)."
    )
    none_right = _quiz(
        questions=[
            _question(
                "single",
                text="¿Cuál?",
                options=[{"text": "A"}, {"text": "B"}],
            )
        ]
    )
    assert "ahora hay 0 marcadas" in _question_error(none_right, "options")


def test_a_multiple_choice_question_needs_a_right_option():
    raw = _quiz(
        questions=[
            _question(
                "multiple",
                text="¿Cuáles?",
                options=[{"text": "A"}, {"text": "B"}, {"text": "C"}],
            )
        ]
    )
    assert _question_error(raw, "options") == (
        "Marque al menos una opción como correcta."
    )


def test_numeric_and_true_false_questions_need_their_answer():
    numeric = _quiz(questions=[_question("numeric", text="¿Cuántas?", answer=None)])
    assert _question_error(numeric, "answer") == (
        "Escriba la respuesta correcta como un número (por ejemplo 10 o 3.5)."
    )
    true_false = _quiz(questions=[_question("true_false", text="Es público.")])
    assert _question_error(true_false, "answer") == (
        "Elija si la afirmación es verdadera o falsa."
    )


def test_a_quiz_needs_questions_and_a_readable_key():
    error = _errors(_quiz(questions=[]))
    questions = error.block_errors["questions"]
    assert isinstance(questions, StreamBlockValidationError)
    assert (
        questions.non_block_errors.as_data()[0]
        .messages[0]
        .startswith("Agregue al menos una pregunta al cuestionario")
    )
    bad_key = _errors(_quiz(key="Clave Con Espacios")).block_errors["key"]
    assert bad_key.messages[0].startswith("Use solo minúsculas sin tildes")


def test_errors_reach_the_editor_as_json():
    raw = _quiz(questions=[_question("single", text="?", options=[{"text": "A"}])])
    data = _errors(raw).as_json_data()
    options = data["blockErrors"]["questions"]["blockErrors"][0]["blockErrors"]
    assert options["options"]["messages"] == [
        "Una pregunta de opción única necesita al menos dos opciones: agregue otra."
    ]


def test_a_draft_may_keep_a_half_written_quiz():
    """Saving a draft defers these checks (Wagtail's deferred validation); publishing
    does not."""
    body = BODY.to_python(
        [
            {
                "type": "quiz",
                "value": _quiz(
                    questions=[_question("single", text="¿Cuál?", options=[])]
                ),
            }
        ]
    )
    draft = BODY.clean_deferred(body)
    assert draft[0].value["key"]  # the key is given even to a draft
    with pytest.raises(StreamBlockValidationError):
        BODY.clean(body)
