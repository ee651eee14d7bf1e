"""The native quiz as a lesson-body block: authored in the lesson, taken in the lesson.

A quiz block holds a stable ``key`` (generated once, kept on every edit, copied
unchanged to each locality), so the same quiz keeps its learners' results across
versions and localities. Publishing the lesson saves the quiz to the learning
records of that schema (``courses.quizzes``) and the course rule grades it as
``quiz:<key>``: the block's value carries ``activity_key`` like the H5P block.

The learner sees a plain HTML form (no JavaScript) that posts to the lesson page
itself; the result comes back on the lesson (``courses.quizzes.answer_quiz``).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import BlockGroup, StructBlockValidationError

from .quiz_display import quiz_context

__all__ = [
    "MultipleChoiceQuestionBlock",
    "NumericQuestionBlock",
    "QuestionsBlock",
    "QuizBlock",
    "QuizValue",
    "SingleChoiceQuestionBlock",
    "TrueFalseQuestionBlock",
    "new_quiz_key",
]

KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TRUE_FALSE_VALUES = {"si": True, "no": False}


def new_quiz_key(title: str) -> str:
    """A fresh key: readable, and random enough never to meet another quiz's."""
    stem = slugify(title)[:60].strip("-") or "cuestionario"
    return f"{stem}-{secrets.token_hex(3)}"


def _refuse(field: str, message: str) -> StructBlockValidationError:
    """An error shown at one field of a question, in the editor's language (Spanish)."""
    error = ValidationError(message)
    if field == "options":  # a list field takes a list-shaped error
        error = ListBlockValidationError(non_block_errors=ErrorList([error]))
    return StructBlockValidationError(block_errors={field: error})


# --- Questions ----------------------------------------------------------------------


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=gettext_lazy("opción"), max_length=300)
    is_correct = blocks.BooleanBlock(label=gettext_lazy("es correcta"), required=False)

    class Meta:
        icon = "radio-full"
        label = gettext_lazy("Opción")


class _ChoiceQuestionBlock(blocks.StructBlock):
    """Shared by single and multiple choice; subclasses say how many may be right."""

    text = blocks.TextBlock(label=gettext_lazy("pregunta"), rows=2)
    options = blocks.ListBlock(ChoiceOptionBlock(), label=gettext_lazy("opciones"))
    feedback = blocks.TextBlock(
        label=gettext_lazy("retroalimentación"),
        required=False,
        rows=2,
        help_text=gettext_lazy(
            "Se muestra al responder: explique por qué es la respuesta correcta."
        ),
    )

    learning_kind = ""

    def clean(self, value):
        value = super().clean(value)
        if self.is_deferred_validation:  # a draft may be half written
            return value
        options = list(value["options"])
        if len(options) < 2:
            raise _refuse("options", self.too_few_options_message)
        right = sum(1 for option in options if option["is_correct"])
        problem = self.right_count_problem(right)
        if problem:
            raise _refuse("options", problem)
        return value

    too_few_options_message = ""

    def right_count_problem(self, right: int) -> str | None:
        raise NotImplementedError

    def to_learning(self, value) -> dict[str, Any]:
        options = list(value["options"])
        right = [i for i, option in enumerate(options) if option["is_correct"]]
        return {
            "kind": self.learning_kind,
            "text": value["text"],
            "choices": [option["text"] for option in options],
            "answer": right[0] if self.learning_kind == "single" else right,
            "feedback": value["feedback"] or "",
        }


class SingleChoiceQuestionBlock(_ChoiceQuestionBlock):
    learning_kind = "single"
    too_few_options_message = gettext_lazy(
        "Una pregunta de opción única necesita al menos dos opciones: agregue otra."
    )

    def right_count_problem(self, right: int) -> str | None:
        if right == 1:
            return None
        return _(
            "Marque exactamente una opción como correcta (ahora hay %(count)s "
            "marcadas). Si varias son correctas, use una pregunta de opción múltiple."
        ) % {"count": right}

    class Meta:
        icon = "radio-full"
        label = gettext_lazy("Opción única")


class MultipleChoiceQuestionBlock(_ChoiceQuestionBlock):
    learning_kind = "multiple"
    too_few_options_message = gettext_lazy(
        "Una pregunta de opción múltiple necesita al menos dos opciones: agregue otra."
    )

    def right_count_problem(self, right: int) -> str | None:
        if right:
            return None
        return _("Marque al menos una opción como correcta.")

    class Meta:
        icon = "tasks"
        label = gettext_lazy("Opción múltiple (varias correctas)")


class TrueFalseQuestionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=gettext_lazy("afirmación"), rows=2)
    answer = blocks.ChoiceBlock(
        label=gettext_lazy("la afirmación es"),
        choices=[("si", gettext_lazy("Verdadera")), ("no", gettext_lazy("Falsa"))],
        required=False,
    )
    feedback = blocks.TextBlock(
        label=gettext_lazy("retroalimentación"), required=False, rows=2
    )

    learning_kind = "true_false"

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation and value["answer"] not in TRUE_FALSE_VALUES:
            raise _refuse("answer", _("Elija si la afirmación es verdadera o falsa."))
        return value

    def to_learning(self, value) -> dict[str, Any]:
        return {
            "kind": self.learning_kind,
            "text": value["text"],
            "answer": TRUE_FALSE_VALUES[value["answer"]],
            "feedback": value["feedback"] or "",
        }

    class Meta:
        icon = "success"
        label = gettext_lazy("Verdadero o falso")


class NumericQuestionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=gettext_lazy("pregunta"), rows=2)
    answer = blocks.DecimalBlock(
        label=gettext_lazy("respuesta correcta (número)"), required=False
    )
    tolerance = blocks.DecimalBlock(
        label=gettext_lazy("margen aceptado (±)"),
        required=False,
        min_value=0,
        help_text=gettext_lazy(
            "Cuánto puede alejarse la respuesta y seguir siendo correcta. "
            "Vacío: debe ser exacta."
        ),
    )
    feedback = blocks.TextBlock(
        label=gettext_lazy("retroalimentación"), required=False, rows=2
    )

    learning_kind = "numeric"

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation and value["answer"] is None:
            raise _refuse(
                "answer",
                _(
                    "Escriba la respuesta correcta como un número (por ejemplo 10 o 3.5)."
                ),
            )
        return value

    def to_learning(self, value) -> dict[str, Any]:
        return {
            "kind": self.learning_kind,
            "text": value["text"],
            "answer": float(value["answer"]),
            "tolerance": float(value["tolerance"] or Decimal(0)),
            "feedback": value["feedback"] or "",
        }

    class Meta:
        icon = "decimal"
        label = gettext_lazy("Respuesta numérica")


class QuestionsBlock(blocks.StreamBlock):
    single = SingleChoiceQuestionBlock()
    multiple = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    numeric = NumericQuestionBlock()

    def __init__(self, **kwargs):
        # Emptiness is checked in clean() with a message that says what to do.
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation and not len(value):
            raise StreamBlockValidationError(
                non_block_errors=ErrorList(
                    [
                        ValidationError(
                            _(
                                "Agregue al menos una pregunta al cuestionario "
                                "(opción única, opción múltiple, verdadero o falso, "
                                "o numérica)."
                            )
                        )
                    ]
                )
            )
        return value


# --- The quiz ---------------------------------------------------------------------------


class QuizValue(blocks.StructValue):
    """A quiz block's value; ``activity_key`` makes the course rule grade it."""

    @property
    def activity_key(self) -> str | None:
        return f"quiz:{self['key']}" if self.get("key") else None

    def learning_questions(self) -> list[dict[str, Any]]:
        return [child.block.to_learning(child.value) for child in self["questions"]]


class QuizBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=gettext_lazy("título"), max_length=200)
    pass_percent = blocks.IntegerBlock(
        label=gettext_lazy("aprueba con (%)"), default=60, min_value=0, max_value=100
    )
    max_attempts = blocks.IntegerBlock(
        label=gettext_lazy("intentos permitidos"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Vacío: sin límite. Cuenta la mejor calificación."),
    )
    questions = QuestionsBlock(label=gettext_lazy("preguntas"))
    key = blocks.RegexBlock(
        regex=KEY_PATTERN,
        label=gettext_lazy("clave del cuestionario"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "Se genera sola al guardar. No la cambie: con ella se guardan los "
            "resultados de los participantes en todas las versiones y localidades."
        ),
        error_messages={
            "invalid": gettext_lazy(
                "Use solo minúsculas sin tildes, números y guiones, o déjela "
                "vacía para que se genere una."
            )
        },
    )

    def clean(self, value):
        value = super().clean(value)
        if not value["key"]:
            # Generated once; every later edit keeps it (it is saved with the block).
            value["key"] = new_quiz_key(value["title"])
        return value

    def get_context(self, value, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context=parent_context)
        context.update(quiz_context(value, (parent_context or {}).get("request")))
        return context

    class Meta:
        icon = "help"
        label = gettext_lazy("Cuestionario")
        template = "courses/blocks/quiz.html"
        value_class = QuizValue
        form_layout = BlockGroup(
            children=["title", "pass_percent", "max_attempts", "questions"],
            settings=["key"],
        )
