"""Queuing a bulk re-issue: the job row and its task in the outbox, together.

The task (``certificates.run_bulk_reissue``) is named, not imported: the outbox
row commits with the job and is sent after commit, or by the relay if the
broker was down then, so a job is never left waiting for a task that was lost.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .bulk_reissue import job_data
from .data import CertificateError, ReissueJobData
from .models import ReissueJob as _ReissueJob
from .records import valid_certificates

__all__ = ["start_bulk_reissue"]


@transaction.atomic
def start_bulk_reissue(*, reason: str, course_key: str = "") -> ReissueJobData:
    """Queue a background re-issue of every valid certificate (or one course's)."""
    if not (reason or "").strip():
        raise CertificateError(_("Escriba el motivo de la reemisión masiva."))
    valid = valid_certificates()
    if course_key:
        valid = valid.filter(course_key=course_key)
    job = _ReissueJob.objects.create(
        reason=reason.strip()[:500], course_key=course_key, total=valid.count()
    )
    tenants_api.send_after_commit("certificates.run_bulk_reissue", job.pk)
    return job_data(job)
