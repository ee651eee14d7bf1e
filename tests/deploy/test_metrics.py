"""``/metrics``: Prometheus text, for the scraper only.

Requests are counted and timed, the broker's queue and the outbox backlog are
read at scrape time; without the token or an allowed address the path is a
plain 404, and with neither configured it is off.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from kombu import Connection, Exchange, Producer, Queue
from prometheus_client.parser import text_string_to_metric_families

from tenants.models import TaskOutbox

TOKEN = "un-token-largo-de-prueba"


def _samples(body: bytes) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _get(client, **extra):
    return client.get("/metrics", HTTP_HOST="10.0.0.7", **extra)


@pytest.mark.django_db
def test_metrics_are_off_without_a_token_or_network(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert _get(client).status_code == 404
    assert _get(client, HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_a_wrong_token_or_address_gets_404_the_right_ones_get_text(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert _get(client, HTTP_AUTHORIZATION="Bearer otro").status_code == 404
    assert _get(client, REMOTE_ADDR="10.21.0.1").status_code == 404
    assert (
        client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404
    )

    by_token = _get(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    by_network = _get(client, REMOTE_ADDR="10.20.3.4")
    for response in (by_token, by_network):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        assert response["Cache-Control"] == "no-store"
        assert b"lms_http_requests_total" in response.content


@pytest.mark.django_db
def test_requests_queue_and_outbox_are_counted(client, settings):
    settings.METRICS_TOKEN = TOKEN
    queue = f"metricas-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}

    before = _samples(_get(client, **auth).content)
    key = ("lms_http_requests_total", (("method", "GET"), ("status", "200")))
    for _ in range(5):
        assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.post("/healthz", HTTP_HOST="10.0.0.7").status_code == 405

    # Three messages wait in the broker's queue; two tasks in the outbox.
    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        pytest.skip("la longitud de la cola se prueba con Redis como broker")
    with Connection(broker) as conn:
        exchange = Exchange(queue, type="direct")
        bound = Queue(queue, exchange, routing_key=queue)(conn.default_channel)
        bound.declare()
        producer = Producer(conn.default_channel, exchange=exchange)
        for n in range(3):
            producer.publish({"n": n}, routing_key=queue, declare=[bound])
    old = timezone.now() - timezone.timedelta(seconds=120)
    TaskOutbox.objects.bulk_create(
        TaskOutbox(
            schema_name="public", task_name="x.y", args=[n], kwargs={}, created_at=old
        )
        for n in range(2)
    )
    try:
        after = _samples(_get(client, **auth).content)
    finally:
        with Connection(broker) as conn:
            bound = Queue(queue)(conn.default_channel)
            bound.purge()
            bound.delete()

    # Scrapes are not counted (answered before the timing): the 5 probes.
    assert after[key] - before.get(key, 0) == 5
    assert (
        after[("lms_http_requests_total", (("method", "POST"), ("status", "405")))] >= 1
    )
    assert after[("lms_http_request_duration_seconds_count", (("method", "GET"),))] >= 5
    assert after[("lms_celery_queue_length", (("queue", queue),))] == 3
    assert after[("lms_outbox_backlog", ())] == 2
    assert after[("lms_outbox_oldest_seconds", ())] >= 120
