"""Every log line says which request (or task) and which locality it belongs to.

``RequestIdMiddleware`` takes the proxy's ``X-Request-Id`` (nginx sets one per
request) or makes one, keeps it for the request's log lines and returns it in
the response, so a person's report ("request 3f2a…") finds its lines on every
web node. ``ContextFilter`` adds ``request_id`` and ``schema`` to each record;
in a Celery worker the request id is the task id. Production formats the
records as one JSON object per line (``lms/settings/production.py``).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from celery import current_task
from django.db import connection
from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get("X-Request-Id", "")
        request_id = offered if _SAFE_ID.match(offered) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-Id"] = request_id
        return response


def _task_id() -> str:
    return getattr(getattr(current_task, "request", None), "id", None) or ""


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``schema`` to every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or _task_id() or "-"
        record.schema = getattr(connection, "schema_name", "") or "-"
        return True
