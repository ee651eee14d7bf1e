"""Outgoing webhooks: role events for an external participation platform.

Each event is stored in the transaction that caused it (``WebhookDelivery``),
and its sending task goes into the task outbox in that same transaction
(``tenants.api.send_after_commit``): published after commit, or by the relay
when the broker was down, so an outage delays an event and never loses it. The
task retries with exponential backoff until the receiver answers 2xx; a row
delivered is never sent again (checked under a row lock, so two copies of the
task, possible after a relay, never both send it). The body is JSON; the
headers carry the event id (``X-Participa-Evento``, for the receiver to drop
repeats: an answer later than our timeout is retried) and a signature
``X-Participa-Firma: t=<unix time>,v1=<hex>``, where v1 is HMAC-SHA256 with the
shared secret over ``"<t>.<body>"``. Receivers should refuse a ``t`` older than a
few minutes. Configured per deployment: ``PARTICIPATION_WEBHOOK_URL`` and
``PARTICIPATION_WEBHOOK_SECRET`` (no URL: no events are stored).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .catalog import ParticipationError
from .data import DeliveryState, UndeliveredEvent
from .models import WebhookDelivery as _WebhookDelivery

TIMEOUT_SECONDS = 10
# The Celery task that sends one stored event (by name: tasks sit above this module).
DELIVER_TASK = "participation.deliver_webhook"
DELIVER_MANY_TASK = "participation.deliver_webhooks"
# Celery retries a refused event this many times (about two days at the
# ten-minute ceiling); after that the row stays for staff to send again.
MAX_RETRIES = 288


class WebhookEventNotFound(ParticipationError):
    """No such event in this locality."""


class WebhookNotDelivered(RuntimeError):
    """The receiver did not answer 2xx; the task retries later."""


def is_configured() -> bool:
    return bool(getattr(settings, "PARTICIPATION_WEBHOOK_URL", ""))


def record_event(event: str, data: dict[str, Any]) -> int | None:
    """Store an event and its sending task in the current transaction."""
    if not is_configured():
        return None
    delivery = _new_delivery(event, data, timezone.now())
    delivery.save()
    tenants_api.send_after_commit(DELIVER_TASK, delivery.pk)
    return delivery.pk


def record_events(event: str, many: list[dict[str, Any]]) -> list[int]:
    """Store many events of one kind (a lottery's seats) in one insert, with one
    outbox row for all: the worker gives each its own sending task
    (``queue_deliveries``), retried on its own."""
    if not is_configured() or not many:
        return []
    now = timezone.now()
    rows = _WebhookDelivery.objects.bulk_create(
        [_new_delivery(event, data, now) for data in many]
    )
    ids = [row.pk for row in rows]
    tenants_api.send_after_commit(DELIVER_MANY_TASK, ids)
    return ids


def queue_deliveries(delivery_ids: list[int]) -> int:
    """One sending task per stored event, through the outbox (in the worker)."""
    with transaction.atomic():
        for delivery_id in delivery_ids:
            tenants_api.send_after_commit(DELIVER_TASK, delivery_id)
    return len(delivery_ids)


def _new_delivery(event: str, data: dict[str, Any], now: Any) -> _WebhookDelivery:
    event_id = uuid.uuid4()
    return _WebhookDelivery(
        event_id=event_id,
        event=event,
        created_at=now,
        payload={
            "id": str(event_id),
            "evento": event,
            "ocurrido_el": now.isoformat(),
            "localidad": tenants_api.current_schema(),
            **data,
        },
    )


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The v1 signature of a body sent at ``timestamp`` (also for receivers)."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def deliver(delivery_id: int) -> bool:
    """Send one stored event; True once delivered (now or before).

    Raises ``WebhookNotDelivered`` (or a ``requests`` error) so the task retries.
    The row stays locked while the receiver answers: a second copy of the task
    (the outbox delivers at least once) waits, then finds it delivered.
    """
    with transaction.atomic():
        delivery = _WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.delivered_at is not None:
            return True  # a redelivered task: the receiver already has it
        failure = _send(delivery)
        delivery.save(
            update_fields=["attempts", "last_status", "delivered_at", "last_error"]
        )
    if failure is not None:
        raise failure
    return True


def _send(delivery: _WebhookDelivery) -> Exception | None:
    """POST the event once; record the outcome on the row (not saved) and return
    the error for the task to retry on, or None when the receiver accepted it."""
    body = json.dumps(delivery.payload, sort_keys=True, ensure_ascii=False).encode()
    timestamp = int(time.time())
    secret = getattr(settings, "PARTICIPATION_WEBHOOK_SECRET", "")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Participa-Evento": str(delivery.event_id),
        "X-Participa-Firma": f"t={timestamp},v1={signature(secret, timestamp, body)}",
    }
    delivery.attempts += 1
    try:
        response = requests.post(
            settings.PARTICIPATION_WEBHOOK_URL,
            data=body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        delivery.last_error = str(exc)[:2000]
        return exc
    delivery.last_status = response.status_code
    if 200 <= response.status_code < 300:
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        return None
    delivery.last_error = response.text[:2000]
    return WebhookNotDelivered(f"HTTP {response.status_code}")


def list_undelivered(*, limit: int = 200) -> list[UndeliveredEvent]:
    """Events of this locality the receiver has not accepted, oldest first."""
    rows = _WebhookDelivery.objects.filter(delivered_at__isnull=True).order_by(
        "created_at"
    )
    return [_undelivered(row) for row in rows[:limit]]


def retry_now(delivery_id: int) -> UndeliveredEvent:
    """Send an undelivered event again now (its task through the outbox, after
    commit, with a fresh round of retries). Refused, in Spanish, when it was
    delivered."""
    row = _WebhookDelivery.objects.filter(pk=delivery_id).first()
    if row is None:
        raise WebhookEventNotFound(_("Ese evento no existe en esta localidad."))
    if row.delivered_at is not None:
        raise ParticipationError(
            _("Ese evento ya fue entregado el %(when)s; no se envía de nuevo.")
            % {"when": formats.date_format(row.delivered_at, "SHORT_DATETIME_FORMAT")}
        )
    tenants_api.send_after_commit(DELIVER_TASK, row.pk)
    return _undelivered(row)


def _undelivered(row: _WebhookDelivery) -> UndeliveredEvent:
    if row.attempts == 0:
        state = DeliveryState.WAITING
    elif row.attempts > MAX_RETRIES:
        state = DeliveryState.EXHAUSTED
    else:
        state = DeliveryState.FAILING
    return UndeliveredEvent(
        delivery_id=row.pk,
        event_id=str(row.event_id),
        event=row.event,
        created_at=row.created_at,
        attempts=row.attempts,
        last_status=row.last_status,
        last_error=row.last_error,
        state=state,
    )
