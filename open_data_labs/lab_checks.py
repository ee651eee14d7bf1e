"""Lab answer checks: reading a learner's answer and comparing it with the expected one.

Pure functions, no database: ``labs.py`` feeds them the stored question and, for
property questions, the result of the learner's own query.

- **Expected answers come from a reference query** run once, when the lab is
  saved, on the pinned version (``expected_from_result``); they are stored with
  the lab, so a newer version of the data never changes them.
- **Answers are read the Colombian way**: ``47,3``, ``1.234.567``, ``$ 1.234,5``
  and ``47.3`` are numbers; a lone ``1.234`` is one thousand two hundred
  thirty-four (thousands dot). Values are compared without accents, case,
  underscores or a leading article, and a locality's name in any spelling
  ("ANTONIO_NARINO", "Antonio Nariño") is that locality.
- **Known wrong answers** (a trainer's literal value, or one computed by a query
  that makes the usual mistake) get their own message; they are compared the
  same way as the right answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .data import CheckKind, LabProperty, QueryResult, QuestionOutcome
from .places import is_total, locality_name, normal_place

__all__ = [
    "LabRefused",
    "answer_text",
    "expected_from_result",
    "grade",
    "normal_value",
    "parse_number",
    "split_values",
]

# Most values a set or ranking answer is compared on (a reference query that
# returns more is refused: nobody types 200 names on a phone).
MAX_LIST_VALUES = 30


class LabRefused(ValueError):
    """A lab that cannot be saved or answered as written; ``str()`` is Spanish."""


# --- Reading answers --------------------------------------------------------------

_THOUSANDS_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(text: str) -> float | None:
    """A number as people write it here, or None (``47,3``, ``1.234,5``, ``12 %``)."""
    plain = re.sub(r"[\s$%]|COP", "", str(text), flags=re.IGNORECASE)
    if not plain:
        return None
    if "," in plain and "." in plain:
        # The last separator is the decimal one: 1.234,5 or 1,234.5.
        thousands = "." if plain.rfind(",") > plain.rfind(".") else ","
        plain = plain.replace(thousands, "").replace(",", ".")
    elif "," in plain:
        plain = plain.replace(",", ".") if plain.count(",") == 1 else ""
    elif _THOUSANDS_DOTS.match(plain):
        plain = plain.replace(".", "")
    try:
        value = float(plain)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def normal_value(text: str) -> str:
    """How two values are compared: a locality by its official name, else plain words."""
    official = locality_name(text)
    if official:
        return normal_place(official)
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", " ", plain).strip().upper()


def split_values(text: str) -> list[str]:
    """Several values typed one per line, or separated by ``;`` or ``,``."""
    return [v.strip() for v in re.split(r"[\n;,]+", str(text)) if v.strip()]


# --- Expected answers from the reference query ------------------------------------


def _plain(value: Any) -> Any:
    """A result value that JSON can keep (dates as ISO text, decimals as floats)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def expected_from_result(
    kind: CheckKind, prop: LabProperty | None, result: QueryResult
) -> dict[str, Any]:
    """The expected answer the reference query gives, to store with the lab.

    Raises ``LabRefused`` (Spanish) when the query's shape does not fit the check.
    """
    if kind is CheckKind.PROPERTY and prop is LabProperty.ONLY_LOCALITIES:
        return {}
    if not result.rows:
        raise LabRefused(
            _("La consulta de referencia no devuelve filas; revise sus filtros.")
        )
    first = [row[0] for row in result.rows]
    if kind is CheckKind.NUMBER:
        value = first[0]
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise LabRefused(
                _(
                    "Para una pregunta de número, la consulta de referencia debe "
                    "devolver un número en la primera columna de la primera fila."
                )
            )
        return {"value": float(value)}
    if kind is CheckKind.CATEGORY:
        return {"value": str(first[0])}
    if kind is CheckKind.PROPERTY:
        return {"rows": [[_plain(v) for v in row] for row in result.rows]}
    if len(first) > MAX_LIST_VALUES or result.is_truncated:
        raise LabRefused(
            _(
                "La consulta de referencia devuelve más de %(max)d valores; use "
                "LIMIT o un filtro para que la respuesta se pueda escribir."
            )
            % {"max": MAX_LIST_VALUES}
        )
    values = [str(v) for v in first]
    if kind is CheckKind.SET:
        values = list(dict.fromkeys(values))
    return {"values": values}


def _number_text(value: float) -> str:
    digits = (
        format(value, "f").rstrip("0").rstrip(".") if value % 1 else str(int(value))
    )
    return number_format(Decimal(digits), force_grouping=True)


def answer_text(kind: CheckKind, expected: Mapping[str, Any]) -> str:
    """An expected (or known wrong) answer written as a learner would type it."""
    if kind is CheckKind.NUMBER:
        return _number_text(float(expected["value"]))
    if kind is CheckKind.CATEGORY:
        return str(expected["value"])
    if kind in (CheckKind.SET, CheckKind.RANKING):
        return "\n".join(expected["values"])
    return ""


# --- Grading ------------------------------------------------------------------------


def _same(
    kind: CheckKind, answer: str, expected: Mapping[str, Any], tol: float
) -> bool:
    if kind is CheckKind.NUMBER:
        value = parse_number(answer)
        # A hair of slack so that 0,1 + 0,2 style float noise never decides.
        return value is not None and abs(value - expected["value"]) <= tol + 1e-9
    if kind is CheckKind.CATEGORY:
        return normal_value(answer) == normal_value(expected["value"])
    given = [normal_value(v) for v in split_values(answer)]
    wanted = [normal_value(v) for v in expected["values"]]
    if kind is CheckKind.SET:
        return set(given) == set(wanted)
    return given == wanted


def _not_yet(kind: CheckKind, answer: str, expected: Mapping[str, Any]) -> str:
    """What is wrong, without giving the answer away."""
    if kind is CheckKind.NUMBER and parse_number(answer) is None:
        return _("Escriba solo un número, por ejemplo 47,3 o 1.234.567.")
    if kind is CheckKind.SET:
        given = {normal_value(v) for v in split_values(answer)}
        wanted = {normal_value(v) for v in expected["values"]}
        return _(
            "Aún no. Acertó %(right)d de %(total)d valores y sobran %(extra)d."
        ) % {
            "right": len(given & wanted),
            "total": len(wanted),
            "extra": len(given - wanted),
        }
    if kind is CheckKind.RANKING:
        given = [normal_value(v) for v in split_values(answer)]
        wanted = [normal_value(v) for v in expected["values"]]
        place = next(
            (
                n
                for n, (g, w) in enumerate(zip(given, wanted, strict=False), start=1)
                if g != w
            ),
            min(len(given), len(wanted)) + 1,
        )
        return _(
            "Aún no. El orden debe tener %(total)d valores; revise desde el "
            "puesto %(place)d."
        ) % {"total": len(wanted), "place": place}
    return _("Aún no es la respuesta. Revise la consulta y las pistas.")


def grade(
    number: int,
    question: Mapping[str, Any],
    answer: str,
    *,
    learner_result: QueryResult | None = None,
) -> QuestionOutcome:
    """Compare one answer with the question's expected answer and known mistakes.

    Property questions are graded on ``learner_result``, the rows the learner's
    own query returned on the lab's version.
    """
    kind = CheckKind(question["check"])
    if kind is CheckKind.PROPERTY:
        return _grade_property(number, question, answer, learner_result)
    tol = float(question.get("tolerance") or 0)
    expected = question["expected"]
    if _same(kind, answer, expected, tol):
        message = question.get("feedback") or _("¡Correcto!")
        return QuestionOutcome(number, answer, True, message)
    for wrong in question.get("wrong") or []:
        if not wrong.get("answer"):
            continue
        known = _known_mistake(kind, wrong["answer"])
        if known is not None and _same(kind, answer, known, tol):
            return QuestionOutcome(number, answer, False, wrong["message"], True)
    return QuestionOutcome(number, answer, False, _not_yet(kind, answer, expected))


def _known_mistake(kind: CheckKind, text: str) -> dict[str, Any] | None:
    if kind is CheckKind.NUMBER:
        value = parse_number(text)
        return None if value is None else {"value": value}
    if kind is CheckKind.CATEGORY:
        return {"value": text}
    return {"values": split_values(text)}


def _grade_property(
    number: int,
    question: Mapping[str, Any],
    answer: str,
    result: QueryResult | None,
) -> QuestionOutcome:
    if result is None:  # the caller refused the query and says why
        return QuestionOutcome(number, answer, False, "")
    prop = LabProperty(question["property"])
    if not result.rows:
        return QuestionOutcome(
            number, answer, False, _("Su consulta no devuelve filas; revise el filtro.")
        )
    if prop is LabProperty.ONLY_LOCALITIES:
        problem = _not_localities(result)
    else:
        problem = _other_rows(result, question)
    if problem:
        return QuestionOutcome(number, answer, False, problem)
    return QuestionOutcome(
        number, answer, True, question.get("feedback") or _("¡Correcto!")
    )


def _not_localities(result: QueryResult) -> str:
    """Values of the result's place columns that are not one of the 20 localities.

    A place column is a text column where at least one value names a locality;
    other text (what is counted, a category) is not a place.
    """
    width = len(result.columns)
    places = [
        i
        for i in range(width)
        if any(isinstance(r[i], str) and locality_name(r[i]) for r in result.rows)
    ]
    if not places:
        return _("Incluya en el resultado la columna del lugar.")
    strangers: list[str] = []
    for row in result.rows:
        for i in places:
            value = row[i]
            if isinstance(value, str) and not locality_name(value):
                if value not in strangers:
                    strangers.append(value)
    if not strangers:
        return ""
    totals = [v for v in strangers if is_total(v)]
    shown = get_text_list([f"«{v}»" for v in strangers[:5]], _("y"))
    message = ngettext(
        "Su resultado todavía tiene %(n)d lugar que no es una localidad: %(which)s.",
        "Su resultado todavía tiene %(n)d lugares que no son localidades: %(which)s.",
        len(strangers),
    ) % {"n": len(strangers), "which": shown}
    if totals:
        message += " " + _("Un total no es una localidad: quítelo con un filtro.")
    return message


def _other_rows(result: QueryResult, question: Mapping[str, Any]) -> str:
    tol = float(question.get("tolerance") or 0)
    wanted = [tuple(row) for row in question["expected"]["rows"]]
    given = [tuple(_plain(v) for v in row) for row in result.rows]
    if len(given) != len(wanted):
        return _("Su resultado tiene %(given)d filas y se esperaban %(wanted)d.") % {
            "given": len(given),
            "wanted": len(wanted),
        }
    remaining = list(wanted)
    for row in given:
        match = next((w for w in remaining if _same_row(row, w, tol)), None)
        if match is None:
            return _("Algunas filas de su resultado no son las esperadas.")
        remaining.remove(match)
    return ""


def _same_row(row: Sequence[Any], wanted: Sequence[Any], tol: float) -> bool:
    if len(row) != len(wanted):
        return False
    for got, want in zip(row, wanted, strict=True):
        numbers = isinstance(got, int | float) and isinstance(want, int | float)
        if numbers and not isinstance(got, bool):
            if abs(float(got) - float(want)) > tol + 1e-9:
                return False
        elif normal_value(str(got)) != normal_value(str(want)):
            return False
    return True
