"""A certificate's artefacts: its signed credential and its PDF (internal).

Both are made from the row's snapshot, in the transaction that issues or
re-issues it, so what the PDF, the credential and the verification page show
never disagree.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import documents as _documents
from . import pdf as _pdf
from . import signing as _signing
from . import status as _status
from .models import Certificate as _Certificate
from .status_list import domain as _domain

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SNAPSHOT_TEXT = ("holder_name", "document_type", "course_title", "locality_name")


def plain(text: str) -> str:
    """Text for the snapshot: control characters become spaces, runs of spaces one.

    Names, titles and locality names are refused with control characters at
    entry; this cleans what was stored before that rule (on issue and re-issue),
    so the PDF, the page and the credential show the same visible text and the
    signer, which refuses control characters, can sign it.
    """
    return " ".join(_CONTROL.sub(" ", text or "").split())


_CLAIM_TRIES = 5  # another issuance claims the same random bit ~1 in 100,000


def make_artefacts(certificate: _Certificate, *, domain: str = "") -> None:
    """Sign the credential and render the PDF from the certificate's snapshot.

    ``domain`` is the locality's host if the caller read it already. The PDF
    first (and its file), then the credential with a freshly drawn status
    index, claimed last: the status list's lock (``status.claim_index``) is
    held from the claim to the commit, not through the PDF and the signature.
    A certificate not saved yet (a first issue) is inserted here, whole; one
    that exists (a re-issue) is updated.
    """
    domain = domain or _domain()
    for field in SNAPSHOT_TEXT:
        setattr(certificate, field, plain(getattr(certificate, field)))
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
    certificate.credential = _signed_credential(certificate, domain)
    if certificate.pk is None:
        # One INSERT with everything: an insert then an update of the same
        # row wrote it twice (a dead version, every index touched twice).
        certificate.save(force_insert=True)
        return
    # One UPDATE: the claimed status index, the credential, the file, the text.
    certificate.save(
        update_fields=["status_index", "credential", "pdf", *SNAPSHOT_TEXT]
    )
    if old_name:
        storage = certificate.pdf.storage
        transaction.on_commit(lambda: storage.delete(old_name))


def _signed_credential(certificate: _Certificate, domain: str) -> dict[str, Any]:
    """The signed credential; a certificate without a status index gets one."""
    if certificate.status_index is not None:  # a re-issue keeps its bit
        return _sign(certificate, domain, certificate.status_index)
    for _try in range(_CLAIM_TRIES):
        candidate = _status.draw_free_index()
        credential = _sign(certificate, domain, candidate)
        if _status.claim_index(certificate, candidate):
            return credential
    raise _status.StatusIndexError(
        _("No se encontró un índice libre en la lista de estado; intente de nuevo.")
    )


def _sign(certificate: _Certificate, domain: str, status_index: int) -> dict[str, Any]:
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
        status_index=status_index,
    )
    return _signing.sign(
        credential,
        controller=_documents.issuer_url(domain),
        created=_documents.xsd_datetime(timezone.now()),
    )


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
