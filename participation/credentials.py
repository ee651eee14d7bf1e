"""The role credential of a selected person: signed by the locality's issuer
(``certificates``), valid until the role's service ends, revoked when they leave."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from certificates import api as certificates_api

from . import webhooks
from .data import ApplicationStatus
from .models import Application as _Application


def role_ref(role_id: int) -> str:
    """How the certificates app names a role of this locality (its public page)."""
    return f"roles/{role_id}"


def issue_for_application(application_id: int) -> str | None:
    """Issue the credential of a selected application; its uuid, or None if the
    application is no longer selected (the task came late: nothing to issue)."""
    application = _Application.objects.select_related("role__cycle").get(
        pk=application_id
    )
    if application.status != ApplicationStatus.SELECTED:
        return None
    role = application.role
    detail = role.get_investment_line_display() if role.investment_line else ""
    ends = datetime.combine(role.cycle.service_ends, time(23, 59, 59))
    issued = certificates_api.issue_role_credential(
        application.user_id,
        role_ref=role_ref(role.pk),
        role_title=role.title,
        role_detail=" · ".join(p for p in (detail, role.cycle.name) if p),
        valid_until=timezone.make_aware(ends),
    )
    return issued.uuid


def revoke_for_application(application_id: int, *, reason: str) -> bool:
    """Revoke the credential of a person who left the role."""
    application = _Application.objects.get(pk=application_id)
    with transaction.atomic():
        revoked = certificates_api.revoke_role_credential(
            application.user_id, role_ref=role_ref(application.role_id), reason=reason
        )
        if revoked:
            webhooks.record_event(
                "credencial.revocada",
                {
                    "postulacion": application.pk,
                    "persona": {"id": application.user_id},
                    "rol": {"id": application.role_id},
                    "motivo": reason,
                },
            )
    return revoked


def role_credential_of(user_id: int, role_id: int) -> dict | None:
    """The person's valid signed credential for the role, or None."""
    for issued in certificates_api.role_credentials_of(user_id):
        if issued.role_ref == role_ref(role_id) and issued.revoked_at is None:
            return issued.credential
    return None
