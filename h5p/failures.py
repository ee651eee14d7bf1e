"""Activities that did not start in a browser: a log line and a counted record.

The lesson page reports a player that failed (its JavaScript threw, a file was
missing, nothing answered in time). Anyone who opens a lesson may report, so
what is kept is bounded: one row per content and message, at most
``MAX_MESSAGES`` different messages per content (later ones are counted
together), each message cut to 300 characters. No person is recorded.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import H5PContent, H5PStartFailure

__all__ = ["MAX_MESSAGES", "OTHER", "record_start_failure"]

logger = logging.getLogger("h5p")

MAX_MESSAGES = 20
OTHER = "(otros errores)"


def _clean(message: str) -> str:
    text = " ".join(str(message).split())  # one line in the log and the admin
    return text[:300] or "(sin mensaje)"


def record_start_failure(key: str, message: str) -> int | None:
    """Count one failure of the content's player; its count so far, or None.

    None when the content does not exist in this locality.
    """
    content_pk = H5PContent.objects.filter(key=key).values_list("pk", flat=True).first()
    if content_pk is None:
        return None
    text = _clean(message)
    logger.warning("La actividad H5P %s no pudo iniciar: %s", key, text)
    with transaction.atomic():
        failures = H5PStartFailure.objects.filter(content_id=content_pk)
        if not failures.filter(message=text).exists() and (
            failures.count() >= MAX_MESSAGES
        ):
            text = OTHER
        row, created = H5PStartFailure.objects.select_for_update().get_or_create(
            content_id=content_pk, message=text
        )
        if not created:
            H5PStartFailure.objects.filter(pk=row.pk).update(
                count=F("count") + 1, last_seen=timezone.now()
            )
            row.refresh_from_db(fields=["count"])
    return row.count
