"""HTTP for H5P: stored files, the sandboxed player document and the activity page.
Thin: parse, call ``api``, answer. The relay's JSON endpoints are in ``rest``.
"""

from __future__ import annotations

import mimetypes

from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
)

from . import api, storage
from .blocks import H5PActivityBlock
from .models import H5PContent
from .player_texts import core_translations


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
    if target is None or path.lower().endswith(".swf"):
        # Flash is never stored; a file left by an older installation is still
        # not sent (it could run as this site).
        raise Http404(_("Archivo H5P no encontrado."))
    if not default_storage.exists(target):
        raise Http404(_("Archivo H5P no encontrado."))
    try:
        handle = default_storage.open(target, "rb")
    except IsADirectoryError as exc:  # a folder on disk "exists" too
        raise Http404(_("Archivo H5P no encontrado.")) from exc
    content_type, _encoding = mimetypes.guess_type(target)
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
        raise Http404(_("Actividad H5P no encontrada."))
    paths = api.player_paths(key)
    config = {
        "key": key,
        "h5pJsonPath": paths.h5p_json_path,
        "contentJsonPath": paths.content_json_path,
        "librariesPath": paths.libraries_path,
        "frameJs": static("h5p-standalone/frame.bundle.js"),
        "frameCss": static("h5p-standalone/styles/h5p.css"),
        "activityIri": request.build_absolute_uri(f"/h5p/{key}/"),
        "translations": core_translations(),
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
        raise Http404(_("Actividad H5P no encontrada."))
    # Rendered through the lesson block, so this page plays exactly as lessons do.
    block = H5PActivityBlock()
    activity_html = block.render(content, context={"request": request})
    return render(
        request,
        "h5p/activity_page.html",
        {"content": content, "activity_html": activity_html},
    )
