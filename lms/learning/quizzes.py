"""Native quizzes: saved from lesson blocks by ``courses``, answered in the lesson.

Invariants: an attempt with blank answers, a non-number in a numeric question or
beyond the allowed attempts is refused before anything is stored; a graded
attempt goes through ``record_statements`` (activity ``quiz:<key>``), so it
counts toward a course's score rule exactly like an H5P result.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .data import QuizResult
from .errors import LearningError
from .events import EVENT_NAMESPACE, VERBS
from .models import Quiz as _Quiz
from .models import QuizAttempt as _QuizAttempt
from .statements import record_statements

__all__ = [
    "QuizResult",
    "count_quiz_attempts",
    "get_quiz",
    "save_quiz",
    "submit_quiz",
]

_QUESTION_KINDS = {"single", "multiple", "true_false", "numeric"}


@transaction.atomic
def save_quiz(
    key: str,
    title: str,
    *,
    questions: list[Mapping[str, Any]],
    max_attempts: int | None = None,
    pass_percent: int = 60,
) -> str:
    """Create or replace a quiz; returns its activity key (``quiz:<key>``).

    Questions: ``kind`` single | multiple | true_false | numeric, ``text``,
    ``choices`` (choice kinds), ``answer`` (index, list of indexes, bool or
    number), optional ``tolerance`` (numeric) and ``feedback``.
    """
    for n, q in enumerate(questions, start=1):
        if q.get("kind") not in _QUESTION_KINDS:
            raise LearningError(
                _(
                    "La pregunta %(n)d tiene un tipo desconocido; use única, "
                    "múltiple, verdadero/falso o numérica."
                )
                % {"n": n}
            )
        if q["kind"] in {"single", "multiple"} and len(q.get("choices") or []) < 2:
            raise LearningError(
                _("La pregunta %(n)d necesita al menos dos opciones.") % {"n": n}
            )
    if not questions:
        raise LearningError(
            _("El cuestionario no tiene preguntas; agregue al menos una.")
        )
    _Quiz.objects.update_or_create(
        key=key,
        defaults={
            "title": title,
            "questions": [dict(q) for q in questions],
            "max_attempts": max_attempts,
            "pass_percent": pass_percent,
        },
    )
    return f"quiz:{key}"


def submit_quiz(user_id: int, quiz_key: str, answers: list[Any]) -> QuizResult:
    """Grade an attempt, keep it, and record it as the quiz activity's result.

    Refused once the attempts are used up. The result goes through
    ``record_statements`` (activity ``quiz:<key>``), so it counts toward the
    course's score rule exactly like an H5P result.
    """
    with transaction.atomic():
        quiz = _Quiz.objects.select_for_update().filter(key=quiz_key).first()
        if quiz is None:
            raise LearningError(_("Ese cuestionario no existe; vuelva a la lección."))
        used = _QuizAttempt.objects.filter(quiz=quiz, user_id=user_id).count()
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            raise LearningError(
                ngettext(
                    "Ya usó su único intento de este cuestionario.",
                    "Ya usó sus %(n)d intentos de este cuestionario.",
                    quiz.max_attempts,
                )
                % {"n": quiz.max_attempts}
            )
        if len(answers) != len(quiz.questions):
            raise LearningError(
                ngettext(
                    "Responda la pregunta antes de enviar.",
                    "Responda las %(n)d preguntas antes de enviar.",
                    len(quiz.questions),
                )
                % {"n": len(quiz.questions)}
            )
        _check_answers(quiz.questions, answers)
        correct = [
            _is_right(question, answer)
            for question, answer in zip(quiz.questions, answers, strict=True)
        ]
        percent = round(100 * sum(correct) / len(quiz.questions), 1)
        attempt = _QuizAttempt.objects.create(
            quiz=quiz,
            user_id=user_id,
            answers=list(answers),
            score_percent=percent,
            passed=percent >= quiz.pass_percent,
        )
        _record_attempt(attempt, right=sum(correct))
    attempts_left = None if quiz.max_attempts is None else quiz.max_attempts - used - 1
    # Telling the answers before the last try would let a learner pass by copying.
    revealed = attempt.passed or attempts_left == 0
    return QuizResult(
        attempt_number=used + 1,
        attempts_left=attempts_left,
        score_percent=percent,
        passed=attempt.passed,
        feedback=tuple(
            _question_feedback(q, right=ok, revealed=revealed)
            for q, ok in zip(quiz.questions, correct, strict=True)
        ),
        correct=tuple(correct),
        answers_revealed=revealed,
        right_answers=(
            tuple(_right_answer_text(q) for q in quiz.questions) if revealed else ()
        ),
    )


def _question_feedback(
    question: Mapping[str, Any], *, right: bool, revealed: bool
) -> str:
    """«Correcto.» or «Incorrecto.», with the author's explanation when it gives
    nothing away: on a right answer, or once the answers are revealed."""
    verdict = _("Correcto.") if right else _("Incorrecto.")
    if not (right or revealed):
        return verdict
    return f"{verdict} {question.get('feedback', '')}".strip()


def _right_answer_text(question: Mapping[str, Any]) -> str:
    """The right answer in words, as the learner would have given it."""
    kind, expected = question["kind"], question.get("answer")
    choices = question.get("choices") or []
    if kind == "single":
        return choices[expected]
    if kind == "multiple":
        return get_text_list([choices[i] for i in sorted(expected)], _("y"))
    if kind == "true_false":
        return _("Verdadero") if expected else _("Falso")
    tolerance = float(question.get("tolerance") or 0)
    if not tolerance:
        return _plain_number(expected)
    return _("%(number)s (se acepta ± %(tolerance)s)") % {
        "number": _plain_number(expected),
        "tolerance": _plain_number(tolerance),
    }


def _plain_number(value: Any) -> str:
    """A number as the locale writes it, without trailing zeros (20, not 20,00)."""
    digits = format(float(value), "f").rstrip("0").rstrip(".")
    return number_format(Decimal(digits))


def _record_attempt(attempt: _QuizAttempt, *, right: int) -> None:
    """The attempt as the quiz activity's xAPI result (id derived from the attempt)."""
    quiz, total = attempt.quiz, len(attempt.quiz.questions)
    record_statements(
        attempt.user_id,
        [
            {
                "id": str(uuid.uuid5(EVENT_NAMESPACE, f"quiz-attempt|{attempt.pk}")),
                "verb": {"id": VERBS + ("passed" if attempt.passed else "failed")},
                "object": {"id": f"urn:lms:quiz:{quiz.key}"},
                "result": {
                    "score": {"raw": right, "max": total, "scaled": right / total},
                    "success": attempt.passed,
                    "completion": True,
                },
            }
        ],
        activity_key=f"quiz:{quiz.key}",
    )


def count_quiz_attempts(user_id: int, quiz_key: str) -> int:
    """How many attempts the learner has submitted (to show the attempts left)."""
    return _QuizAttempt.objects.filter(quiz__key=quiz_key, user_id=user_id).count()


def _check_answers(questions: list[Mapping[str, Any]], answers: list[Any]) -> None:
    """Refuse, before anything is stored, an attempt with blanks or a non-number."""
    blank = [
        n
        for n, answer in enumerate(answers, start=1)
        if answer is None or (isinstance(answer, str | list) and not answer)
    ]
    if blank:
        raise LearningError(
            ngettext(
                "Responda la pregunta %(which)s antes de enviar.",
                "Responda las preguntas %(which)s antes de enviar.",
                len(blank),
            )
            % {"which": get_text_list([str(n) for n in blank], _("y"))}
        )
    for n, (question, answer) in enumerate(
        zip(questions, answers, strict=True), start=1
    ):
        if question["kind"] == "numeric" and _to_number(answer) is None:
            raise LearningError(
                _("En la pregunta %(n)d escriba solo un número, por ejemplo 12 o 3,5.")
                % {"n": n}
            )


def _to_number(answer: Any) -> float | None:
    if isinstance(answer, bool):
        return None
    try:
        value = float(str(answer).strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_right(question: Mapping[str, Any], answer: Any) -> bool:
    kind, expected = question["kind"], question.get("answer")
    if kind == "multiple":
        return isinstance(answer, list) and sorted(answer) == sorted(expected)
    if kind == "numeric":
        value = _to_number(answer)
        if value is None:
            return False
        return abs(value - float(expected)) <= float(question.get("tolerance", 0))
    return answer == expected


def get_quiz(key: str) -> dict[str, Any] | None:
    """A quiz to show: title, attempts and questions without their answers."""
    quiz = _Quiz.objects.filter(key=key).first()
    if quiz is None:
        return None
    return {
        "key": quiz.key,
        "title": quiz.title,
        "max_attempts": quiz.max_attempts,
        "questions": [
            {k: v for k, v in q.items() if k in {"kind", "text", "choices"}}
            for q in quiz.questions
        ],
    }
