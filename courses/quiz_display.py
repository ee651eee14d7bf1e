"""What a quiz block shows the learner: their last answers and feedback, the
attempts used and left, the best score, and the form's fields.

The outcome of the last submission waits in the session under
``outcome_session_key`` (post/redirect/get: ``courses.quizzes.answer_quiz``
puts it there and the lesson page takes it once).
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.learning import api as learning_api

__all__ = ["answer_field", "outcome_session_key", "quiz_context"]


def answer_field(number: int) -> str:
    """Name of the form field for question ``number`` (1-based)."""
    return f"pregunta-{number}"


def outcome_session_key(quiz_key: str) -> str:
    """Where the last submission's outcome waits for the lesson page (post/redirect/get)."""
    return f"courses.quiz.{quiz_key}"


def quiz_context(value, request) -> dict[str, Any]:
    """The template context of one quiz block for the learner of ``request``."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    key = value["key"]
    outcome: dict[str, Any] = {}
    if request is not None and signed_in and hasattr(request, "session"):
        outcome = request.session.pop(outcome_session_key(key), None) or {}
    used = learning_api.count_quiz_attempts(user.pk, key) if signed_in else 0
    max_attempts = value["max_attempts"]
    state = (
        learning_api.get_activity_state(user.pk, value.activity_key)
        if signed_in and used
        else None
    )
    best = state.best_score_scaled if state else None
    path = request.get_full_path() if request is not None else ""
    exhausted = max_attempts is not None and used >= max_attempts
    passed = bool(state and state.passed)
    # After a pass, another attempt is offered only when it can raise something:
    # a score under 100 % in a course that asks for a minimum average (the best
    # attempt counts). Otherwise the quiz is done and the page says so.
    improvable = (
        passed
        and not exhausted
        and best is not None
        and best < 1
        and learning_api.a_better_score_counts(value.activity_key)
    )
    return {
        "key": key,
        "anchor": f"cuestionario-{key}",
        "signed_in": signed_in,
        "login_url": f"{reverse('login')}?{urlencode({'next': path})}",
        "csrf": get_token(request) if request is not None else "",
        "questions": _questions_for_form(value, outcome),
        "result": outcome.get("result"),
        "error": outcome.get("error"),
        "attempts_used": used,
        "attempts_left": None if max_attempts is None else max(max_attempts - used, 0),
        "exhausted": exhausted,
        "improvable": improvable,
        # No more attempts offered: none left, or passed with nothing to improve.
        "closed": exhausted or (passed and not improvable),
        "action": request.path if request is not None else "",
        "question_count": len(value["questions"]),
        "best_percent": None if best is None else round(100 * best, 1),
        "passed": passed,
    }


def _questions_for_form(value, outcome: dict[str, Any]) -> list[dict]:
    """Each question with its choices, the learner's last answers and feedback."""
    answers = outcome.get("answers") or {}
    result = outcome.get("result") or {}
    feedback = result.get("feedback") or []
    correct = result.get("correct") or []
    right_answers = result.get("right_answers") or []
    questions = []
    for index, child in enumerate(value["questions"]):
        number = index + 1
        name = answer_field(number)
        given = answers.get(name) or []
        kind = child.block.learning_kind
        if kind in {"single", "multiple"}:
            choices = [
                (str(i), option["text"], str(i) in given)
                for i, option in enumerate(child.value["options"])
            ]
        elif kind == "true_false":
            choices = [
                (code, label, code in given)
                for code, label in (("si", _("Verdadero")), ("no", _("Falso")))
            ]
        else:
            choices = []
        questions.append(
            {
                "number": number,
                "name": name,
                "kind": kind,
                "text": child.value["text"],
                "choices": choices,
                "typed": given[0] if kind == "numeric" and given else "",
                "feedback": feedback[index] if index < len(feedback) else "",
                "correct": correct[index] if index < len(correct) else None,
                "right_answer": (
                    right_answers[index] if index < len(right_answers) else ""
                ),
            }
        )
    return questions
