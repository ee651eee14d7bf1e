"""Python API of the certificates app: issue, verify, revoke and re-issue.

Invariants:
- One certificate per person and course version, issued on completion; issuing
  again (a redelivered task, a second signal) returns the existing one.
- A certificate keeps a snapshot of everything it shows; PDF, credential and the
  verification page show only that snapshot.
- Revocation never deletes: the row keeps its reason and date, its bit is set in
  the locality's status list in the same transaction, and a replacement (if
  re-issued) gets a new code.
- Everything acts on the active locality's schema (tenant app); a code or a
  credential from another locality is reported as such, never looked up there.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from courses import api as courses_api
from tenants import api as tenants_api

from . import documents as _documents
from . import pdf as _pdf
from . import signing as _signing
from . import status as _status
from .data import (
    CertificateData,
    CertificateError,
    CertificateState,
    ReissueJobData,
    Verification,
)
from .models import Certificate as _Certificate
from .models import ReissueJob as _ReissueJob
from .role_credentials import (
    RoleCredentialData,
    issue_role_credential,
    revoke_role_credential,
    role_credential_state,
    role_credentials_of,
)
from .signals import certificate_issued, certificate_revoked
from .status_list import domain as _domain
from .status_list import rebuild_status_list as _rebuild_status_list
from .status_list import status_list_document

__all__ = [
    "CertificateData",
    "CertificateError",
    "CertificateState",
    "ReissueJobData",
    "RoleCredentialData",
    "Verification",
    "access_certificate_for_person",
    "certificate_issued",
    "certificate_pdf",
    "certificate_revoked",
    "get_certificate",
    "get_reissue_job",
    "issue_certificate",
    "issue_role_credential",
    "issuer_profile_document",
    "key_document",
    "list_certificates_for_person",
    "list_reissue_jobs",
    "reissue_certificate",
    "reporting_certificates",
    "revoke_certificate",
    "revoke_role_credential",
    "role_credentials_of",
    "run_bulk_reissue",
    "search_certificates",
    "start_bulk_reissue",
    "status_list_document",
    "verify_code",
    "verify_credential",
]

logger = logging.getLogger(__name__)

_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to type
_CODE_RE = re.compile(r"^([A-Z0-9-]+)-([A-Z0-9]{4})-([A-Z0-9]{4})$")
_MAX_CREDENTIAL_BYTES = 256 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SNAPSHOT_TEXT = ("holder_name", "document_type", "course_title", "locality_name")


# --- reading the person and the course (the two outside sources) -----------------


@dataclass(frozen=True)
class _Holder:
    name: str
    document_type: str
    document_last_digits: str


def _read_person(user_id: int) -> _Holder:
    """The only place that reads the person (``lms.accounts``, public schema).

    Document fields are being added to ``User`` by the accounts issue; until they
    exist, ``document_type``/``document_number`` are read with ``getattr`` and the
    certificate simply prints no document line.
    """
    with tenants_api.in_public_schema():
        try:
            user = get_user_model().objects.get(pk=user_id)
        except get_user_model().DoesNotExist as exc:
            raise CertificateError(
                f"La persona {user_id} no existe; no se puede emitir su certificado."
            ) from exc
    number = re.sub(r"\W", "", str(getattr(user, "document_number", "") or ""))
    return _Holder(
        name=(user.get_full_name() or user.get_username()).strip(),
        document_type=str(getattr(user, "document_type", "") or "")[:20],
        document_last_digits=number[-4:] if number else "",
    )


def _read_course(course_key: str) -> tuple[str, Decimal]:
    """Title and hours of the course in the active locality (via ``courses.api``)."""
    get_course = getattr(courses_api, "get_course", None)
    if get_course is not None:
        course = get_course(course_key)
        return course.title, Decimal(str(course.estimated_hours))
    for course in courses_api.list_catalog():
        if course.key == course_key:
            return course.title, Decimal(str(course.estimated_hours))
    raise CertificateError(
        f"El curso {course_key} no está publicado en esta localidad; publíquelo antes de "
        "emitir certificados."
    )


# --- issuing ------------------------------------------------------------------------


def _new_code(slug: str) -> str:
    random_part = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{slug.upper()}-{random_part[:4]}-{random_part[4:]}"


@transaction.atomic
def issue_certificate(
    user_id: int, *, course_key: str, course_version: int, completed_at: datetime
) -> CertificateData:
    """Issue the certificate of a completed course (idempotent).

    Returns the existing certificate when this person already has one for this
    course version (valid or revoked): a redelivered task never makes a second.
    """
    existing = _first_certificate(user_id, course_key, course_version)
    if existing is not None:
        return _to_data(existing)
    holder = _read_person(user_id)
    title, hours = _read_course(course_key)
    locality = tenants_api.get_locality(tenants_api.current_schema())
    now = timezone.now()
    try:
        with transaction.atomic():  # savepoint: a concurrent run may win the race
            certificate = _Certificate.objects.create(
                code=_new_code(locality.slug),
                user_id=user_id,
                course_key=course_key,
                course_version=course_version,
                completed_at=completed_at,
                issued_at=now,
                holder_name=holder.name,
                document_type=holder.document_type,
                document_last_digits=holder.document_last_digits,
                course_title=title,
                hours=hours,
                locality_name=locality.name,
            )
    except IntegrityError:
        existing = _first_certificate(user_id, course_key, course_version)
        if existing is None:  # a code collision, not a duplicate: try once more
            raise
        return _to_data(existing)
    _make_artefacts(certificate)
    transaction.on_commit(
        lambda: certificate_issued.send(
            sender=None,
            user_id=user_id,
            course_key=course_key,
            course_version=course_version,
            issued_at=now,
        )
    )
    return _to_data(certificate)


def _plain(text: str) -> str:
    """Text for the snapshot: control characters become spaces, runs of spaces one.

    Names, titles and locality names are refused with control characters at
    entry; this cleans what was stored before that rule (on issue and re-issue),
    so the PDF, the page and the credential show the same visible text and the
    signer, which refuses control characters, can sign it.
    """
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _first_certificate(
    user_id: int, course_key: str, course_version: int
) -> _Certificate | None:
    return _Certificate.objects.filter(
        user_id=user_id,
        course_key=course_key,
        course_version=course_version,
        replaces__isnull=True,
    ).first()


def _make_artefacts(certificate: _Certificate) -> None:
    """Sign the credential and render the PDF from the certificate's snapshot."""
    domain = _domain()
    for field in _SNAPSHOT_TEXT:
        setattr(certificate, field, _plain(getattr(certificate, field)))
    _status.allocate_index(certificate)
    credential = _documents.build_credential(
        domain=domain,
        locality_name=certificate.locality_name,
        uuid=str(certificate.uuid),
        code=certificate.code,
        holder_name=certificate.holder_name,
        document_type=certificate.document_type,
        document_last_digits=certificate.document_last_digits,
        course_key=certificate.course_key,
        course_version=certificate.course_version,
        course_title=certificate.course_title,
        hours=certificate.hours,
        completed_at=certificate.completed_at,
        issued_at=certificate.issued_at,
        status_index=certificate.status_index,
    )
    certificate.credential = _signing.sign(
        credential,
        controller=_documents.issuer_url(domain),
        created=_documents.xsd_datetime(timezone.now()),
    )
    pdf_bytes = _pdf.render_pdf(
        course_key=certificate.course_key,
        context=_pdf_context(certificate, domain),
    )
    old_name = certificate.pdf.name
    # A random name: if the worker dies before commit the file is an orphan,
    # never a file that a later certificate would be confused with.
    certificate.pdf.save(
        f"{certificate.uuid}-{secrets.token_hex(4)}.pdf",
        ContentFile(pdf_bytes),
        save=False,
    )
    certificate.save(
        update_fields=["status_index", "credential", "pdf", *_SNAPSHOT_TEXT]
    )
    if old_name:
        storage = certificate.pdf.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def _pdf_context(certificate: _Certificate, domain: str) -> dict[str, Any]:
    return {
        "code": certificate.code,
        "holder_name": certificate.holder_name,
        "document_type": certificate.document_type,
        "document_last_digits": certificate.document_last_digits,
        "course_title": certificate.course_title,
        "hours": certificate.hours,
        "locality_name": certificate.locality_name,
        "issued_at": timezone.localtime(certificate.issued_at),
        "completed_at": timezone.localtime(certificate.completed_at),
        "verification_url": _documents.verification_url(domain, certificate.code),
    }


# --- reading ----------------------------------------------------------------------------


def list_certificates_for_person(user_id: int) -> list[CertificateData]:
    """The person's certificates in the active locality, newest first."""
    return [_to_data(c) for c in _Certificate.objects.filter(user_id=user_id)]


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
    return [_to_data(c) for c in found[:limit]]


def get_certificate(code: str) -> CertificateData | None:
    """One certificate of the active locality by code (admin), or None."""
    found = _Certificate.objects.filter(code=normalize_code(code)).first()
    return _to_data(found) if found else None


def access_certificate_for_person(uuid: str, *, user_id: int) -> CertificateData:
    """The certificate if ``user_id`` holds it; ``CertificateError`` otherwise."""
    certificate = _Certificate.objects.filter(uuid=_as_uuid(uuid)).first()
    if certificate is None:
        raise CertificateError("No encontramos ese certificado.")
    if certificate.user_id != user_id:
        raise CertificateError("Ese certificado no es suyo.")
    return _to_data(certificate)


def certificate_pdf(uuid: str, *, user_id: int) -> bytes:
    """The stored PDF of the person's certificate (access-checked)."""
    data = access_certificate_for_person(uuid, user_id=user_id)
    certificate = _Certificate.objects.get(pk=data.certificate_id)
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def certificate_credential(uuid: str, *, user_id: int) -> dict[str, Any]:
    """The signed credential of the person's certificate (access-checked)."""
    data = access_certificate_for_person(uuid, user_id=user_id)
    credential = _Certificate.objects.get(pk=data.certificate_id).credential
    return dict(credential or {})


__all__ += ["certificate_credential"]


def access_certificate_pdf(
    uuid: str, *, user_id: int, may_view_locality: bool
) -> tuple[CertificateData, bytes]:
    """The PDF for its holder, or for staff who may view this locality's
    certificates (``certificates.view_certificate`` here); ``CertificateError``
    for anyone else. PDFs are in private storage: this is the only way out."""
    certificate = _Certificate.objects.filter(uuid=_as_uuid(uuid)).first()
    if certificate is None:
        raise CertificateError("No encontramos ese certificado.")
    if certificate.user_id != user_id and not may_view_locality:
        raise CertificateError("Ese certificado no es suyo.")
    with certificate.pdf.open("rb") as handle:
        return _to_data(certificate), handle.read()


__all__ += ["access_certificate_pdf"]


def _as_uuid(value: str) -> str | None:
    import uuid as _uuid

    try:
        return str(_uuid.UUID(str(value)))
    except ValueError:
        return None


# --- verifying --------------------------------------------------------------------------


def normalize_code(code: str) -> str:
    return re.sub(r"\s+", "", str(code or "")).upper()[:80]


__all__ += ["normalize_code"]


def verify_code(code: str) -> Verification:
    """Public check of a typed or scanned code: valid, revoked or unknown, and why."""
    code = normalize_code(code)
    match = _CODE_RE.match(code)
    if not match:
        return Verification(
            CertificateState.UNKNOWN,
            "El código no tiene el formato de un certificado (por ejemplo "
            "KENNEDY-7F3K-9QXM). Revíselo e intente de nuevo.",
        )
    locality = tenants_api.get_locality(tenants_api.current_schema())
    slug = match.group(1).lower()
    if slug != locality.slug.lower():
        return _other_locality(slug, locality.name)
    certificate = _Certificate.objects.filter(code=code).first()
    if certificate is None:
        return Verification(
            CertificateState.UNKNOWN,
            f"No existe un certificado con ese código en {locality.name}. Revise que esté "
            "bien escrito; si persiste, el documento no es auténtico.",
        )
    return _state_of(certificate)


def _other_locality(slug: str, here: str) -> Verification:
    for other in tenants_api.list_localities():
        if other.slug.lower() == slug and other.domain:
            url = _documents.site_url(other.domain) + "/certificados/verificar/"
            return Verification(
                CertificateState.UNKNOWN,
                f"Este código no es de {here}: lo emitió {other.name}. Verifíquelo en "
                "la página de esa localidad.",
                other_locality_url=url,
            )
    return Verification(
        CertificateState.UNKNOWN,
        "El código no corresponde a ninguna localidad. Revíselo e intente de nuevo.",
    )


def _state_of(certificate: _Certificate) -> Verification:
    data = _to_data(certificate)
    if certificate.revoked_at is not None:
        return Verification(
            CertificateState.REVOKED,
            "Este certificado fue revocado el {date}. Motivo: {reason}".format(
                date=timezone.localtime(certificate.revoked_at).strftime("%Y-%m-%d"),
                reason=certificate.revocation_reason,
            ),
            certificate=data,
        )
    return Verification(CertificateState.VALID, "Certificado válido.", certificate=data)


def verify_credential(document: Any) -> Verification:
    """Check a credential (dict, JSON text or bytes) issued by this locality.

    Not valid, with the reason, when: it is not JSON, its signature does not hold
    (altered, forged, another key), it was issued by another issuer, it is unknown
    here, or it was revoked. Never raises for bad input.
    """
    try:
        credential = _parse_credential(document)
        domain = _domain()
        issuer = _documents.issuer_url(domain)
        claimed = credential.get("issuer")
        claimed_id = claimed.get("id") if isinstance(claimed, dict) else claimed
        if claimed_id != issuer:
            return Verification(
                CertificateState.UNKNOWN,
                "Esta credencial no fue emitida por esta localidad (emisor: "
                f"{str(claimed_id)[:200]}). Verifíquela en la página de su emisor.",
            )
        _signing.verify(credential, controller=issuer)
    except (_signing.ProofError, CertificateError) as exc:
        return Verification(CertificateState.UNKNOWN, f"Credencial no válida: {exc}")
    except (ValueError, TypeError, RecursionError) as exc:  # malformed beyond repair
        logger.info("Credencial ilegible: %s", exc)
        return Verification(
            CertificateState.UNKNOWN,
            "Credencial no válida: su contenido no se pudo interpretar.",
        )
    certificate = _Certificate.objects.filter(
        uuid=_as_uuid(str(credential.get("id", "")).removeprefix("urn:uuid:"))
    ).first()
    if certificate is None:
        role = role_credential_state(
            _as_uuid(str(credential.get("id", "")).removeprefix("urn:uuid:")) or ""
        )
        if role is not None:
            return role
        return Verification(
            CertificateState.UNKNOWN,
            "La firma es auténtica pero este certificado no está registrado aquí.",
        )
    return _state_of(certificate)


def _parse_credential(document: Any) -> dict[str, Any]:
    if isinstance(document, bytes | bytearray):
        if len(document) > _MAX_CREDENTIAL_BYTES:
            raise CertificateError(
                "El archivo es demasiado grande para ser una credencial."
            )
        document = document.decode("utf-8", errors="strict")
    if isinstance(document, str):
        if len(document) > _MAX_CREDENTIAL_BYTES:
            raise CertificateError(
                "El texto es demasiado largo para ser una credencial."
            )
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise CertificateError(
                f"El texto no es JSON (línea {exc.lineno}): pegue la credencial completa."
            ) from exc
    if not isinstance(document, dict):
        raise CertificateError("La credencial debe ser un objeto JSON.")
    return document


# --- revoking and re-issuing ------------------------------------------------------------


@transaction.atomic
def revoke_certificate(code: str, *, reason: str) -> CertificateData:
    """Revoke a certificate (it stays, marked revoked) and publish it in the list."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("Escriba el motivo de la revocación.")
    certificate = _locked(code)
    if certificate.revoked_at is not None:
        raise CertificateError("Este certificado ya estaba revocado.")
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason[:500]
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    _rebuild_status_list(add_index=certificate.status_index)
    user_id, course_key = certificate.user_id, certificate.course_key
    since = _certified_since(user_id, course_key)
    transaction.on_commit(
        lambda: certificate_revoked.send(
            sender=None,
            user_id=user_id,
            course_key=course_key,
            certified_since=since,
        )
    )
    return _to_data(certificate)


def _valid_certificates():
    return _Certificate.objects.filter(revoked_at__isnull=True)


def _certified_since(user_id: int, course_key: str) -> datetime | None:
    return (
        _valid_certificates()
        .filter(user_id=user_id, course_key=course_key)
        .aggregate(first=Min("issued_at"))["first"]
    )


def reporting_certificates() -> dict[tuple[int, str], datetime]:
    """(person, course) → first issue date among certificates still valid.

    What the city reporting counts as "certified"; the same fact that
    ``certificate_issued`` and ``certificate_revoked`` announce, so the nightly
    recount finds no drift when every event arrived.
    """
    rows = (
        _valid_certificates()
        .values("user_id", "course_key")
        .annotate(first=Min("issued_at"))
        .order_by()
    )
    return {(r["user_id"], r["course_key"]): r["first"] for r in rows}


@transaction.atomic
def reissue_certificate(code: str, *, reason: str) -> CertificateData:
    """Re-issue: a valid certificate gets a new PDF and credential (same code);
    a revoked one gets a replacement with a new code (the old code stays revoked).
    """
    if not (reason or "").strip():
        raise CertificateError("Escriba el motivo de la reemisión.")
    certificate = _locked(code)
    if certificate.revoked_at is None:
        certificate.reissued_at = timezone.now()
        certificate.save(update_fields=["reissued_at"])
        _make_artefacts(certificate)
        return _to_data(certificate)
    if hasattr(certificate, "replaced_by"):
        raise CertificateError(
            f"Este certificado ya fue reemplazado por {certificate.replaced_by.code}."
        )
    locality = tenants_api.get_locality(tenants_api.current_schema())
    fields = {
        f: getattr(certificate, f)
        for f in (
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
    }
    replacement = _Certificate.objects.create(
        code=_new_code(locality.slug),
        issued_at=timezone.now(),
        replaces=certificate,
        **fields,
    )
    _make_artefacts(replacement)
    transaction.on_commit(
        lambda: certificate_issued.send(
            sender=None,
            user_id=replacement.user_id,
            course_key=replacement.course_key,
            course_version=replacement.course_version,
            issued_at=replacement.issued_at,
        )
    )
    return _to_data(replacement)


def _locked(code: str) -> _Certificate:
    certificate = (
        _Certificate.objects.select_for_update()
        .filter(code=normalize_code(code))
        .first()
    )
    if certificate is None:
        raise CertificateError("No existe un certificado con ese código aquí.")
    return certificate


# --- status list, issuer and keys (published documents) ------------------------------


def issuer_profile_document() -> dict[str, Any]:
    """The issuer profile of the active locality, with its public keys."""
    locality = tenants_api.get_locality(tenants_api.current_schema())
    return _documents.issuer_profile(domain=_domain(), locality_name=locality.name)


def key_document(key_id: str) -> dict[str, Any] | None:
    """One public key (Multikey), active or retired; None if unknown."""
    multibase = _signing.keyring().public_keys.get(key_id)
    if multibase is None:
        return None
    return _documents.key_document(domain=_domain(), key_id=key_id, multibase=multibase)


# --- bulk re-issue ----------------------------------------------------------------------


@transaction.atomic
def start_bulk_reissue(*, reason: str, course_key: str = "") -> ReissueJobData:
    """Queue a background re-issue of every valid certificate (or one course's)."""
    if not (reason or "").strip():
        raise CertificateError("Escriba el motivo de la reemisión masiva.")
    valid = _Certificate.objects.filter(revoked_at__isnull=True)
    if course_key:
        valid = valid.filter(course_key=course_key)
    job = _ReissueJob.objects.create(
        reason=reason.strip()[:500], course_key=course_key, total=valid.count()
    )
    from .tasks import run_bulk_reissue_task  # tasks import this module

    transaction.on_commit(lambda: run_bulk_reissue_task.delay(job.pk))
    return _job_data(job)


def run_bulk_reissue(job_id: int, *, batch_size: int = 20) -> ReissueJobData:
    """Work through a bulk re-issue in small transactions (resumable after a crash)."""
    job = _ReissueJob.objects.get(pk=job_id)
    if job.status in (_ReissueJob.Status.DONE, _ReissueJob.Status.FAILED):
        return _job_data(job)
    job.status = _ReissueJob.Status.RUNNING
    job.save(update_fields=["status"])
    while True:
        with transaction.atomic():
            job = _ReissueJob.objects.select_for_update().get(pk=job_id)
            batch = _Certificate.objects.filter(
                revoked_at__isnull=True, pk__gt=job.last_certificate_id
            ).order_by("pk")
            if job.course_key:
                batch = batch.filter(course_key=job.course_key)
            batch = list(batch[:batch_size])
            if not batch:
                break
            for certificate in batch:
                try:
                    with transaction.atomic():
                        certificate.reissued_at = timezone.now()
                        certificate.save(update_fields=["reissued_at"])
                        _make_artefacts(certificate)
                    job.done += 1
                except Exception:  # one bad certificate must not stop the rest
                    logger.exception("No se pudo reemitir %s", certificate.code)
                    job.failed += 1
                    job.done += 1
            job.last_certificate_id = batch[-1].pk
            job.save(update_fields=["done", "failed", "last_certificate_id"])
    job.status = _ReissueJob.Status.FAILED if job.failed else _ReissueJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return _job_data(job)


def get_reissue_job(job_id: int) -> ReissueJobData:
    return _job_data(_ReissueJob.objects.get(pk=job_id))


def list_reissue_jobs(*, limit: int = 10) -> list[ReissueJobData]:
    return [_job_data(job) for job in _ReissueJob.objects.all()[:limit]]


def _job_data(job: _ReissueJob) -> ReissueJobData:
    return ReissueJobData(
        job_id=job.pk,
        reason=job.reason,
        status=job.status,
        total=job.total,
        done=job.done,
        failed=job.failed,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _to_data(certificate: _Certificate) -> CertificateData:
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
        replaces_code=certificate.replaces.code if certificate.replaces_id else None,
    )
