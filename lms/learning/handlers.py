"""Receivers of the learning records (connected in ``LearningConfig.ready``).

- The accounts app asks every locality to scrub or export a person's data
  (``person_anonymized``, ``person_data_requested``); the learning records answer
  for their own tables here, so no other app has to relay for them.
- A notice made deep in enrollment or completion is emailed by a Celery task
  queued from here (tasks sit above the topic modules that make notices).
"""

from __future__ import annotations

import logging

from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from . import signals
from .personal_data import erase_learner, export_learner
from .statements import list_activity_states

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
