"""``/healthz`` and ``/readyz`` for the proxy, the load balancer and the supervisor.

Answered by a middleware placed before the locality middleware, so they work on
any host (a load balancer probes by IP, a host Django does not list), over plain
HTTP (no HTTPS redirect: the probe talks to the node directly), without sign-in,
sessions or a locality. They say nothing about people or data:

- ``/healthz``: liveness. The process answers; nothing else is touched.
- ``/readyz``: readiness. The database (through whatever pooler is configured),
  the cache and the Celery broker each answer within about a second; otherwise
  503 and a JSON body naming which are down. Details of the failure go to the
  log, never into the answer.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tenants import api as tenants_api

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
# Seconds a dependency may take before it counts as down.
CHECK_TIMEOUT = 1.0


def check_database() -> None:
    from django.db import connection

    # The public schema: no locality is involved in a probe.
    with tenants_api.in_public_schema(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    from django.core.cache import cache

    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def check_broker() -> None:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    # A closed port must fail fast, not wait for kombu's retries.
    options.update(socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT)
    with Connection(
        url, connect_timeout=CHECK_TIMEOUT, transport_options=options
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)
        # Redis connects lazily: a round trip proves the server answers.
        client = getattr(conn.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception:  # any failure means "not ready"; the log says which
            logger.warning("readyz: %s is down", name, exc_info=True)
            results[name] = "down"
        else:
            results[name] = "ok"
        logger.debug("readyz: %s in %.3f s", name, time.perf_counter() - started)
    return all(value == "ok" for value in results.values()), results


def _json(payload: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    """Answer the two probe paths before any host or locality logic runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in (LIVENESS_PATH, READINESS_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json({"status": "method not allowed"}, 405)
            response["Allow"] = "GET, HEAD"
            return response
        if path == LIVENESS_PATH:
            return _json({"status": "ok"}, 200)
        ready, checks = readiness()
        return _json(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            200 if ready else 503,
        )
