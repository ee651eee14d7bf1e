"""Background jobs of the courses app (thin: the work is in ``releases``)."""

import logging

from celery import shared_task

from .errors import ReleaseNotFound
from .releases import run_release as _run_release

logger = logging.getLogger(__name__)


@shared_task(name="courses.run_release")
def run_release(release_id: int) -> str:
    """Copy a course release into its localities.

    Sent from the campus, so it runs in the campus schema (tenant-schemas-celery);
    each locality is entered explicitly. Re-running skips localities already done,
    so a redelivery after a worker dies is harmless.
    """
    try:
        return _run_release(release_id).status
    except ReleaseNotFound:
        # A message left from a database that was reset: nothing to copy.
        logger.warning("Publicación %s inexistente; se descarta la tarea.", release_id)
        return "missing"
