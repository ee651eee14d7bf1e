"""Queuing a bulk re-issue: the job row now, its Celery task after commit.

Above ``tasks`` in the app's layers (the task runs ``bulk_reissue``, below it),
so the queue and the worker never import each other.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .bulk_reissue import job_data
from .data import CertificateError, ReissueJobData
from .models import ReissueJob as _ReissueJob
from .records import valid_certificates
from .tasks import run_bulk_reissue_task

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
    transaction.on_commit(lambda: run_bulk_reissue_task.delay(job.pk))
    return job_data(job)
