"""Reading certificates: the holder's list and downloads, the admin's search, and
the city reporting's recount.

Access checks live here (``access_*``): a certificate's PDF and credential
leave the app only for its holder, or the PDF for the locality's staff who may
see certificates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Min, Q
from django.utils.translation import gettext as _

from .data import CertificateData, CertificateError
from .models import Certificate as _Certificate
from .records import as_uuid, normalize_code, to_data, valid_certificates

__all__ = [
    "access_certificate_for_person",
    "access_certificate_pdf",
    "certificate_credential",
    "certificate_pdf",
    "get_certificate",
    "list_certificates_for_person",
    "reporting_certificates",
    "search_certificates",
]


def list_certificates_for_person(user_id: int) -> list[CertificateData]:
    """The person's certificates in the active locality, newest first."""
    return [to_data(c) for c in _Certificate.objects.filter(user_id=user_id)]


def search_certificates(query: str = "", *, limit: int = 50) -> list[CertificateData]:
    """Certificates of the active locality by code, name or course (admin list)."""
    found = _Certificate.objects.select_related("replaces")
    query = (query or "").strip()
    if query:
        found = found.filter(
            Q(code__icontains=query)
            | Q(holder_name__icontains=query)
            | Q(course_title__icontains=query)
            | Q(course_key=query)
        )
    return [to_data(c) for c in found[:limit]]


def get_certificate(code: str) -> CertificateData | None:
    """One certificate of the active locality by code (admin), or None."""
    found = _Certificate.objects.filter(code=normalize_code(code)).first()
    return to_data(found) if found else None


def access_certificate_for_person(uuid: str, *, user_id: int) -> CertificateData:
    """The certificate if ``user_id`` holds it; ``CertificateError`` otherwise."""
    return to_data(_held_by(uuid, user_id=user_id, may_view_locality=False))


def certificate_pdf(uuid: str, *, user_id: int) -> bytes:
    """The stored PDF of the person's certificate (access-checked)."""
    certificate = _held_by(uuid, user_id=user_id, may_view_locality=False)
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def certificate_credential(uuid: str, *, user_id: int) -> dict[str, Any]:
    """The signed credential of the person's certificate (access-checked)."""
    certificate = _held_by(uuid, user_id=user_id, may_view_locality=False)
    return dict(certificate.credential or {})


def access_certificate_pdf(
    uuid: str, *, user_id: int, may_view_locality: bool
) -> tuple[CertificateData, bytes]:
    """The PDF for its holder, or for staff who may view this locality's
    certificates (``certificates.view_certificate`` here); ``CertificateError``
    for anyone else. PDFs are in private storage: this is the only way out."""
    certificate = _held_by(uuid, user_id=user_id, may_view_locality=may_view_locality)
    with certificate.pdf.open("rb") as handle:
        return to_data(certificate), handle.read()


def _held_by(uuid: str, *, user_id: int, may_view_locality: bool) -> _Certificate:
    wanted = as_uuid(uuid)
    certificate = _Certificate.objects.filter(uuid=wanted).first() if wanted else None
    if certificate is None:
        raise CertificateError(_("No encontramos ese certificado."))
    if certificate.user_id != user_id and not may_view_locality:
        raise CertificateError(_("Ese certificado no es suyo."))
    return certificate


def reporting_certificates() -> dict[tuple[int, str], datetime]:
    """(person, course) → first issue date among certificates still valid.

    What the city reporting counts as "certified"; the same fact that
    ``certificate_issued`` and ``certificate_revoked`` announce, so the nightly
    recount finds no drift when every event arrived.
    """
    rows = (
        valid_certificates()
        .values("user_id", "course_key")
        .annotate(first=Min("issued_at"))
        .order_by()
    )
    return {(r["user_id"], r["course_key"]): r["first"] for r in rows}
