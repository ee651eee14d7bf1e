"""Production logs: one JSON object per line with the request id and the schema;
Sentry only when configured."""

from __future__ import annotations

import json
import subprocess
import sys

from ..security.test_production_settings import PROJECT_DIR, _production_env

_SCRIPT = """
import logging, sys
import django
django.setup()
import sentry_sdk
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from lms.portal.request_log import RequestIdMiddleware

def view(request):
    logging.getLogger("lms.prueba").info("certificado emitido")
    return HttpResponse("ok")

connection.set_schema("test_kennedy")
request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-0123456789abcdef")
response = RequestIdMiddleware(view)(request)
logging.getLogger("lms.prueba").warning("fuera de una solicitud")
print("ECHO", response["X-Request-Id"], file=sys.stderr)
print("SENTRY", sentry_sdk.get_client().is_active(), file=sys.stderr)
"""


def _run(**env: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=PROJECT_DIR,
        env=_production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr.strip().splitlines()


def test_log_lines_are_json_with_request_id_and_schema(db):
    lines = _run()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    inside, outside = records
    assert inside["message"] == "certificado emitido"
    assert inside["level"] == "INFO"
    assert inside["request_id"] == "req-0123456789abcdef"
    assert inside["schema"] == "test_kennedy"
    assert outside["request_id"] == "-"  # no request, no task
    assert "ECHO req-0123456789abcdef" in lines
    assert "SENTRY False" in lines  # off unless configured


def test_sentry_reports_only_when_a_dsn_is_set(db):
    lines = _run(SENTRY_DSN="http://clave@127.0.0.1:9/1")
    assert "SENTRY True" in lines
