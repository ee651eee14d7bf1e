"""The lab activity as a lesson-body block (registered in ``courses`` from ``ready``).

A trainer writes the instructions, picks a dataset version (``lab_chooser``) and writes each
question with its check and a reference query. Saving the lesson computes the
expected answers on that version (``labs.prepare_lab``) and stores them in the
block, in the question's «respuesta esperada» (shown to the trainer, rewritten on
every save), with the version's SHA-256 and where the data lives. The block's
``key`` is generated once and never changed: results hang on it.

The learner sees a plain form (no JavaScript) that posts to
``open_data:lab_answer`` and comes back to the lesson with each question's
message (``lab_display``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import BlockGroup, StructBlockValidationError

from .data import CheckKind, LabProperty
from .lab_checks import LabRefused
from .lab_chooser import SnapshotChooserBlock, chosen_snapshot, snapshot_choice
from .lab_display import lab_context
from .labs import LAB_BLOCK_NAME, lab_activity_key, prepare_lab, save_lesson_labs

__all__ = ["LabBlock", "LabValue", "on_page_published", "prepare_lab_block"]

CHECK_CHOICES = [
    (CheckKind.NUMBER.value, gettext_lazy("Un número (con tolerancia)")),
    (CheckKind.CATEGORY.value, gettext_lazy("Una categoría (un valor)")),
    (CheckKind.SET.value, gettext_lazy("Un conjunto (sin importar el orden)")),
    (CheckKind.RANKING.value, gettext_lazy("Un orden (ranking)")),
    (CheckKind.PROPERTY.value, gettext_lazy("Una propiedad de la consulta")),
]
PROPERTY_CHOICES = [
    (
        LabProperty.ONLY_LOCALITIES.value,
        gettext_lazy("Quedan solo las 20 localidades (sin totales ni otros lugares)"),
    ),
    (
        LabProperty.SAME_ROWS.value,
        gettext_lazy("Da las mismas filas que la consulta de referencia"),
    ),
]


class WrongAnswerBlock(blocks.StructBlock):
    answer = blocks.TextBlock(
        label=gettext_lazy("respuesta equivocada"),
        required=False,
        rows=2,
        help_text=gettext_lazy(
            "Como la escribiría alguien; o déjela vacía y escriba la consulta que "
            "comete el error: se calcula al guardar."
        ),
    )
    query = blocks.TextBlock(
        label=gettext_lazy("consulta que comete el error"), required=False, rows=3
    )
    message = blocks.TextBlock(label=gettext_lazy("mensaje"), rows=2)

    class Meta:
        icon = "warning"
        label = gettext_lazy("Respuesta equivocada conocida")


class LabQuestionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=gettext_lazy("pregunta"), rows=2)
    check = blocks.ChoiceBlock(
        choices=CHECK_CHOICES,
        default=CheckKind.NUMBER.value,
        label=gettext_lazy("se revisa"),
    )
    property = blocks.ChoiceBlock(
        choices=PROPERTY_CHOICES,
        required=False,
        label=gettext_lazy("propiedad"),
        help_text=gettext_lazy("Solo para «una propiedad de la consulta»."),
    )
    reference_sql = blocks.TextBlock(
        label=gettext_lazy("consulta de referencia (SQL sobre «datos»)"),
        required=False,
        rows=4,
        help_text=gettext_lazy(
            "La respuesta esperada es su primera columna: la primera fila para un "
            "número o una categoría, todas las filas para un conjunto o un orden."
        ),
    )
    tolerance = blocks.DecimalBlock(
        label=gettext_lazy("tolerancia"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("Para números: cuánto puede alejarse la respuesta."),
    )
    # Empty by default: a lab needs neither (a ListBlock starts with one item).
    wrong = blocks.ListBlock(
        WrongAnswerBlock(),
        default=[],
        label=gettext_lazy("respuestas equivocadas conocidas"),
    )
    hints = blocks.ListBlock(
        blocks.TextBlock(rows=2), default=[], label=gettext_lazy("pistas (en orden)")
    )
    feedback = blocks.TextBlock(
        label=gettext_lazy("mensaje al acertar"), required=False, rows=2
    )
    expected = blocks.TextBlock(
        label=gettext_lazy("respuesta esperada (calculada)"),
        required=False,
        rows=2,
        help_text=gettext_lazy(
            "Se calcula al guardar con la consulta de referencia sobre la versión "
            "elegida; no la edite."
        ),
    )

    class Meta:
        icon = "help"
        label = gettext_lazy("Pregunta")
        form_layout = BlockGroup(
            children=[
                "text",
                "check",
                "property",
                "reference_sql",
                "tolerance",
                "wrong",
                "hints",
                "feedback",
            ],
            settings=["expected"],
        )


class LabValue(blocks.StructValue):
    """A lab block's value; ``activity_key`` makes the course rule grade it."""

    @property
    def activity_key(self) -> str | None:
        return lab_activity_key(self["key"]) if self.get("key") else None

    def definition(self) -> dict[str, Any]:
        """The lab as ``labs`` takes it (plain values)."""
        return lab_definition(self)


def lab_definition(value: Any) -> dict[str, Any]:
    questions = []
    for q in value["questions"]:
        expected = q["expected"]
        questions.append(
            {
                "text": q["text"],
                "check": q["check"],
                "property": q["property"] or "",
                "reference_sql": q["reference_sql"] or "",
                "tolerance": None if q["tolerance"] is None else float(q["tolerance"]),
                "expected": json.loads(expected) if expected else None,
                "wrong": [
                    {
                        "answer": w["answer"],
                        "query": w["query"],
                        "message": w["message"],
                    }
                    for w in q["wrong"]
                ],
                "hints": [h for h in q["hints"] if h],
                "feedback": q["feedback"] or "",
            }
        )
    return {
        "key": value["key"],
        "title": value["title"],
        "dataset": value["dataset"],
        "version": value["version"],
        "pass_percent": value["pass_percent"],
        "sha256": value["sha256"],
        "data_schema": value["data_schema"],
        "questions": questions,
    }


class LabBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=gettext_lazy("título"), max_length=200)
    instructions = blocks.RichTextBlock(
        label=gettext_lazy("instrucciones"),
        features=["bold", "italic", "ol", "ul", "link"],
    )
    snapshot = SnapshotChooserBlock(
        label=gettext_lazy("datos (conjunto y versión)"),
        required=False,
        help_text=gettext_lazy(
            "La versión queda fija: las respuestas esperadas se calculan sobre ella "
            "y no cambian si llega una más nueva."
        ),
    )
    # Filled from the chooser on save; what the lab reads (and code writes).
    dataset = blocks.RegexBlock(
        regex=r"^[-a-zA-Z0-9_]+$",
        label=gettext_lazy("conjunto de datos (clave, calculada)"),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Escriba la clave del conjunto, sin espacios.")
        },
    )
    version = blocks.IntegerBlock(
        label=gettext_lazy("versión (calculada)"), required=False, min_value=1
    )
    pass_percent = blocks.IntegerBlock(
        label=gettext_lazy("aprueba con (%)"), default=60, min_value=0, max_value=100
    )
    questions = blocks.ListBlock(LabQuestionBlock(), label=gettext_lazy("preguntas"))
    key = blocks.RegexBlock(
        regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        label=gettext_lazy("clave del laboratorio"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "Se genera sola al guardar. No la cambie: con ella se guardan los "
            "resultados de los participantes."
        ),
        error_messages={
            "invalid": gettext_lazy(
                "Use solo minúsculas sin tildes, números y guiones, o déjela vacía."
            )
        },
    )
    sha256 = blocks.CharBlock(
        label=gettext_lazy("SHA-256 de la versión (calculado)"),
        required=False,
        max_length=64,
    )
    data_schema = blocks.CharBlock(
        label=gettext_lazy("sitio de los datos (calculado)"),
        required=False,
        max_length=63,
    )

    def clean(self, value):
        value = with_chosen_snapshot(super().clean(value))
        if self.is_deferred_validation:  # a draft may be half written
            return value
        if not value["dataset"] or not value["version"]:
            raise StructBlockValidationError(
                block_errors={
                    "snapshot": ValidationError(
                        _("Elija los datos del laboratorio: un conjunto y su versión.")
                    )
                }
            )
        try:
            lab = prepare_lab(lab_definition(value))
        except LabRefused as exc:
            raise StructBlockValidationError(
                block_errors={"questions": ValidationError(str(exc))}
            ) from exc
        return self.with_computed(value, lab)

    @staticmethod
    def with_computed(value, lab: dict[str, Any]):
        """The block's value with the key, hash and answers ``prepare_lab`` computed."""
        value["key"] = lab["key"]
        value["sha256"] = lab["sha256"]
        value["data_schema"] = lab["data_schema"]
        for question, computed in zip(
            value["questions"], lab["questions"], strict=True
        ):
            question["expected"] = json.dumps(computed["expected"], ensure_ascii=False)
            for wrong, known in zip(question["wrong"], computed["wrong"], strict=True):
                wrong["answer"] = known["answer"]
        return value

    def get_form_state(self, value):
        # A lab saved before the chooser (or written by code) shows its version
        # chosen in the list.
        state = super().get_form_state(value)
        if value and not value.get("snapshot") and value.get("dataset"):
            choice = snapshot_choice(value["dataset"], value.get("version") or "")
            state["snapshot"] = self.child_blocks["snapshot"].get_form_state(choice)
        return state

    def get_context(self, value, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context=parent_context)
        context.update(lab_context(value, (parent_context or {}).get("request")))
        return context

    class Meta:
        icon = "table"
        label = gettext_lazy("Laboratorio de datos")
        template = "open_data_labs/blocks/lab.html"
        value_class = LabValue
        form_layout = BlockGroup(
            children=[
                "title",
                "instructions",
                "snapshot",
                "pass_percent",
                "questions",
            ],
            settings=["dataset", "version", "key", "sha256", "data_schema"],
        )


def with_chosen_snapshot(value):
    """The block's value with ``dataset`` and ``version`` read from the chooser
    (or the chooser set from them, for a value written by code)."""
    chosen = chosen_snapshot(value.get("snapshot") or "")
    if chosen is not None:
        value["dataset"], value["version"] = chosen
    elif value.get("dataset") and value.get("version"):
        value["snapshot"] = snapshot_choice(value["dataset"], value["version"])
    return value


def prepare_lab_block(raw: dict[str, Any]) -> dict[str, Any]:
    """A lab block's raw value with its key, hash and expected answers computed,
    for lessons written by code (the editor does this on save)."""
    block = LabBlock()
    value = block.to_python(raw)
    value = with_chosen_snapshot(value)
    lab = prepare_lab(lab_definition(value))
    return block.get_prep_value(LabBlock.with_computed(value, lab))


def on_page_published(sender, instance, **kwargs) -> None:
    """``page_published``: a lesson's labs are kept here, in the publish's transaction."""
    body = getattr(instance, "body", None)
    raw = getattr(body, "raw_data", None)
    if raw is None:
        return
    # By raw type first: only the lab blocks are converted.
    values = [
        body[i].value for i, item in enumerate(raw) if item["type"] == LAB_BLOCK_NAME
    ]
    if not values:
        return
    missing = [v["title"] for v in values if not v["key"]]
    if missing:
        raise LabRefused(
            _(
                "El laboratorio «%(title)s» no tiene clave: guárdelo en el editor "
                "(o prepárelo con prepare_lab_block) antes de publicar."
            )
            % {"title": missing[0]}
        )
    save_lesson_labs([lab_definition(v) for v in values])
