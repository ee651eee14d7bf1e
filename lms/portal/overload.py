"""When the database cannot answer: 503 with ``Retry-After``, JSON for programs.

A pool with no free connection (PgBouncer's wait timeout), a statement stopped
by ``statement_timeout``, a restarting server: all reach Django as
``OperationalError``. That is not a bug of the request but a moment of
overload, so the answer is 503 Service Unavailable with ``Retry-After``, and
programs (the H5P player's xAPI relay, the REST APIs) get JSON they can act on:
keep the batch and send it again later, with the same statement ids. Any other
error stays a 500.

Installed as ``handler500``: Django calls it for every uncaught exception, in a
view or in a middleware, while the exception is still the one being handled.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)


def _database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _wants_json(request: HttpRequest) -> bool:
    path = request.path
    return (
        path.startswith("/api/")
        or path.rstrip("/").endswith("/xapi")
        or "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
    )


def retry_after_seconds() -> int:
    return int(getattr(settings, "OVERLOAD_RETRY_AFTER_SECONDS", 10))


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    exc = sys.exc_info()[1]
    if not _database_unavailable(exc):
        return defaults.server_error(request, *args, **kwargs)
    seconds = retry_after_seconds()
    logger.warning("Base de datos no disponible (%s): 503 a %s", exc, request.path)
    if _wants_json(request):
        response = JsonResponse(
            {
                "error": _(
                    "El servicio está ocupado. Nada de esta solicitud se guardó: "
                    "envíela de nuevo en %(seconds)s segundos."
                )
                % {"seconds": seconds},
                "retry_after": seconds,
            },
            status=503,
        )
    else:
        # No request context: its processors would ask the database again.
        page = loader.get_template("503.html").render({"seconds": seconds})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
