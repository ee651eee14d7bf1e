"""Forwarding statements to an external LRS (Learning Record Store).

Invariants: a statement is marked forwarded only after the LRS accepted its batch
(2xx, or 409 for ids it already has), so nothing is lost when it is down; the
actor sent is the pseudonymous platform account id in this locality, never an
email. Runs in Celery (``tasks``), never in a learner's request.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants import api as tenants_api

from .errors import LrsUnavailable
from .models import XapiStatement as _XapiStatement

__all__ = ["forward_statements"]


def forward_statements(*, batch_size: int = 100, max_batches: int = 50) -> int:
    """Send the active locality's not-yet-forwarded statements to the LRS.

    Does nothing unless ``settings.LEARNING_LRS_URL`` is set (the LRS's
    ``/statements`` endpoint, e.g. Ralph's ``/xAPI/statements``). Oldest first,
    in batches; a batch is marked forwarded only after the LRS answers 2xx, so a
    failure leaves it for the retry (statement ids make resending harmless: the
    LRS ignores an id it already has, or answers 409, which also counts as
    accepted). The actor is replaced by the pseudonymous platform account id,
    never an email. Runs in Celery, never in the learner's request.
    """
    url = getattr(settings, "LEARNING_LRS_URL", "")
    if not url:
        return 0
    auth = (
        (settings.LEARNING_LRS_USERNAME, settings.LEARNING_LRS_PASSWORD)
        if getattr(settings, "LEARNING_LRS_USERNAME", "")
        else None
    )
    home = f"urn:lms:{tenants_api.current_schema()}"
    sent = 0
    for _ in range(max_batches):
        with transaction.atomic():
            rows = list(
                _XapiStatement.objects.select_for_update(skip_locked=True)
                .filter(forwarded_at__isnull=True)
                .order_by("pk")[:batch_size]
            )
            if not rows:
                break
            _post(url, [_as_sent(row, home) for row in rows], auth=auth)
            _XapiStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
                forwarded_at=timezone.now()
            )
            sent += len(rows)
    return sent


def _as_sent(row: _XapiStatement, home: str) -> dict[str, Any]:
    """The statement as the LRS gets it: the actor is the platform account id."""
    return {
        **row.statement,
        "id": str(row.statement_id),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": home, "name": str(row.user_id)},
        },
        "stored": row.stored_at.isoformat(),
    }


def _post(
    url: str, payload: list[dict[str, Any]], *, auth: tuple[str, str] | None
) -> None:
    """Send one batch; ``LrsUnavailable`` unless it was accepted (2xx or 409)."""
    try:
        response = requests.post(
            url,
            json=payload,
            auth=auth,
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=15,
        )
    except requests.RequestException as exc:
        raise LrsUnavailable(f"El LRS no respondió: {exc}") from exc
    if response.status_code >= 300 and response.status_code != 409:
        raise LrsUnavailable(
            f"El LRS rechazó el lote ({response.status_code}): {response.text[:200]}"
        )
