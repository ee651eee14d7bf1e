"""Receivers of the learning records (connected in ``LearningConfig.ready``).

- The accounts app asks every locality to scrub or export a person's data
  (``person_anonymized``, ``person_data_requested``); the learning records answer
  for their own tables here, so no other app has to relay for them.
- A notice made deep in enrollment or completion is emailed by a Celery task
  queued from here (tasks sit above the topic modules that make notices).
- A repeat lesson view past the window is recorded by a task queued from here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kombu.exceptions import OperationalError as BrokerUnavailable

from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from . import signals
from .personal_data import erase_learner, export_learner
from .statements import list_activity_states
from .tasks import touch_lesson_view_task

logger = logging.getLogger(__name__)


def on_person_anonymized(sender: object, *, user_id: int, **kwargs: object) -> None:
    """Erase the person's learning records in this locality (the accounts' loop
    runs this once per locality, inside the anonymization transaction)."""
    deleted = erase_learner(user_id)
    logger.info(
        "Persona %s anonimizada: %s registros de aprendizaje.", user_id, deleted
    )


def on_person_data_requested(
    sender: object, *, user_id: int, **kwargs: object
) -> dict[str, list[dict[str, str]]]:
    """The person's learning records in this locality, for their data download.

    Activities this app knows only by key (H5P's, for instance) are named by the
    apps that own them, through ``signals.activity_titles_requested``.
    """
    keys = [state.activity_key for state in list_activity_states(user_id)]
    titles: dict[str, str] = {}
    if keys:
        for _receiver, answer in signals.activity_titles_requested.send(
            sender=None, activity_keys=keys
        ):
            titles.update(answer or {})
    return export_learner(user_id, activity_titles=titles)


def on_notification_created(
    sender: object, *, notification_id: int, **kwargs: object
) -> None:
    """Email the new notice from Celery, in this locality's schema (through the
    outbox: a broker outage delays the email instead of losing it)."""
    tenants_api.send_after_commit("learning.send_notification_email", notification_id)


def on_lesson_revisited(
    sender: object,
    *,
    user_id: int,
    course_key: str,
    lesson_key: str,
    viewed_at: datetime,
    **kwargs: object,
) -> None:
    """Queue the task that records a repeat view, straight to the broker.

    Not through the outbox: that is a database write, and keeping writes out of
    the learner's request is the point. "Last viewed" is not worth one: with the
    broker down the touch is lost (logged) and the page is served all the same;
    a view once the window has passed again queues it again.
    """
    try:
        touch_lesson_view_task.apply_async(
            args=[
                tenants_api.current_schema(),
                user_id,
                course_key,
                lesson_key,
                viewed_at.isoformat(),
            ],
            retry=False,  # a dead broker fails at once, the page does not wait
        )
    except (BrokerUnavailable, OSError) as exc:
        logger.warning("Vista repetida de %s sin registrar: %s", lesson_key, exc)


def connect() -> None:
    accounts_api.person_anonymized.connect(
        on_person_anonymized, dispatch_uid="learning.anon"
    )
    accounts_api.person_data_requested.connect(
        on_person_data_requested, dispatch_uid="learning.data"
    )
    signals.notification_created.connect(
        on_notification_created, dispatch_uid="learning.notification_email"
    )
    signals.lesson_revisited.connect(
        on_lesson_revisited, dispatch_uid="learning.lesson_revisited"
    )
