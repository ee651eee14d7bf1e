"""JSON endpoints of the H5P player's relay (django-ninja), under /h5p/<key>/.

The lesson page's relay (``static/h5p/relay.js``) posts the learner's xAPI
statements and the player's saved state here, with the session cookie and the
CSRF token (``django_auth`` checks both). Refusals answer ``{"error": ...}`` in
Spanish with the status the relay shows: 403 not signed in or no CSRF token,
404 unknown activity, 400 bad input, 409 a statement id already stored with
other content (nothing of the request is stored), 413 too large a request.

The relay is this site's own client, so the API publishes no OpenAPI page; its
schema is fuzzed in ``tests/h5p/test_rest_fuzz.py`` all the same.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from lms.learning.api import (
    MAX_BATCH,
    InvalidStatement,
    RecordResult,
    StatementConflict,
)

from . import api
from .known_keys import content_exists

MAX_XAPI_BODY = 2 * 1024 * 1024


class _BodyTooLarge(ValueError):
    pass


class _SizedJsonParser(Parser):
    """JSON bodies up to ``MAX_XAPI_BODY`` bytes (a batch of statements)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if len(request.body) > MAX_XAPI_BODY:
            raise _BodyTooLarge
        return json.loads(request.body)


rest_api = NinjaAPI(
    title="Escuela de Participación · actividades H5P",
    version="1.0.0",
    description="Resultados xAPI y estado guardado del reproductor H5P.",
    urls_namespace="h5p:h5p_api",
    auth=django_auth,
    parser=_SizedJsonParser(),
    openapi_url=None,
    docs_url=None,
)


class ErrorOut(Schema):
    error: str


class StateOut(Schema):
    attempted: bool
    completed: bool
    passed: bool
    best_score_scaled: float | None
    best_score_raw: float | None
    best_score_max: float | None


class XapiOut(Schema):
    stored: int
    duplicates: int
    state: StateOut


class ResumeStateIn(Schema):
    state: str


class SavedOut(Schema):
    saved: bool


class FailureIn(Schema):
    message: str


class FailureOut(Schema):
    recorded: bool


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut}


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return rest_api.create_response(request, {"error": message}, status=status)


@rest_api.exception_handler(AuthenticationError)
def _not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _refuse(request, _("Inicie sesión para guardar su progreso."), 403)


@rest_api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, _BodyTooLarge):
        return _refuse(
            request,
            _("La solicitud es demasiado grande; envíe menos declaraciones."),
            413,
        )
    if exc.status_code == 400:  # the body is not JSON
        return _refuse(
            request, _("El cuerpo debe ser JSON (una declaración o una lista)."), 400
        )
    if exc.status_code == 403:  # django_auth's CSRF check
        return _refuse(
            request,
            _("Falta el código de seguridad (CSRF); recargue la página."),
            403,
        )
    return _refuse(request, str(exc), exc.status_code)


@rest_api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if request.path.endswith("/estado/"):
        message = _("Envíe JSON con el campo «state» (texto).")
    elif request.path.endswith("/fallo/"):
        message = _("Envíe JSON con el campo «message» (texto).")
    else:
        message = _("El cuerpo debe ser JSON (una declaración o una lista).")
    return _refuse(request, message, 400)


@rest_api.post(
    "/{key}/xapi/", response={200: XapiOut, 409: ErrorOut, **ERRORS}, url_name="xapi"
)
def xapi(
    request: HttpRequest,
    key: str,
    payload: Body[list[dict[str, Any]] | dict[str, Any]],
):
    """Receive one statement or a list of statements from the player relay.

    An exact replay of a stored statement answers 200 (counted as a duplicate,
    stored once); a known id with different content answers 409 Conflict and
    stores nothing of the request (xAPI 1.0.3).
    """
    # Remembered between posts (``known_keys``): no query once the key is known.
    if not content_exists(key):
        return _refuse(request, _("Actividad H5P no encontrada."), 404)
    statements = payload if isinstance(payload, list) else [payload]
    if len(statements) > MAX_BATCH:
        return _refuse(
            request,
            _("Envíe como máximo %(count)s declaraciones por solicitud.")
            % {"count": MAX_BATCH},
            400,
        )
    try:
        result = api.record_xapi(request.user.pk, key, statements)
    except InvalidStatement as exc:
        return _refuse(request, str(exc), 400)
    except StatementConflict as exc:
        return _refuse(request, str(exc), 409)
    return _recorded(result)


# ``XapiOut``'s fields, in its order: the answer below is written from them.
_STATE_FIELDS = tuple(StateOut.model_fields)


def _recorded(result: RecordResult) -> HttpResponse:
    """The 200 answer, as ``XapiOut`` documents it, encoded at once.

    The player posts one statement per answer, so this answer is the one a
    campaign peak multiplies. Returned as a ready response, it skips
    django-ninja's validation of the returned value against ``XapiOut`` (a
    second pass over values this module has just taken from the record) and
    its encoder class: six plain fields and two counts.
    """
    state = result.state
    body = {
        "stored": result.stored,
        "duplicates": result.duplicates,
        "state": {name: getattr(state, name) for name in _STATE_FIELDS},
    }
    return HttpResponse(json.dumps(body), content_type=rest_api.get_content_type())


@rest_api.post("/{key}/estado/", response={200: SavedOut, **ERRORS}, url_name="state")
def resume_state(request: HttpRequest, key: str, payload: ResumeStateIn):
    """Keep the player's saved state for the signed-in learner."""
    if api.get_content(key) is None:
        return _refuse(request, _("Actividad H5P no encontrada."), 404)
    try:
        api.save_resume_state(request.user.pk, key, state=payload.state)
    except InvalidStatement as exc:
        return _refuse(request, str(exc), 400)
    return {"saved": True}


@rest_api.post(
    "/{key}/fallo/",
    response={200: FailureOut, **ERRORS},
    url_name="failure",
    # Anyone who can open the lesson may see the activity fail, signed in or
    # not; what is kept is bounded and names no one (``failures``).
    auth=None,
)
def start_failure(request: HttpRequest, key: str, payload: FailureIn):
    """The relay saw the player fail to start: log it and count it."""
    if api.record_start_failure(key, payload.message) is None:
        return _refuse(request, _("Actividad H5P no encontrada."), 404)
    return {"recorded": True}
