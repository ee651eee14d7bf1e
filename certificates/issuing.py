"""Issuing a certificate when a course is completed (idempotent).

One certificate per person and course version: a redelivered task, or a
second signal, returns the one that exists (partial unique constraints catch a
concurrent run).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .artefacts import make_artefacts
from .data import CertificateData
from .models import Certificate as _Certificate
from .records import first_certificate, to_data
from .signals import certificate_issued
from .sources import read_course, read_holder, read_locality

__all__ = ["issue_certificate"]

_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to type


def new_code(slug: str) -> str:
    """A fresh code: the locality's slug and eight easy-to-type characters."""
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
    existing = first_certificate(user_id, course_key, course_version)
    if existing is not None:
        return to_data(existing)
    holder = read_holder(user_id)
    title, hours = read_course(course_key)
    locality = read_locality()
    certificate = _Certificate(
        code=new_code(locality.slug),
        user_id=user_id,
        course_key=course_key,
        course_version=course_version,
        completed_at=completed_at,
        issued_at=timezone.now(),
        holder_name=holder.name,
        document_type=holder.document_type,
        document_last_digits=holder.document_last_digits,
        course_title=title,
        hours=hours,
        locality_name=locality.name,
    )
    try:
        # The row is inserted once, last, with its PDF, credential and status
        # bit (make_artefacts); the savepoint lets a concurrent run that
        # inserted first win: this one then returns that certificate.
        with transaction.atomic():
            make_artefacts(certificate, domain=locality.domain or "")
    except IntegrityError:
        # The PDF written for the row that lost would be an orphan.
        certificate.pdf.storage.delete(certificate.pdf.name)
        existing = first_certificate(user_id, course_key, course_version)
        if existing is None:  # a code collision, not a duplicate: try once more
            raise
        return to_data(existing)
    announce_issued(certificate)
    return to_data(certificate, domain=locality.domain or "")


def announce_issued(certificate: _Certificate) -> None:
    """Send ``certificate_issued`` once the issuing transaction commits."""
    transaction.on_commit(
        lambda: certificate_issued.send(
            sender=None,
            user_id=certificate.user_id,
            course_key=certificate.course_key,
            course_version=certificate.course_version,
            issued_at=certificate.issued_at,
        )
    )
