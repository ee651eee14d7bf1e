"""Outgoing webhooks: signed, stored with the change, retried until 2xx, sent once.

The receiver is a small HTTP server on this machine: only the outside platform is
faked, at the network boundary. The delivery test sends the events through a real
Celery worker (retries and the locality's schema are the point).
"""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
import responses
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from certificates.models import RoleCredential
from lms.celery import app
from participation import api, webhooks
from participation.models import (
    Application,
    CivicRole,
    Cycle,
    RoleTemplate,
    WebhookDelivery,
)
from tenants import api as tenants_api

from ..workers import start_worker, stop_worker, wait_for, worker_env
from .conftest import apply
from .platform import SLOW, receiving

SECRET = "secreto-de-prueba"


def test_no_url_no_events(make_role, person):
    apply(person(), make_role())
    with tenants_api.in_locality("test_kennedy"):
        assert not WebhookDelivery.objects.exists()


@responses.activate
def test_an_event_is_stored_with_the_selection_signed_and_sent_once(
    make_role, person, settings
):
    settings.PARTICIPATION_WEBHOOK_URL = "https://gab.example.org/webhooks/escuela"
    settings.PARTICIPATION_WEBHOOK_SECRET = SECRET
    role = make_role(seats=1)
    holder = person()
    apply(holder, role)
    with tenants_api.in_locality("test_kennedy"):
        [delivery] = WebhookDelivery.objects.all()
        assert delivery.event == "rol.seleccionada"
        assert delivery.payload["persona"] == {"id": holder.pk}
        responses.add(responses.POST, settings.PARTICIPATION_WEBHOOK_URL, status=500)
        responses.add(responses.POST, settings.PARTICIPATION_WEBHOOK_URL, status=204)
        with pytest.raises(webhooks.WebhookNotDelivered):
            webhooks.deliver(delivery.pk)
        assert webhooks.deliver(delivery.pk) is True
        assert webhooks.deliver(delivery.pk) is True  # a redelivered task sends nothing
        delivery.refresh_from_db()
    assert len(responses.calls) == 2 and delivery.attempts == 2
    request = responses.calls[1].request
    assert request.headers["X-Participa-Evento"] == str(delivery.event_id)
    stamp, v1 = request.headers["X-Participa-Firma"].split(",")
    expected = webhooks.signature(SECRET, int(stamp.removeprefix("t=")), request.body)
    assert v1 == f"v1={expected}"


# --- Through a real worker -------------------------------------------------------------


@pytest.fixture
def receiver(request):
    """By default answers 500, then 503, then 200: what a flaky platform does (a
    test may give other answers, and whether it starts up, as its parameter)."""
    answers, up = getattr(request, "param", ([500, 503], True))
    with receiving(answers, up=up) as platform:
        yield platform


@pytest.fixture
def worker(django_db_setup, django_db_blocker, receiver, tmp_path):
    app.control.purge()
    with django_db_blocker.unblock():
        env = worker_env(
            PARTICIPATION_WEBHOOK_URL=receiver.url,
            PARTICIPATION_WEBHOOK_SECRET=SECRET,
            PARTICIPATION_WEBHOOK_BACKOFF="1",
        )
    process = start_worker(env, tmp_path / "worker.log")
    process.log = tmp_path / "worker.log"
    yield process
    stop_worker(process)


@pytest.fixture
def committed_role(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        key = f"webhook-{uuid.uuid4().hex[:8]}"
        today = timezone.localdate()
        with tenants_api.in_locality("campus"):
            api.save_role_template(
                key,
                kind=api.RoleKind.DATA_AUDITOR,
                title="Auditor/a de datos abiertos",
                requires_residence=False,
                selection_mode=api.SelectionMode.FIRST_COME,
            )
        with tenants_api.in_locality("test_kennedy"):
            cycle = api.create_cycle(
                "Auditorías 2027",
                applications_open=today,
                applications_close=today,
                service_starts=today,
                service_ends=today,
            )
            role = api.open_role(cycle.cycle_id, key, seats=1)
        with tenants_api.in_public_schema():
            person = get_user_model().objects.create_user(
                username=key,
                email=f"{key}@example.org",
                first_name="Lucía",
                last_name="Ortiz",
                birth_date=date(1990, 1, 1),
            )
        yield role, person
        with tenants_api.in_locality("test_kennedy"):
            WebhookDelivery.objects.filter(payload__rol__id=role.role_id).delete()
            RoleCredential.objects.filter(user_id=person.pk).delete()
            Application.objects.filter(role_id=role.role_id).delete()
            CivicRole.objects.filter(pk=role.role_id).delete()
            Cycle.objects.filter(pk=cycle.cycle_id).delete()
        with tenants_api.in_locality("campus"):
            RoleTemplate.objects.filter(key=key).delete()
        connection.set_schema_to_public()


@pytest.mark.worker
def test_a_worker_retries_until_the_platform_accepts_and_sends_each_event_once(
    worker, receiver, committed_role, django_db_blocker
):
    role, person = committed_role
    original = (
        settings.PARTICIPATION_WEBHOOK_URL,
        settings.PARTICIPATION_WEBHOOK_SECRET,
    )
    settings.PARTICIPATION_WEBHOOK_URL, settings.PARTICIPATION_WEBHOOK_SECRET = (
        receiver.url,
        SECRET,
    )
    try:
        with django_db_blocker.unblock():
            with tenants_api.in_locality("test_kennedy"):
                api.apply(
                    person.pk, role.role_id, motivation="", declares_no_impediment=True
                )  # commits: outside a test transaction
            wait_for(
                lambda: any(status == 200 for _, _, status in receiver.calls),
                120,
                lambda: f"{receiver.calls!r}\n{worker.log.read_text()[-3000:]}",
            )
            with tenants_api.in_locality("test_kennedy"):
                [delivery] = WebhookDelivery.objects.filter(
                    payload__rol__id=role.role_id
                )
                wait_for(
                    lambda: RoleCredential.objects.filter(user_id=person.pk).exists(),
                    60,
                    lambda: worker.log.read_text()[-3000:],
                )
            connection.set_schema_to_public()
    finally:
        settings.PARTICIPATION_WEBHOOK_URL, settings.PARTICIPATION_WEBHOOK_SECRET = (
            original
        )
    assert [status for _, _, status in receiver.calls] == [500, 503, 200]
    assert delivery.delivered_at is not None and delivery.attempts == 3
    for headers, body, _status in receiver.calls:
        assert headers["X-Participa-Evento"] == str(delivery.event_id)
        stamp, v1 = headers["X-Participa-Firma"].split(",")
        assert v1 == "v1=" + webhooks.signature(
            SECRET, int(stamp.removeprefix("t=")), body
        )
        assert json.loads(body)["localidad"] == "test_kennedy"


@pytest.mark.worker
@pytest.mark.parametrize("receiver", [([(SLOW, 12), 500], False)], indirect=True)
def test_a_platform_down_then_slow_then_failing_keeps_the_event_once(
    worker, receiver, committed_role, django_db_blocker, settings
):
    """Connections refused, an answer later than our timeout, a 500: the worker
    keeps trying with the same event id, so the platform keeps the event once."""
    role, person = committed_role
    settings.PARTICIPATION_WEBHOOK_URL = receiver.url
    settings.PARTICIPATION_WEBHOOK_SECRET = SECRET

    def log() -> str:
        return f"{receiver.calls!r}\n{worker.log.read_text()[-3000:]}"

    with django_db_blocker.unblock():
        with tenants_api.in_locality("test_kennedy"):
            api.apply(
                person.pk, role.role_id, motivation="", declares_no_impediment=True
            )
            [delivery] = WebhookDelivery.objects.filter(payload__rol__id=role.role_id)

            def tried() -> bool:
                delivery.refresh_from_db()
                return delivery.attempts >= 1

            wait_for(tried, 60, log)
            assert delivery.delivered_at is None
            assert "refused" in delivery.last_error.lower(), delivery.last_error
            receiver.start()  # the platform is back, slow at first

            def delivered() -> bool:
                delivery.refresh_from_db()
                return delivery.delivered_at is not None

            wait_for(delivered, 120, log)
            wait_for(lambda: len(receiver.calls) == 3, 30, log)  # the late answer
        connection.set_schema_to_public()
    # The slow call answered 200 after we gave up on it; then a 500; then 200.
    assert sorted(receiver.statuses()) == [200, 200, 500]
    assert receiver.accepted_events() == [str(delivery.event_id)]
    refused = delivery.attempts - len(receiver.calls)
    assert refused >= 1 and delivery.last_status == 200 and delivery.last_error == ""
    for headers, body, _status in receiver.calls:
        assert json.loads(body)["id"] == str(delivery.event_id)
        stamp, v1 = headers["X-Participa-Firma"].split(",")
        assert v1 == "v1=" + webhooks.signature(
            SECRET, int(stamp.removeprefix("t=")), body
        )
