"""Sensitive answers (Ley 1581 de 2012, art. 5), each under its own consent.

An answer exists only while its consent is in force: withdrawing the consent
erases the answer. The consent record keeps the purpose text the person saw.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .changes import announce_changed
from .data import ANSWER_CHOICES, PURPOSE_TEXT, Question, SensitiveAnswerData
from .models import ConsentRecord as _ConsentRecord
from .models import SensitiveAnswer as _SensitiveAnswer

__all__ = [
    "answer_sensitive_question",
    "sensitive_answers_for",
    "sensitive_answers_of",
    "withdraw_consent",
]


@transaction.atomic
def answer_sensitive_question(
    user_id: int, question: Question, answer: str, *, consent: bool
) -> SensitiveAnswerData:
    """Store or change an answer; refused (``ValidationError``) without consent.

    The consent record keeps the purpose text shown; a changed answer under a
    consent already in force does not create a new record.
    """
    question = Question(question)
    if answer not in ANSWER_CHOICES[question]:
        raise ValidationError(
            _(
                "Esa respuesta no es una de las opciones. Elija una de la lista o "
                "«Prefiero no decir»."
            )
        )
    if not consent:
        raise ValidationError(
            _(
                "Para guardar esta respuesta necesitamos su autorización expresa. "
                "Marque la casilla de autorización o deje la pregunta sin responder."
            )
        )
    now = timezone.now()
    with tenants_api.in_public_schema():
        record = _ConsentRecord.objects.filter(
            user_id=user_id, question=question, withdrawn_at__isnull=True
        ).first()
        if record is None:
            record = _ConsentRecord.objects.create(
                user_id=user_id,
                question=question,
                # The evidence of the purpose accepted, in the platform's
                # language (the page shows its translation).
                purpose_text=PURPOSE_TEXT[question],
                given_at=now,
            )
        stored, _created = _SensitiveAnswer.objects.update_or_create(
            user_id=user_id,
            question=question,
            defaults={"answer": answer, "consent_given_at": record.given_at},
        )
        announce_changed([user_id])
        return answer_data(stored)


@transaction.atomic
def withdraw_consent(user_id: int, question: Question) -> bool:
    """Withdraw consent for one question and erase its answer. False if none held."""
    with tenants_api.in_public_schema():
        withdrawn = _ConsentRecord.objects.filter(
            user_id=user_id, question=Question(question), withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        _SensitiveAnswer.objects.filter(user_id=user_id, question=question).delete()
        announce_changed([user_id])
        return withdrawn > 0


def sensitive_answers_of(user_id: int) -> dict[Question, SensitiveAnswerData]:
    """The person's answers currently held, by question."""
    with tenants_api.in_public_schema():
        return {
            Question(a.question): answer_data(a)
            for a in _SensitiveAnswer.objects.filter(user_id=user_id)
        }


def sensitive_answers_for(
    user_ids: list[int] | None = None,
) -> dict[int, dict[Question, SensitiveAnswerData]]:
    """Answers held, per person and question (everyone's when ``None``)."""
    with tenants_api.in_public_schema():
        answers = _SensitiveAnswer.objects.all()
        if user_ids is not None:
            answers = answers.filter(user_id__in=user_ids)
        held: dict[int, dict[Question, SensitiveAnswerData]] = {}
        for answer in answers.iterator(chunk_size=5000):
            held.setdefault(answer.user_id, {})[Question(answer.question)] = (
                answer_data(answer)
            )
        return held


def answer_data(answer: _SensitiveAnswer) -> SensitiveAnswerData:
    return SensitiveAnswerData(
        question=Question(answer.question),
        answer=answer.answer,
        consent_given_at=answer.consent_given_at,
        updated_at=answer.updated_at,
    )
