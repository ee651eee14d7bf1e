"""Receivers of the learning records (connected in ``LearningConfig.ready``).

Here the app wires its own topic modules to the Celery tasks above them: a notice
made deep in enrollment or completion is emailed by a task queued from here.
"""

from __future__ import annotations

from . import signals
from .tasks import send_notification_email_task


def on_notification_created(
    sender: object, *, notification_id: int, **kwargs: object
) -> None:
    """Email the new notice from Celery, in this locality's schema."""
    send_notification_email_task.delay(notification_id)


def connect() -> None:
    signals.notification_created.connect(
        on_notification_created, dispatch_uid="learning.notification_email"
    )
