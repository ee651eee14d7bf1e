"""``/metrics`` in Prometheus text format, for the node's scraper only.

What it tells (prometheus_client, the maintained client of the Prometheus
project):

- ``lms_http_requests_total{method,status}`` and
  ``lms_http_request_duration_seconds{method}``: every request this node
  answered, counted and timed by the first middleware (so probes, static files
  and 503s count too). Labels are few on purpose: no path, no locality (a
  label per locality or URL would multiply the series).
- ``lms_celery_queue_length{queue}``: messages waiting in the broker, read at
  scrape time (-1 if the broker did not answer within a second).
- ``lms_outbox_backlog`` and ``lms_outbox_oldest_seconds``: tasks waiting in
  the outbox because the broker did not take them (ADR 0018).

Not public: it answers only a request with ``Authorization: Bearer
<METRICS_TOKEN>`` or from an address in ``METRICS_ALLOWED_NETWORKS``; with
neither set it is off (404), and so is anything not allowed, so the path's
existence is not advertised. Behind a proxy every request comes from the
proxy's address: the proxy must not forward ``/metrics`` (nginx in
``make prod-local`` answers it 404), and the scraper asks each node directly,
as the load balancer probes ``/readyz``.

With several processes per node (gunicorn), set ``PROMETHEUS_MULTIPROC_DIR``
(``deploy/gunicorn.conf.py`` does) so the counters of every process are summed.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from tenants import api as tenants_api

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
BROKER_TIMEOUT = 1.0  # seconds

REQUESTS = Counter(
    "lms_http_requests",
    "Peticiones HTTP respondidas por este nodo.",
    ["method", "status"],
)
LATENCY = Histogram(
    "lms_http_request_duration_seconds",
    "Tiempo de respuesta de las peticiones HTTP.",
    ["method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class BacklogCollector:
    """Queue and outbox figures, read when Prometheus scrapes (not per request)."""

    def collect(self):
        queues = GaugeMetricFamily(
            "lms_celery_queue_length",
            "Mensajes esperando en el broker (-1: no respondió).",
            labels=["queue"],
        )
        for name, length in celery_queue_lengths().items():
            queues.add_metric([name], length)
        yield queues
        try:
            with tenants_api.in_public_schema():
                count, oldest = tenants_api.outbox_backlog()
        except Exception:  # a scrape must not fail because the database did
            logger.warning("metrics: outbox backlog unavailable", exc_info=True)
            count, oldest = -1, -1.0
        yield GaugeMetricFamily(
            "lms_outbox_backlog", "Tareas esperando en el outbox.", value=count
        )
        yield GaugeMetricFamily(
            "lms_outbox_oldest_seconds",
            "Edad de la tarea más antigua del outbox, en segundos.",
            value=oldest,
        )


def celery_queue_lengths() -> dict[str, int]:
    from kombu import Connection

    names = [getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")]
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    options.update(socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT)
    lengths = dict.fromkeys(names, -1)
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT,
            transport_options=options,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
            for name in names:
                lengths[name] = _queue_length(conn, name)
    except Exception:  # the broker is down or the queue does not exist yet
        logger.warning("metrics: broker queue length unavailable", exc_info=True)
    return lengths


def _queue_length(conn, name: str) -> int:
    channel = conn.channel()
    try:
        # Passive: counts an existing queue, never creates one.
        return channel.queue_declare(queue=name, passive=True).message_count
    except conn.channel_errors:
        return 0  # never declared (no worker has started yet): nothing waits
    finally:
        channel.close()


def allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        if hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode()):
            return True
    networks = getattr(settings, "METRICS_ALLOWED_NETWORKS", ())
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net) for net in networks)
    return False


def render_metrics() -> HttpResponse:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(BacklogCollector())
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class MetricsMiddleware:
    """First middleware: times and counts every request; answers ``/metrics``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == METRICS_PATH:
            if request.method in ("GET", "HEAD") and allowed(request):
                return render_metrics()
            return HttpResponse(status=404)
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "OTHER"
        LATENCY.labels(method).observe(time.perf_counter() - started)
        REQUESTS.labels(method, str(response.status_code)).inc()
        return response
