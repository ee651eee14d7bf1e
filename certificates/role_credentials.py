"""Role credentials: a civic role a person was selected for, signed and revocable.

The app that selects people (``participation``) asks for one after the selection
commits; this locality signs it with the key of its certificates and puts it on
the same status list, so the existing verification page and any conforming
verifier check it the same way.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from . import documents as _documents
from . import signing as _signing
from . import status as _status
from .data import (
    CertificateError,
    CertificateState,
    RoleCredentialData,
    Verification,
)
from .models import RoleCredential as _RoleCredential
from .status_list import domain as _domain
from .status_list import rebuild_status_list as _rebuild_status_list

__all__ = [
    "issue_role_credential",
    "revoke_role_credential",
    "role_credentials_of",
]


@transaction.atomic
def issue_role_credential(
    user_id: int,
    *,
    role_ref: str,
    role_title: str,
    role_detail: str,
    valid_until: datetime,
) -> RoleCredentialData:
    """Sign the person's credential for the role (idempotent while one is valid)."""
    existing = _RoleCredential.objects.filter(
        user_id=user_id, role_ref=role_ref, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return _to_data(existing)
    person = accounts_api.get_person(user_id)
    holder = f"{person.first_name} {person.last_name}".strip()
    locality = tenants_api.get_locality(tenants_api.current_schema())
    now = timezone.now()
    try:
        with transaction.atomic():
            row = _RoleCredential.objects.create(
                user_id=user_id,
                role_ref=role_ref,
                role_title=role_title,
                role_detail=role_detail,
                holder_name=holder,
                locality_name=locality.name,
                valid_from=now,
                valid_until=valid_until,
                issued_at=now,
            )
    except IntegrityError:  # a concurrent issue for the same role won
        return _to_data(
            _RoleCredential.objects.get(
                user_id=user_id, role_ref=role_ref, revoked_at__isnull=True
            )
        )
    status_index = _status.allocate_index(row)
    domain = _domain()
    row.credential = _signing.sign(
        _documents.build_role_credential(
            domain=domain,
            locality_name=row.locality_name,
            uuid=str(row.uuid),
            holder_name=row.holder_name,
            role_ref=role_ref,
            role_title=role_title,
            role_detail=role_detail,
            valid_from=row.valid_from,
            valid_until=valid_until,
            status_index=status_index,
        ),
        controller=_documents.issuer_url(domain),
        created=_documents.xsd_datetime(now),
    )
    row.save(update_fields=["credential"])
    return _to_data(row)


@transaction.atomic
def revoke_role_credential(user_id: int, *, role_ref: str, reason: str) -> bool:
    """Revoke the person's valid credential for the role; False if none was valid."""
    if not reason.strip():
        raise CertificateError(_("Escriba el motivo de la revocación."))
    row = (
        _RoleCredential.objects.select_for_update()
        .filter(user_id=user_id, role_ref=role_ref, revoked_at__isnull=True)
        .first()
    )
    if row is None:
        return False
    row.revoked_at = timezone.now()
    row.revocation_reason = reason.strip()[:500]
    row.save(update_fields=["revoked_at", "revocation_reason"])
    _rebuild_status_list(add_index=row.status_index)
    return True


def role_credentials_of(user_id: int) -> list[RoleCredentialData]:
    """The person's role credentials in the active locality, newest first."""
    rows = _RoleCredential.objects.filter(user_id=user_id).order_by("-issued_at")
    return [_to_data(row) for row in rows]


def role_credential_state(uuid: str) -> Verification | None:
    """The state of a role credential issued here, or None if it is not one."""
    row = _RoleCredential.objects.filter(uuid=uuid).first()
    if row is None:
        return None
    if row.revoked_at is not None:
        return Verification(
            CertificateState.REVOKED,
            _("Esta credencial de rol fue revocada el %(date)s. Motivo: %(reason)s")
            % {
                "date": timezone.localtime(row.revoked_at).strftime("%Y-%m-%d"),
                "reason": row.revocation_reason,
            },
        )
    if row.valid_until < timezone.now():
        return Verification(
            CertificateState.UNKNOWN,
            _("Esta credencial de rol venció el %(date)s.")
            % {"date": timezone.localtime(row.valid_until).strftime("%Y-%m-%d")},
        )
    return Verification(
        CertificateState.VALID,
        _("Credencial de rol válida: %(role)s, hasta el %(date)s.")
        % {
            "role": row.role_title,
            "date": timezone.localtime(row.valid_until).strftime("%Y-%m-%d"),
        },
    )


def _to_data(row: _RoleCredential) -> RoleCredentialData:
    return RoleCredentialData(
        uuid=str(row.uuid),
        user_id=row.user_id,
        role_ref=row.role_ref,
        role_title=row.role_title,
        valid_until=row.valid_until,
        revoked_at=row.revoked_at,
        credential=row.credential or {},
    )
