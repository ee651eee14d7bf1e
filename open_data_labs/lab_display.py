"""What a lab block shows the learner: the data's pages, the questions, the last
answers with each question's message, and the best result so far.

The outcome of the last submission waits in the session under
``outcome_session_key`` (post/redirect/get: ``lab_answer_views.answer`` puts it
there and the lesson takes it once). Nothing is computed here: the expected
answers were computed when the lab was saved.
"""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lms.learning import api as learning_api
from tenants import api as tenants_api

from .data import CheckKind

__all__ = ["answer_field", "lab_context", "outcome_session_key"]


def answer_field(number: int) -> str:
    """Name of the form field of question ``number`` (1-based)."""
    return f"respuesta-{number}"


def outcome_session_key(lab_key: str) -> str:
    return f"open_data.lab.{lab_key}"


_HELP = {
    CheckKind.NUMBER: lambda: _("Un número, por ejemplo 47,3 o 1.234.567."),
    CheckKind.CATEGORY: lambda: _("Un valor, escrito como en los datos."),
    CheckKind.SET: lambda: _("Varios valores, uno por línea; el orden no importa."),
    CheckKind.RANKING: lambda: _("Varios valores, uno por línea, en orden."),
    CheckKind.PROPERTY: lambda: _(
        "Pegue su consulta SQL o la dirección del constructor guiado con su resultado."
    ),
}


def _data_site(schema: str) -> str:
    """The address prefix of the site where the lab's data lives ("" if here)."""
    if not schema or schema == tenants_api.current_schema():
        return ""
    try:
        domain = tenants_api.get_locality(schema).domain
    except tenants_api.LocalityNotFound:
        return ""
    return tenants_api.site_url(domain) if domain else ""


def lab_context(value, request) -> dict[str, Any]:
    """The template context of one lab block for the learner of ``request``."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    key = value["key"] or ""
    outcome: dict[str, Any] = {}
    if signed_in and key and hasattr(request, "session"):
        outcome = request.session.pop(outcome_session_key(key), None) or {}
    state = (
        learning_api.get_activity_state(user.pk, value.activity_key)
        if signed_in and key
        else None
    )
    site = _data_site(value["data_schema"])
    args = [value["dataset"], value["version"]]
    path = request.get_full_path() if request is not None else ""
    return {
        "anchor": f"laboratorio-{key}",
        "signed_in": signed_in,
        "login_url": f"{reverse('login')}?{urlencode({'next': path})}",
        "csrf": get_token(request) if request is not None else "",
        "action": reverse("open_data:lab_answer", args=[key]) if key else "",
        "back": request.path if request is not None else "",
        "builder_url": site + reverse("open_data:lab", args=args),
        "sql_url": site + reverse("open_data:sql", args=args),
        "profile_url": site + reverse("open_data:profile", args=args),
        "questions": _questions(value, outcome),
        "result": outcome.get("result"),
        "error": outcome.get("error"),
        "best_percent": (
            round(100 * state.best_score_scaled, 1)
            if state and state.best_score_scaled is not None
            else None
        ),
        "passed": bool(state and state.passed),
    }


def _questions(value, outcome: dict[str, Any]) -> list[dict[str, Any]]:
    answers = outcome.get("answers") or {}
    results = {
        q["number"]: q for q in (outcome.get("result") or {}).get("questions", [])
    }
    shown = []
    for number, question in enumerate(value["questions"], start=1):
        kind = CheckKind(question["check"])
        result = results.get(number) or {}
        shown.append(
            {
                "number": number,
                "name": answer_field(number),
                "text": question["text"],
                "multiline": kind
                in (CheckKind.SET, CheckKind.RANKING, CheckKind.PROPERTY),
                "numeric": kind is CheckKind.NUMBER,
                "help": _HELP[kind](),
                "typed": answers.get(answer_field(number), ""),
                "message": result.get("message", ""),
                "is_right": result.get("is_right"),
                "hints": [h for h in question["hints"] if h],
            }
        )
    return shown
