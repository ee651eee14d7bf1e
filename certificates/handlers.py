"""Receivers of signals from lower layers, connected in ``CertificatesConfig.ready``.

- ``course_completion_recorded`` (learning records): issue the certificate, by
  a task put in the outbox inside the completion's own transaction.
- ``person_anonymized`` / ``person_data_requested`` (accounts' data rights).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils.translation import gettext as _

from lms.accounts import api as accounts_api
from lms.learning import signals as learning_signals
from tenants import api as tenants_api

from .lookup import list_certificates_for_person

logger = logging.getLogger(__name__)


def on_course_completed(
    sender: object,
    *,
    user_id: int,
    course_key: str,
    course_version: int,
    completed_at: datetime,
    **kwargs: object,
) -> None:
    """Schedule the certificate in the completion's transaction (in its schema).

    The outbox row commits with the completion (no completion without its
    issuance, even if the process dies right after the commit); it is sent
    after commit, or by the relay when the broker was down.
    """
    tenants_api.send_after_commit(
        "certificates.issue_certificate",
        user_id,
        course_key,
        course_version,
        completed_at.isoformat(),
    )


def on_person_anonymized(sender: object, *, user_id: int, **kwargs: object) -> None:
    """Keep the certificates as they are.

    A certificate must stay verifiable, so its snapshot (name, document type and
    last digits, course, hours, locality, date) is kept on purpose. The app holds
    no other personal data about the person (no email, no full document number),
    so there is nothing more to drop.
    """
    logger.info("Persona %s anonimizada: sus certificados se conservan.", user_id)


def on_person_data_requested(
    sender: object, *, user_id: int, **kwargs: object
) -> dict[str, list[dict[str, str]]]:
    """What this locality's certificates hold about the person (data download)."""
    rows = [
        {
            "código": c.code,
            "curso": c.course_title,
            "horas": str(c.hours),
            "nombre impreso": c.holder_name,
            "documento impreso": f"{c.document_type} {c.document_last_digits}".strip(),
            "emitido": c.issued_at.isoformat(),
            "estado": _("revocado") if c.is_revoked else _("válido"),
        }
        for c in list_certificates_for_person(user_id)
    ]
    return {"Certificados": rows} if rows else {}


def connect() -> None:
    learning_signals.course_completion_recorded.connect(
        on_course_completed, dispatch_uid="certificates.issue"
    )
    accounts_api.person_anonymized.connect(
        on_person_anonymized, dispatch_uid="certificates.anon"
    )
    accounts_api.person_data_requested.connect(
        on_person_data_requested, dispatch_uid="certificates.data"
    )
