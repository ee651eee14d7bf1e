"""Public verification: of a code typed or scanned, and of a credential document.

Never raises for bad input: every answer is a ``Verification`` whose reason
(translated) says why something is not valid and what to do. A code or a
credential from another locality is reported as such, never looked up there.
Dates in the reasons are ISO 8601 (year first), as the credential states them.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import documents as _documents
from . import signing as _signing
from .data import CertificateError, CertificateState, Verification
from .models import Certificate as _Certificate
from .records import as_uuid, normalize_code, to_data
from .role_credentials import role_credential_state
from .status_list import domain as _domain

__all__ = ["normalize_code", "verify_code", "verify_credential"]

logger = logging.getLogger(__name__)

_CODE_RE = re.compile(r"^([A-Z0-9-]+)-([A-Z0-9]{4})-([A-Z0-9]{4})$")
_MAX_CREDENTIAL_BYTES = 256 * 1024


def verify_code(code: str) -> Verification:
    """Public check of a typed or scanned code: valid, revoked or unknown, and why."""
    code = normalize_code(code)
    match = _CODE_RE.match(code)
    if not match:
        return Verification(
            CertificateState.UNKNOWN,
            _(
                "El código no tiene el formato de un certificado (por ejemplo "
                "KENNEDY-7F3K-9QXM). Revíselo e intente de nuevo."
            ),
        )
    locality = tenants_api.get_locality(tenants_api.current_schema())
    slug = match.group(1).lower()
    if slug != locality.slug.lower():
        return _other_locality(slug, locality.name)
    certificate = _Certificate.objects.filter(code=code).first()
    if certificate is None:
        return Verification(
            CertificateState.UNKNOWN,
            _(
                "No existe un certificado con ese código en %(locality)s. Revise que "
                "esté bien escrito; si persiste, el documento no es auténtico."
            )
            % {"locality": locality.name},
        )
    return _state_of(certificate)


def _other_locality(slug: str, here: str) -> Verification:
    for other in tenants_api.list_localities():
        if other.slug.lower() == slug and other.domain:
            url = _documents.site_url(other.domain) + "/certificados/verificar/"
            return Verification(
                CertificateState.UNKNOWN,
                _(
                    "Este código no es de %(here)s: lo emitió %(other)s. Verifíquelo "
                    "en la página de esa localidad."
                )
                % {"here": here, "other": other.name},
                other_locality_url=url,
            )
    return Verification(
        CertificateState.UNKNOWN,
        _("El código no corresponde a ninguna localidad. Revíselo e intente de nuevo."),
    )


def _state_of(certificate: _Certificate) -> Verification:
    data = to_data(certificate)
    if certificate.revoked_at is not None:
        return Verification(
            CertificateState.REVOKED,
            _("Este certificado fue revocado el %(date)s. Motivo: %(reason)s")
            % {
                "date": timezone.localtime(certificate.revoked_at).strftime("%Y-%m-%d"),
                "reason": certificate.revocation_reason,
            },
            certificate=data,
        )
    return Verification(
        CertificateState.VALID, _("Certificado válido."), certificate=data
    )


def verify_credential(document: Any) -> Verification:
    """Check a credential (dict, JSON text or bytes) issued by this locality.

    Not valid, with the reason, when: it is not JSON, its signature does not hold
    (altered, forged, another key), it was issued by another issuer, it is unknown
    here, or it was revoked. Never raises for bad input.
    """
    try:
        credential = _parse_credential(document)
        issuer = _documents.issuer_url(_domain())
        claimed = credential.get("issuer")
        claimed_id = claimed.get("id") if isinstance(claimed, dict) else claimed
        if claimed_id != issuer:
            return Verification(
                CertificateState.UNKNOWN,
                _(
                    "Esta credencial no fue emitida por esta localidad (emisor: "
                    "%(issuer)s). Verifíquela en la página de su emisor."
                )
                % {"issuer": str(claimed_id)[:200]},
            )
        _signing.verify(credential, controller=issuer)
    except (_signing.ProofError, CertificateError) as exc:
        return Verification(
            CertificateState.UNKNOWN,
            _("Credencial no válida: %(why)s") % {"why": exc},
        )
    except (ValueError, TypeError, RecursionError) as exc:  # malformed beyond repair
        logger.info("Credencial ilegible: %s", exc)
        return Verification(
            CertificateState.UNKNOWN,
            _("Credencial no válida: su contenido no se pudo interpretar."),
        )
    uuid = as_uuid(str(credential.get("id", "")).removeprefix("urn:uuid:"))
    if uuid is not None:
        certificate = _Certificate.objects.filter(uuid=uuid).first()
        if certificate is not None:
            return _state_of(certificate)
        role = role_credential_state(uuid)
        if role is not None:
            return role
    return Verification(
        CertificateState.UNKNOWN,
        _("La firma es auténtica pero este certificado no está registrado aquí."),
    )


def _parse_credential(document: Any) -> dict[str, Any]:
    if isinstance(document, bytes | bytearray):
        if len(document) > _MAX_CREDENTIAL_BYTES:
            raise CertificateError(
                _("El archivo es demasiado grande para ser una credencial.")
            )
        document = document.decode("utf-8", errors="strict")
    if isinstance(document, str):
        if len(document) > _MAX_CREDENTIAL_BYTES:
            raise CertificateError(
                _("El texto es demasiado largo para ser una credencial.")
            )
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise CertificateError(
                _("El texto no es JSON (línea %(line)s): pegue la credencial completa.")
                % {"line": exc.lineno}
            ) from exc
    if not isinstance(document, dict):
        raise CertificateError(_("La credencial debe ser un objeto JSON."))
    return document
