"""Outgoing webhooks: role events for an external participation platform.

Each event is stored in the transaction that caused it (``WebhookDelivery``, an
outbox) and sent after commit by a Celery task, retried with exponential backoff
until the receiver answers 2xx. The body is JSON; the headers carry the event id
(``X-Participa-Evento``, for the receiver to drop repeats) and a signature
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
from .signals import webhook_recorded

TIMEOUT_SECONDS = 10
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
    """Store an event in the current transaction; it is sent after commit."""
    if not is_configured():
        return None
    event_id = uuid.uuid4()
    now = timezone.now()
    delivery = _WebhookDelivery.objects.create(
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
    transaction.on_commit(
        lambda: webhook_recorded.send(sender=_WebhookDelivery, delivery_id=delivery.pk)
    )
    return delivery.pk


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The v1 signature of a body sent at ``timestamp`` (also for receivers)."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def deliver(delivery_id: int) -> bool:
    """Send one stored event; True once delivered (now or before).

    Raises ``WebhookNotDelivered`` (or a ``requests`` error) so the task retries.
    """
    delivery = _WebhookDelivery.objects.get(pk=delivery_id)
    if delivery.delivered_at is not None:
        return True  # a redelivered task: the receiver already has it
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
        delivery.save(update_fields=["attempts", "last_error"])
        raise
    delivery.last_status = response.status_code
    if 200 <= response.status_code < 300:
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save(
            update_fields=["attempts", "last_status", "delivered_at", "last_error"]
        )
        return True
    delivery.last_error = response.text[:2000]
    delivery.save(update_fields=["attempts", "last_status", "last_error"])
    raise WebhookNotDelivered(f"HTTP {response.status_code}")


def list_undelivered(*, limit: int = 200) -> list[UndeliveredEvent]:
    """Events of this locality the receiver has not accepted, oldest first."""
    rows = _WebhookDelivery.objects.filter(delivered_at__isnull=True).order_by(
        "created_at"
    )
    return [_undelivered(row) for row in rows[:limit]]


def retry_now(delivery_id: int) -> UndeliveredEvent:
    """Send an undelivered event again now (after commit, by the Celery task,
    with a fresh round of retries). Refused, in Spanish, when it was delivered."""
    row = _WebhookDelivery.objects.filter(pk=delivery_id).first()
    if row is None:
        raise WebhookEventNotFound(_("Ese evento no existe en esta localidad."))
    if row.delivered_at is not None:
        raise ParticipationError(
            _("Ese evento ya fue entregado el %(when)s; no se envía de nuevo.")
            % {"when": formats.date_format(row.delivered_at, "SHORT_DATETIME_FORMAT")}
        )
    transaction.on_commit(
        lambda: webhook_recorded.send(sender=_WebhookDelivery, delivery_id=row.pk)
    )
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
