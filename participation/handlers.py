"""Receivers of the events eligibility depends on (connected in ``apps.ready``).

Certificates and registration data are announced after their transaction has
committed, in another app: the recompute's task is written into the task outbox
right then (``tenants.api.send_after_commit``, its own short transaction) and
published at once, or by the relay once a broker that was down is back. A
process that dies between the other app's commit and this receiver leaves the
standing to the nightly recount (``participation.recount``), which rebuilds
every locality's from the certificates themselves.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import DatabaseError

from certificates import api as certificates_api
from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from . import certified

logger = logging.getLogger(__name__)

RECOMPUTE_PERSON_TASK = "participation.recompute_eligibility"


def queue_recompute(user_id: int, also_in: str | None = None) -> None:
    """One person's standing, recomputed by a worker (through the outbox)."""
    tenants_api.send_after_commit(RECOMPUTE_PERSON_TASK, user_id, also_in)


def on_certificate_issued(
    sender: Any, *, user_id: int, course_key: str, issued_at: datetime, **kwargs: Any
) -> None:
    # Sent after commit in the issuing locality's schema: the index first, so the
    # recompute reads the new certificate.
    try:
        certified.record_issued(user_id, course_key, issued_at=issued_at)
    except DatabaseError:
        logger.exception("Participación: índice sin actualizar; el recuento lo hará.")
    queue_recompute(user_id, tenants_api.current_schema())


def on_certificate_revoked(
    sender: Any,
    *,
    user_id: int,
    course_key: str,
    certified_since: datetime | None,
    **kwargs: Any,
) -> None:
    try:
        certified.record_revoked(user_id, course_key, certified_since=certified_since)
    except DatabaseError:
        logger.exception("Participación: índice sin actualizar; el recuento lo hará.")
    queue_recompute(user_id, tenants_api.current_schema())


def on_people_changed(
    sender: Any, *, user_ids: list[int] | None, **kwargs: Any
) -> None:
    # A bulk import (None) changes no one's certificates: nothing to recompute.
    for user_id in user_ids or []:
        queue_recompute(user_id)


def connect() -> None:
    certificates_api.certificate_issued.connect(
        on_certificate_issued, dispatch_uid="participation.certified"
    )
    certificates_api.certificate_revoked.connect(
        on_certificate_revoked, dispatch_uid="participation.revoked"
    )
    accounts_api.people_changed.connect(
        on_people_changed, dispatch_uid="participation.people_changed"
    )
