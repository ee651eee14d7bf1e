"""Certificate rows turned into values, and the lookups every topic shares (internal).

Codes are typed and scanned by people, so they are compared normalized (no
spaces, upper case); uuids come from URLs and credentials, so a malformed one
finds nothing instead of raising.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import documents as _documents
from .data import CertificateData, CertificateError
from .models import Certificate as _Certificate


def normalize_code(code: str) -> str:
    """A code as stored: without spaces, upper case, at most 80 characters."""
    return re.sub(r"\s+", "", str(code or "")).upper()[:80]


def as_uuid(value: str) -> str | None:
    """The canonical text of a uuid, or None when ``value`` is not one."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def valid_certificates() -> QuerySet[_Certificate]:
    return _Certificate.objects.filter(revoked_at__isnull=True)


def certified_since(user_id: int, course_key: str) -> datetime | None:
    """First issue date among the person's still-valid certificates of the course."""
    return (
        valid_certificates()
        .filter(user_id=user_id, course_key=course_key)
        .aggregate(first=Min("issued_at"))["first"]
    )


def first_certificate(
    user_id: int, course_key: str, course_version: int
) -> _Certificate | None:
    """The certificate the completion issued (not a replacement), if any."""
    return _Certificate.objects.filter(
        user_id=user_id,
        course_key=course_key,
        course_version=course_version,
        replaces__isnull=True,
    ).first()


def locked(code: str) -> _Certificate:
    """The certificate with this code, locked for the transaction, or an error."""
    certificate = (
        _Certificate.objects.select_for_update()
        .filter(code=normalize_code(code))
        .first()
    )
    if certificate is None:
        raise CertificateError(_("No existe un certificado con ese código aquí."))
    return certificate


def to_data(certificate: _Certificate, *, domain: str | None = None) -> CertificateData:
    """The certificate as a value; ``domain`` is the locality's host when the
    caller has it (one query to the public schema fewer)."""
    if domain is None:
        domain = tenants_api.get_locality(tenants_api.current_schema()).domain or ""
    return CertificateData(
        certificate_id=certificate.pk,
        uuid=str(certificate.uuid),
        code=certificate.code,
        user_id=certificate.user_id,
        course_key=certificate.course_key,
        course_version=certificate.course_version,
        course_title=certificate.course_title,
        hours=certificate.hours,
        holder_name=certificate.holder_name,
        document_type=certificate.document_type,
        document_last_digits=certificate.document_last_digits,
        locality_name=certificate.locality_name,
        completed_at=certificate.completed_at,
        issued_at=certificate.issued_at,
        reissued_at=certificate.reissued_at,
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
        verification_url=_documents.verification_url(domain, certificate.code),
        # The id first: a certificate that replaces none costs no query.
        replaces_code=(
            certificate.replaces.code
            if certificate.replaces_id and certificate.replaces
            else None
        ),
    )
