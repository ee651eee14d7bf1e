"""Native quizzes of lessons: saved to the learning records on publish, taken in the lesson.

- Publishing a lesson (admin, API, scheduled or a release applied in a locality)
  saves each of its quiz blocks with ``lms.learning.api.save_quiz`` in the active
  schema, in the publish's transaction (``on_lesson_published``). The course rule
  then grades ``quiz:<key>`` (``courses.api.sync_learning_rule`` reads the blocks'
  ``activity_key``); a quiz removed from every lesson stops being graded, and its
  learners' attempts are kept.
- A learner's answers are posted to the lesson page itself (``answer_quiz``):
  graded and stored, or refused with a message and nothing stored; either way
  the learner goes back to the lesson (post/redirect/get), which shows the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.blocks.stream_block import StreamBlockValidationError

from lms.learning import api as learning_api

from .errors import QuizNotSaved
from .quiz_blocks import QuizValue, new_quiz_key
from .quiz_display import answer_field, outcome_session_key

if TYPE_CHECKING:
    from .models import LessonPage

__all__ = [
    "QUIZ_BLOCK_NAME",
    "QUIZ_FIELD",
    "QuizNotSaved",
    "answer_quiz",
    "assign_quiz_keys",
    "lesson_quizzes",
    "on_lesson_published",
    "save_lesson_quizzes",
]

# The form field that names the quiz a submission answers.
QUIZ_FIELD = "cuestionario"


# The quiz's name among the lesson-body blocks (courses.blocks.LESSON_BODY_BLOCKS).
QUIZ_BLOCK_NAME = "quiz"


def _quiz_blocks(lesson: LessonPage) -> list:
    # By raw type first: converting only the quiz blocks spares the queries that
    # image, document and H5P blocks make when they are read.
    body = lesson.body
    return [
        body[index]
        for index, raw in enumerate(body.raw_data)
        if raw["type"] == QUIZ_BLOCK_NAME
    ]


def lesson_quizzes(lesson: LessonPage) -> list[QuizValue]:
    """The quiz blocks' values of a lesson's body, in order."""
    return [block.value for block in _quiz_blocks(lesson)]


def assign_quiz_keys(lesson: LessonPage) -> list[str]:
    """Give every quiz without a key its own (once), and check keys are unique.

    The editor already does this when a trainer saves; this covers bodies written
    by code (``courses.api.add_lesson``, the demo). Returns the problems found, in
    Spanish, for the page's validation.
    """
    problems: list[str] = []
    seen: set[str] = set()
    for quiz in lesson_quizzes(lesson):
        if not quiz.get("key"):
            quiz["key"] = new_quiz_key(quiz.get("title") or "")
        key = quiz["key"]
        if key in seen:
            problems.append(
                _(
                    "Dos cuestionarios de esta lección tienen la clave «%(key)s»: "
                    "borre la clave del que agregó después para que se genere una "
                    "nueva."
                )
                % {"key": key}
            )
        seen.add(key)
    return problems


def save_lesson_quizzes(lesson: LessonPage) -> list[str]:
    """Save the lesson's quizzes to the learning records here; their activity keys."""
    saved = []
    for block in _quiz_blocks(lesson):
        quiz = block.value
        try:
            # Bodies written by code never went through the editor's checks.
            block.block.clean(quiz)
        except ValidationError as exc:
            raise QuizNotSaved(
                _(
                    "El cuestionario «%(quiz)s» de la lección «%(lesson)s» no se "
                    "puede publicar: %(problems)s"
                )
                % {
                    "quiz": quiz.get("title"),
                    "lesson": lesson.title,
                    "problems": "; ".join(_messages(exc)),
                }
            ) from exc
        try:
            saved.append(
                learning_api.save_quiz(
                    quiz["key"],
                    quiz["title"],
                    questions=quiz.learning_questions(),
                    max_attempts=quiz["max_attempts"],
                    pass_percent=quiz["pass_percent"],
                )
            )
        except learning_api.LearningError as exc:
            raise QuizNotSaved(str(exc)) from exc
    return saved


def _messages(error: ValidationError) -> list[str]:
    """The Spanish messages inside a block's nested validation error."""
    found: list[str] = []
    for item in getattr(error, "non_block_errors", None) or []:
        found.extend(item.messages if isinstance(item, ValidationError) else [item])
    children = getattr(error, "block_errors", None)
    if children is None:
        return found or list(error.messages)
    # Stream children are questions, list children are a question's options.
    is_question = isinstance(error, StreamBlockValidationError)
    for name, child in children.items():
        prefix = ""
        if isinstance(name, int) and is_question:
            prefix = _("pregunta %(number)s: ") % {"number": name + 1}
        elif isinstance(name, int):
            prefix = _("opción %(number)s: ") % {"number": name + 1}
        found.extend(prefix + message for message in _messages(child))
    return found


def on_lesson_published(sender, instance, **kwargs) -> None:
    """``page_published`` for lessons: the quizzes reach this schema's records."""
    save_lesson_quizzes(instance)


# --- Taking a quiz in the lesson --------------------------------------------------------


def answer_quiz(lesson: LessonPage, request: HttpRequest) -> HttpResponse:
    """Grade a learner's answers to one of the lesson's quizzes; back to the lesson."""
    lesson_url = lesson.get_url(request) or request.path
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': lesson_url})}")
    key = request.POST.get(QUIZ_FIELD, "")
    quiz = next((q for q in lesson_quizzes(lesson) if q["key"] == key), None)
    if quiz is None:
        return redirect(lesson_url)
    if learning_api.get_quiz(key) is None:
        # Published before quizzes were saved on publish: save it now, as shown.
        save_lesson_quizzes(lesson)
    fields = {
        answer_field(n): [v.strip() for v in request.POST.getlist(answer_field(n))]
        for n in range(1, len(quiz["questions"]) + 1)
    }
    outcome: dict[str, Any] = {"answers": fields}
    try:
        result = learning_api.submit_quiz(request.user.pk, key, _answers(quiz, fields))
    except learning_api.LearningError as exc:
        outcome["error"] = str(exc)
    else:
        outcome["result"] = {
            "score_percent": result.score_percent,
            "passed": result.passed,
            "attempts_left": result.attempts_left,
            "feedback": list(result.feedback),
            "correct": list(result.correct),
            "answers_revealed": result.answers_revealed,
            "right_answers": list(result.right_answers),
        }
    request.session[outcome_session_key(key)] = outcome
    return redirect(f"{lesson_url}#cuestionario-{key}")


def _answers(quiz: QuizValue, fields: dict[str, list[str]]) -> list[Any]:
    """Form values as ``submit_quiz`` takes them; a blank stays blank (None)."""
    answers: list[Any] = []
    for number, child in enumerate(quiz["questions"], start=1):
        values = [v for v in fields[answer_field(number)] if v]
        kind = child.block.learning_kind
        if kind == "multiple":
            answers.append(sorted({int(v) for v in values if v.isdigit()}) or None)
        elif kind == "single":
            answers.append(int(values[0]) if values and values[0].isdigit() else None)
        elif kind == "true_false":
            answers.append({"si": True, "no": False}.get(values[0]) if values else None)
        else:
            answers.append(values[0] if values else None)
    return answers
