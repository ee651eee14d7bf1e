"""Lab activities in lessons: expected answers computed once, answers checked and recorded.

A lab names a dataset *version*, and each question a check (``CheckKind``) and a
reference query written by the trainer. The platform runs the reference query
on that version when the lab is saved (``prepare_lab``: the editor's save, or
code that writes a lesson) and keeps the answer in the block's value; the lesson's
publish copies the lab here (``save_lesson_labs``), in the publish's transaction.
Nothing is computed when a learner views the lesson, and a newer version of the
dataset changes no existing lab (the version is pinned; its hash is stored).

A learner's answers (``submit_lab``) are checked (``lab_checks``) and recorded
as one xAPI statement on the activity ``lab:<key>`` through the learning
records, so a lab counts toward a course's completion like a quiz: score = right
answers / questions, passed at ``pass_percent``. Property questions run the
learner's own query (SQL, or the address of the guided builder or SQL editor)
on the lab's version, in the sandbox, where the data lives.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.http import QueryDict
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lms.learning import api as learning_api
from tenants import api as tenants_api

from .builder_url import builder_from_params
from .data import CheckKind, LabOutcome, LabProperty, QueryResult, QuestionOutcome
from .lab_checks import LabRefused, answer_text, expected_from_result, grade
from .models import Lab as _Lab
from .queries import run_query
from .refusals import QueryRefused
from .snapshots import DatasetNotFound, get_snapshot

__all__ = [
    "LAB_BLOCK_NAME",
    "LabRefused",
    "get_lab",
    "lab_activity_key",
    "new_lab_key",
    "prepare_lab",
    "save_lesson_labs",
    "submit_lab",
]

# The lab's name among the lesson-body blocks (stable: stored in every body).
LAB_BLOCK_NAME = "lab"
_VERBS = "http://adlnet.gov/expapi/verbs/"


def new_lab_key(title: str) -> str:
    """A fresh key: readable, and random enough never to meet another lab's."""
    stem = slugify(title)[:60].strip("-") or "laboratorio"
    return f"{stem}-{secrets.token_hex(3)}"


def lab_activity_key(key: str) -> str:
    """The learning records' activity of a lab (what the course rule grades)."""
    return f"lab:{key}"


@contextmanager
def _where_data_lives(schema: str) -> Iterator[None]:
    # A city course's lab names a campus dataset; its copy in a locality still
    # runs queries on that (public, open) file, in the campus schema.
    here = tenants_api.current_schema()
    with (
        nullcontext()
        if not schema or schema == here
        else tenants_api.in_locality(schema)
    ):
        yield


def prepare_lab(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The lab with its key, hash and expected answers, computed on the pinned version.

    ``definition``: ``title``, ``dataset``, ``version``, ``questions`` (each
    ``text``, ``check``, ``property``, ``reference_sql``, ``tolerance``,
    ``wrong`` [{``answer``, ``query``, ``message``}], ``hints``, ``feedback``)
    and optionally ``key``, ``pass_percent``, ``data_schema``. Raises
    ``LabRefused`` with a Spanish message naming the question that cannot be
    computed (unknown version, a query refused, a result that does not fit).
    """
    lab = dict(definition)
    lab["key"] = lab.get("key") or new_lab_key(lab.get("title") or "")
    lab["data_schema"] = lab.get("data_schema") or tenants_api.current_schema()
    dataset, version = lab.get("dataset") or "", int(lab.get("version") or 0)
    with _where_data_lives(lab["data_schema"]):
        try:
            lab["sha256"] = get_snapshot(dataset, version).sha256
        except DatasetNotFound as exc:
            raise LabRefused(
                _(
                    "No existe la versión %(version)d del conjunto «%(dataset)s» en "
                    "este sitio; revise la clave y la versión en «Datos abiertos»."
                )
                % {"dataset": dataset, "version": version}
            ) from exc
        lab["questions"] = [
            _prepare_question(n, dict(q), dataset, version)
            for n, q in enumerate(lab.get("questions") or [], start=1)
        ]
    if not lab["questions"]:
        raise LabRefused(_("El laboratorio no tiene preguntas; agregue al menos una."))
    return lab


def _prepare_question(
    number: int, question: dict[str, Any], dataset: str, version: int
) -> dict[str, Any]:
    kind = CheckKind(question["check"])
    prop = LabProperty(question["property"]) if question.get("property") else None
    if kind is CheckKind.PROPERTY and prop is None:
        raise LabRefused(
            _("Pregunta %(n)d: elija qué propiedad se revisa.") % {"n": number}
        )
    sql = (question.get("reference_sql") or "").strip()
    if not sql and prop is not LabProperty.ONLY_LOCALITIES:
        raise LabRefused(
            _("Pregunta %(n)d: escriba la consulta de referencia.") % {"n": number}
        )
    question["expected"] = _reference(number, kind, prop, dataset, version, sql)
    wrong = []
    for item in question.get("wrong") or []:
        item = dict(item)
        if (item.get("query") or "").strip():
            known = _reference(number, kind, prop, dataset, version, item["query"])
            item["answer"] = answer_text(kind, known)
        wrong.append(item)
    question["wrong"] = wrong
    return question


def _reference(
    number: int,
    kind: CheckKind,
    prop: LabProperty | None,
    dataset: str,
    version: int,
    sql: str,
) -> dict[str, Any]:
    if not sql:
        return {}
    try:
        return expected_from_result(kind, prop, run_query(dataset, version, sql))
    except (QueryRefused, LabRefused) as exc:
        raise LabRefused(
            _("Pregunta %(n)d: %(problem)s") % {"n": number, "problem": exc}
        ) from exc


@transaction.atomic
def save_lesson_labs(labs: Sequence[Mapping[str, Any]]) -> list[str]:
    """Keep the published labs of a lesson here; their activity keys.

    A lab whose expected answers are missing (a body written by code) is
    prepared first, where its data lives.
    """
    keys = []
    for definition in labs:
        lab = definition
        if not lab.get("sha256") or any(
            q.get("expected") is None for q in lab.get("questions") or []
        ):
            lab = prepare_lab(definition)
        _Lab.objects.update_or_create(
            key=lab["key"],
            defaults={
                "title": lab["title"],
                "dataset_key": lab["dataset"],
                "version": int(lab["version"]),
                "sha256": lab["sha256"],
                "data_schema": lab["data_schema"],
                "pass_percent": int(lab.get("pass_percent") or 60),
                "questions": json.loads(json.dumps(lab["questions"])),
            },
        )
        keys.append(lab_activity_key(lab["key"]))
    return keys


def get_lab(key: str) -> dict[str, Any] | None:
    """A published lab here, as stored (with its expected answers), or None."""
    row = _Lab.objects.filter(key=key).first()
    if row is None:
        return None
    return {
        "key": row.key,
        "title": row.title,
        "dataset": row.dataset_key,
        "version": row.version,
        "sha256": row.sha256,
        "data_schema": row.data_schema,
        "pass_percent": row.pass_percent,
        "questions": row.questions,
    }


def submit_lab(user_id: int, key: str, answers: Sequence[str]) -> LabOutcome:
    """Check the learner's answers to a lab and record them (one xAPI statement).

    Refused with ``LabRefused`` (Spanish, nothing stored) when the lab is not
    published here or an answer is blank.
    """
    lab = get_lab(key)
    if lab is None:
        raise LabRefused(
            _("Este laboratorio ya no está publicado aquí; vuelva a abrir la lección.")
        )
    questions = lab["questions"]
    answers = [str(a).strip() for a in answers][: len(questions)]
    answers += [""] * (len(questions) - len(answers))
    blank = [str(n) for n, a in enumerate(answers, start=1) if not a]
    if blank:
        raise LabRefused(
            ngettext(
                "Responda la pregunta %(which)s antes de enviar.",
                "Responda las preguntas %(which)s antes de enviar.",
                len(blank),
            )
            % {"which": get_text_list(blank, _("y"))}
        )
    outcomes = tuple(
        _check(lab, n, q, a)
        for n, (q, a) in enumerate(zip(questions, answers, strict=True), start=1)
    )
    right = sum(1 for o in outcomes if o.is_right)
    passed = 100 * right >= lab["pass_percent"] * len(questions)
    outcome = LabOutcome(key, right, len(questions), passed, outcomes)
    _record(user_id, lab, outcome)
    return outcome


def _check(
    lab: Mapping[str, Any], number: int, question: Mapping[str, Any], answer: str
) -> QuestionOutcome:
    if question["check"] != CheckKind.PROPERTY:
        return grade(number, question, answer)
    try:
        result = _run_learner_query(lab, answer)
    except (QueryRefused, LabRefused) as exc:
        return QuestionOutcome(number, answer, False, str(exc))
    return grade(number, question, answer, learner_result=result)


def _run_learner_query(lab: Mapping[str, Any], text: str) -> QueryResult:
    """The learner's SQL, or the address of a builder or SQL page of the same version."""
    query: Any = text
    if "/datos/" in text and "?" in text:
        parts = urlsplit(text.strip())
        segments = [s for s in parts.path.split("/") if s]
        here = segments[segments.index("datos") :] if "datos" in segments else []
        expected = ["datos", lab["dataset"], f"v{lab['version']}"]
        if here[:3] != expected or len(here) < 4:
            raise LabRefused(
                _(
                    "Esa dirección no es del laboratorio de «%(dataset)s», versión "
                    "%(version)d; copie la dirección de la página de esa versión."
                )
                % {"dataset": lab["dataset"], "version": lab["version"]}
            )
        params = QueryDict(parts.query)
        query = params.get("q", "") if here[3] == "sql" else builder_from_params(params)
    with _where_data_lives(lab["data_schema"]):
        return run_query(lab["dataset"], int(lab["version"]), query)


def _record(user_id: int, lab: Mapping[str, Any], outcome: LabOutcome) -> None:
    learning_api.record_statements(
        user_id,
        [
            {
                "id": str(uuid.uuid4()),
                "verb": {"id": _VERBS + ("passed" if outcome.passed else "failed")},
                "object": {
                    "id": f"urn:lms:lab:{lab['key']}",
                    "definition": {"name": {"es-CO": lab["title"]}},
                },
                "result": {
                    "score": {
                        "raw": outcome.right,
                        "max": outcome.total,
                        "scaled": outcome.right / outcome.total,
                    },
                    "success": outcome.passed,
                    "completion": True,
                    "response": json.dumps(
                        [q.answer for q in outcome.questions], ensure_ascii=False
                    ),
                },
            }
        ],
        activity_key=lab_activity_key(lab["key"]),
    )
