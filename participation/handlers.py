"""Receivers of the role events and of the events eligibility depends on
(connected in ``apps.ready``)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import DatabaseError

from certificates import api as certificates_api
from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from . import certified
from .signals import role_rules_changed, webhook_recorded
from .tasks import (
    deliver_webhook_task,
    recompute_eligibility_task,
    recompute_role_task,
)

logger = logging.getLogger(__name__)


def on_webhook_recorded(sender: Any, *, delivery_id: int, **kwargs: Any) -> None:
    deliver_webhook_task.delay(delivery_id)


def on_certificate_issued(
    sender: Any, *, user_id: int, course_key: str, issued_at: datetime, **kwargs: Any
) -> None:
    # Sent after commit in the issuing locality's schema: the index first, so the
    # recompute reads the new certificate.
    try:
        certified.record_issued(user_id, course_key, issued_at=issued_at)
    except DatabaseError:
        logger.exception("Participación: índice sin actualizar; el recuento lo hará.")
    recompute_eligibility_task.delay(user_id, tenants_api.current_schema())


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
    recompute_eligibility_task.delay(user_id, tenants_api.current_schema())


def on_role_rules_changed(sender: Any, *, role_id: int, **kwargs: Any) -> None:
    recompute_role_task.delay(role_id)


def on_people_changed(
    sender: Any, *, user_ids: list[int] | None, **kwargs: Any
) -> None:
    # A bulk import (None) changes no one's certificates: nothing to recompute.
    for user_id in user_ids or []:
        recompute_eligibility_task.delay(user_id)


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
    role_rules_changed.connect(
        on_role_rules_changed, dispatch_uid="participation.rules_changed"
    )
    webhook_recorded.connect(on_webhook_recorded, dispatch_uid="participation.webhook")
