"""Receivers of the courses app's own signals (connected in ``CoursesConfig.ready``).

A release is frozen by ``releases.release_course`` but copied by a Celery task
that sits above it; the task is queued here, after the release's commit.
"""

from __future__ import annotations

from . import signals
from .tasks import run_release


def on_release_requested(sender: object, *, release_id: int, **kwargs: object) -> None:
    """Queue the copy of a release into its localities."""
    run_release.delay(release_id)


def connect() -> None:
    signals.release_requested.connect(
        on_release_requested, dispatch_uid="courses.release_requested"
    )
