"""Working through a bulk re-issue (the background job's body) and reading jobs.

A job re-issues every valid certificate (or one course's) in small
transactions, remembering the last certificate done, so a worker that dies
mid-way is redelivered the job and resumes after its last batch. Queuing a job
is ``reissue_queue.start_bulk_reissue``, which sits above the Celery tasks.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .artefacts import make_artefacts
from .data import ReissueJobData, ReissueStatus
from .models import Certificate as _Certificate
from .models import ReissueJob as _ReissueJob

__all__ = ["get_reissue_job", "list_reissue_jobs", "run_bulk_reissue"]

logger = logging.getLogger(__name__)

_FINISHED = (ReissueStatus.DONE, ReissueStatus.FAILED)


def run_bulk_reissue(job_id: int, *, batch_size: int = 20) -> ReissueJobData:
    """Work through a bulk re-issue in small transactions (resumable after a crash)."""
    job = _ReissueJob.objects.get(pk=job_id)
    if job.status in _FINISHED:
        return job_data(job)
    job.status = ReissueStatus.RUNNING
    job.save(update_fields=["status"])
    while _reissue_next_batch(job_id, batch_size):
        pass
    job = _ReissueJob.objects.get(pk=job_id)
    job.status = ReissueStatus.FAILED if job.failed else ReissueStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job_data(job)


@transaction.atomic
def _reissue_next_batch(job_id: int, batch_size: int) -> bool:
    """Re-issue the next batch after the job's last certificate; False when none."""
    job = _ReissueJob.objects.select_for_update().get(pk=job_id)
    batch = _Certificate.objects.filter(
        revoked_at__isnull=True, pk__gt=job.last_certificate_id
    ).order_by("pk")
    if job.course_key:
        batch = batch.filter(course_key=job.course_key)
    certificates = list(batch[:batch_size])
    if not certificates:
        return False
    for certificate in certificates:
        try:
            with transaction.atomic():
                certificate.reissued_at = timezone.now()
                certificate.save(update_fields=["reissued_at"])
                make_artefacts(certificate)
        except Exception:  # one bad certificate must not stop the rest
            logger.exception("No se pudo reemitir %s", certificate.code)
            job.failed += 1
        job.done += 1
    job.last_certificate_id = certificates[-1].pk
    job.save(update_fields=["done", "failed", "last_certificate_id"])
    return True


def get_reissue_job(job_id: int) -> ReissueJobData:
    """One bulk re-issue of the active locality, with its progress."""
    return job_data(_ReissueJob.objects.get(pk=job_id))


def list_reissue_jobs(*, limit: int = 10) -> list[ReissueJobData]:
    """The active locality's latest bulk re-issues, newest first."""
    return [job_data(job) for job in _ReissueJob.objects.all()[:limit]]


def job_data(job: _ReissueJob) -> ReissueJobData:
    return ReissueJobData(
        job_id=job.pk,
        reason=job.reason,
        status=ReissueStatus(job.status),
        total=job.total,
        done=job.done,
        failed=job.failed,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
