"""HTTP for H5P: stored files, the sandboxed player document, the activity page and
the xAPI / resume-state endpoints. Thin: parse, call ``api``, answer.
"""

from __future__ import annotations

import json
import mimetypes

from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from lms.learning.api import MAX_BATCH, InvalidStatement, StatementConflict

from . import api, storage
from .blocks import H5PActivityBlock
from .models import H5PContent

MAX_XAPI_BODY = 2 * 1024 * 1024


def player_policy() -> str:
    """The Content-Security-Policy of the player document (ADR 0007, 0013).

    It runs package JavaScript. As a sandbox without allow-same-origin it gets
    an opaque origin: it cannot read the learner's cookies or session, nor
    script the lesson page or the admin. On top, it may load only the player's
    own files from this site: a package cannot pull script from, send data to
    or open frames on another site unless the deployment lists that origin in
    ``H5P_SCRIPT_ALLOWED_ORIGINS`` / ``H5P_FRAME_ALLOWED_ORIGINS``.
    """
    frames = list(settings.H5P_FRAME_ALLOWED_ORIGINS) or [NONE]
    directives = {
        "sandbox": ["allow-scripts"],
        "default-src": [NONE],
        # Libraries compile templates at run time (EmbeddedJS, used by
        # MultiChoice). Eval gives package code nothing it lacks: it already
        # runs here; what this policy limits is where it can reach.
        "script-src": [SELF, UNSAFE_EVAL, *settings.H5P_SCRIPT_ALLOWED_ORIGINS],
        # H5P core and libraries style their widgets with style attributes.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": frames,
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [NONE],
    }
    # Written here, in this order, and kept by the site's middleware (which
    # leaves a view's own policy alone).
    return "; ".join(
        f"{name} {' '.join(values)}" for name, values in directives.items()
    )


@require_http_methods(["GET", "HEAD", "OPTIONS"])
def files(request: HttpRequest, path: str) -> HttpResponse:
    """A stored library or content file, readable from the sandboxed player."""
    if request.method == "OPTIONS":
        # CORS preflight: some libraries (e.g. Timeline) send custom headers.
        preflight = HttpResponse(status=204)
        preflight["Access-Control-Allow-Origin"] = "*"
        preflight["Access-Control-Allow-Methods"] = "GET, HEAD"
        preflight["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", ""
        )[:500]
        preflight["Access-Control-Max-Age"] = "3600"
        return preflight
    target = storage.resolve(path)
    if target is None or not default_storage.exists(target):
        raise Http404("Archivo H5P no encontrado.")
    try:
        handle = default_storage.open(target, "rb")
    except IsADirectoryError as exc:  # a folder on disk "exists" too
        raise Http404("Archivo H5P no encontrado.") from exc
    content_type, _ = mimetypes.guess_type(target)
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream"
    )
    # The player's origin is opaque ("null"), so its fetches are cross-origin.
    # These files are course material, never personal data, and are sent
    # without credentials.
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened directly (e.g. an SVG), a file still cannot run script.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@xframe_options_sameorigin
def player(request: HttpRequest, key: str) -> HttpResponse:
    """The document inside the sandboxed iframe: h5p-standalone and the relay."""
    content = api.get_content(key)
    if content is None:
        raise Http404("Actividad H5P no encontrada.")
    paths = api.player_paths(key)
    config = {
        "key": key,
        "h5pJsonPath": paths.h5p_json_path,
        "contentJsonPath": paths.content_json_path,
        "librariesPath": paths.libraries_path,
        "frameJs": static("h5p-standalone/frame.bundle.js"),
        "frameCss": static("h5p-standalone/styles/h5p.css"),
        "activityIri": request.build_absolute_uri(f"/h5p/{key}/"),
    }
    response = render(
        request, "h5p/player.html", {"content": content, "config": config}
    )
    response["Content-Security-Policy"] = player_policy()
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@ensure_csrf_cookie
def activity(request: HttpRequest, key: str) -> HttpResponse:
    """A page with just the activity (preview, direct links, browser tests)."""
    content = H5PContent.objects.filter(key=key).first()
    if content is None:
        raise Http404("Actividad H5P no encontrada.")
    # Rendered through the lesson block, so this page plays exactly as lessons do.
    block = H5PActivityBlock()
    activity_html = block.render(content, context={"request": request})
    return render(
        request,
        "h5p/activity_page.html",
        {"content": content, "activity_html": activity_html},
    )


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def xapi(request: HttpRequest, key: str) -> JsonResponse:
    """Receive one statement or a list of statements from the player relay.

    An exact replay of a stored statement answers 200 (counted as a duplicate,
    stored once); a known id with different content answers 409 Conflict and
    stores nothing of the request (xAPI 1.0.3).
    """
    if not request.user.is_authenticated:
        return _refuse("Inicie sesión para guardar su progreso.", 403)
    # ``content_id``: one query, where ``get_content`` also reads the libraries.
    if api.content_id(key) is None:
        return _refuse("Actividad H5P no encontrada.", 404)
    if len(request.body) > MAX_XAPI_BODY:
        return _refuse(
            "La solicitud es demasiado grande; envíe menos declaraciones.", 413
        )
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _refuse("El cuerpo debe ser JSON (una declaración o una lista).", 400)
    statements = payload if isinstance(payload, list) else [payload]
    if len(statements) > MAX_BATCH:
        return _refuse(
            f"Envíe como máximo {MAX_BATCH} declaraciones por solicitud.", 400
        )
    try:
        result = api.record_xapi(request.user.pk, key, statements)
    except InvalidStatement as exc:
        return _refuse(str(exc), 400)
    except StatementConflict as exc:
        return _refuse(str(exc), 409)
    state = result.state
    return JsonResponse(
        {
            "stored": result.stored,
            "duplicates": result.duplicates,
            "state": {
                "attempted": state.attempted,
                "completed": state.completed,
                "passed": state.passed,
                "best_score_scaled": state.best_score_scaled,
                "best_score_raw": state.best_score_raw,
                "best_score_max": state.best_score_max,
            },
        }
    )


@require_POST
def resume_state(request: HttpRequest, key: str) -> JsonResponse:
    """Keep the player's saved state for the signed-in learner."""
    if not request.user.is_authenticated:
        return _refuse("Inicie sesión para guardar su progreso.", 403)
    if api.get_content(key) is None:
        return _refuse("Actividad H5P no encontrada.", 404)
    try:
        payload = json.loads(request.body)
        state = payload["state"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        return _refuse("Envíe JSON con el campo «state».", 400)
    if not isinstance(state, str):
        return _refuse("El campo «state» debe ser texto.", 400)
    try:
        api.save_resume_state(request.user.pk, key, state=state)
    except InvalidStatement as exc:
        return _refuse(str(exc), 400)
    return JsonResponse({"saved": True})
