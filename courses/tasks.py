"""Background jobs of the courses app (thin: the work is in api.py)."""

import logging

from celery import shared_task

from . import api

logger = logging.getLogger(__name__)


@shared_task(name="courses.run_release")
def run_release(release_id: int) -> str:
    """Copy a course release into its localities.

    Sent from the campus, so it runs in the campus schema (tenant-schemas-celery);
    each locality is entered explicitly. Re-running skips localities already done,
    so a redelivery after a worker dies is harmless.
    """
    try:
        return api.run_release(release_id).status
    except api.ReleaseNotFound:
        # A message left from a database that was reset: nothing to copy.
        logger.warning("Publicación %s inexistente; se descarta la tarea.", release_id)
        return "missing"
