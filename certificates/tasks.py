"""Celery tasks of the certificates app: thin callers of its topic modules.

tenant-schemas-celery carries the sender's schema (ADR 0003), so no task takes a
schema name. ``acks_late`` is on project-wide: a task whose worker dies is
delivered again, and both tasks are safe to run twice. Tasks never import
``api`` (the app's door is for other apps).
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from .bulk_reissue import run_bulk_reissue
from .issuing import issue_certificate


@shared_task(name="certificates.issue_certificate", acks_late=True)
def issue_certificate_task(
    user_id: int, course_key: str, course_version: int, completed_at: str
) -> str:
    """Issue (or find) the certificate; returns its code."""
    certificate = issue_certificate(
        user_id,
        course_key=course_key,
        course_version=course_version,
        completed_at=datetime.fromisoformat(completed_at),
    )
    return certificate.code


@shared_task(name="certificates.run_bulk_reissue", acks_late=True)
def run_bulk_reissue_task(job_id: int) -> int:
    """Re-issue in batches; a redelivered job resumes after its last batch."""
    return run_bulk_reissue(job_id).done
