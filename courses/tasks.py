"""Background jobs of the courses app (thin: the work is in ``releases``)."""

import logging

from celery import shared_task

from .errors import ReleaseNotFound
from .releases import COPY_TASK
from .releases import copy_release_target as _copy_release_target
from .releases import run_release as _run_release

logger = logging.getLogger(__name__)


@shared_task(name=COPY_TASK)
def copy_release_target(release_id: int, schema_name: str) -> str:
    """Copy a course release into one locality (one task per locality).

    Sent from the campus through the outbox, so it runs in the campus schema
    (tenant-schemas-celery) and enters the locality explicitly. A redelivery
    after a worker dies finds the locality done, or copies it again in one
    transaction.
    """
    try:
        return _copy_release_target(release_id, schema_name)
    except ReleaseNotFound:
        # A message left from a database that was reset: nothing to copy.
        logger.warning("Publicación %s inexistente; se descarta la tarea.", release_id)
        return "missing"


@shared_task(name="courses.run_release")
def run_release(release_id: int) -> str:
    """Copy a release into all its unfinished localities in one task.

    Kept for messages queued before releases were split per locality.
    """
    try:
        return _run_release(release_id).status
    except ReleaseNotFound:
        logger.warning("Publicación %s inexistente; se descarta la tarea.", release_id)
        return "missing"
