"""Revoking and re-issuing one certificate, with a reason (admin).

Revocation never deletes: the row keeps its reason and date, and its bit is set
in the locality's status list in the same transaction. Re-issuing a valid
certificate renews its PDF and credential under the same code; a revoked one
gets a replacement with a new code (the old code keeps answering "revoked").
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .artefacts import make_artefacts
from .data import CertificateData, CertificateError
from .issuing import announce_issued, new_code
from .models import Certificate as _Certificate
from .records import certified_since, locked, to_data
from .signals import certificate_revoked
from .status_list import rebuild_status_list

__all__ = ["reissue_certificate", "revoke_certificate"]

# What a replacement copies from the certificate it replaces: the same
# completion and the same snapshot, under a new code.
_CARRIED_OVER = (
    "user_id",
    "course_key",
    "course_version",
    "completed_at",
    "holder_name",
    "document_type",
    "document_last_digits",
    "course_title",
    "hours",
    "locality_name",
)


@transaction.atomic
def revoke_certificate(code: str, *, reason: str) -> CertificateData:
    """Revoke a certificate (it stays, marked revoked) and publish it in the list."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Escriba el motivo de la revocación."))
    certificate = locked(code)
    if certificate.revoked_at is not None:
        raise CertificateError(_("Este certificado ya estaba revocado."))
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason[:500]
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    rebuild_status_list(add_index=certificate.status_index)
    user_id, course_key = certificate.user_id, certificate.course_key
    since = certified_since(user_id, course_key)
    transaction.on_commit(
        lambda: certificate_revoked.send(
            sender=None,
            user_id=user_id,
            course_key=course_key,
            certified_since=since,
        )
    )
    return to_data(certificate)


@transaction.atomic
def reissue_certificate(code: str, *, reason: str) -> CertificateData:
    """Re-issue: a valid certificate gets a new PDF and credential (same code);
    a revoked one gets a replacement with a new code (the old code stays revoked).
    """
    if not (reason or "").strip():
        raise CertificateError(_("Escriba el motivo de la reemisión."))
    certificate = locked(code)
    if certificate.revoked_at is None:
        certificate.reissued_at = timezone.now()
        certificate.save(update_fields=["reissued_at"])
        make_artefacts(certificate)
        return to_data(certificate)
    if hasattr(certificate, "replaced_by"):
        raise CertificateError(
            _("Este certificado ya fue reemplazado por %(code)s.")
            % {"code": certificate.replaced_by.code}
        )
    locality = tenants_api.get_locality(tenants_api.current_schema())
    replacement = _Certificate.objects.create(
        code=new_code(locality.slug),
        issued_at=timezone.now(),
        replaces=certificate,
        **{field: getattr(certificate, field) for field in _CARRIED_OVER},
    )
    make_artefacts(replacement)
    announce_issued(replacement)
    return to_data(replacement)
