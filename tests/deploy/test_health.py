"""``/healthz`` and ``/readyz``: any host, no sign-in, JSON, 503 naming what is down."""

from __future__ import annotations

import json
import socket

import pytest
from django.test import Client


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("host", ["kennedy.test", "10.1.2.3", "nadie.example"])
def test_liveness_answers_on_any_host_without_the_database(host):
    # No `db` fixture: any query would fail the test. An IP or a host no
    # locality serves still gets an answer.
    response = Client(HTTP_HOST=host).get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.parametrize("host", ["kennedy.test", "10.1.2.3"])
def test_readiness_reports_each_dependency(db, host, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = Client(HTTP_HOST=host).get("/readyz")

    assert response.status_code == 200, response.content
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_readiness_is_503_when_the_broker_is_down(db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "broker": "down"},
    }
    # No address, port or error text in the answer (the log has them).
    assert b"127.0.0.1" not in response.content


def test_readiness_is_503_when_the_database_is_down(db, monkeypatch):
    from lms.portal import health

    def refuse():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refuse)
    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)

    response = Client(HTTP_HOST="kennedy.test").get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"] == "down"


def test_readiness_is_503_when_the_cache_is_down(db, settings, monkeypatch):
    from lms.portal import health

    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }

    response = Client(HTTP_HOST="kennedy.test").get("/readyz")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "cache": "down",
        "broker": "ok",
    }


def test_probes_skip_the_https_redirect_and_refuse_writes(settings):
    settings.SECURE_SSL_REDIRECT = True

    assert Client(HTTP_HOST="10.1.2.3").get("/healthz").status_code == 200
    response = Client(HTTP_HOST="10.1.2.3").post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
