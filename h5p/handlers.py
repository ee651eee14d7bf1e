"""Receivers of signals from lower layers (connected in ``H5PConfig.ready``).

The accounts app asks every locality to scrub or export a person's data. H5P
results live in ``lms.learning``, which sits beside ``lms.accounts`` in the
learning core and so cannot listen to it directly (independent layers); this app
is the first one above both, so it relays. Move the learning part to the learning
records' own wiring when issue #6 gives it one above accounts.
"""

from __future__ import annotations

import logging

from lms.learning import api as learning_api

from .models import H5PContent

logger = logging.getLogger(__name__)


def on_person_anonymized(sender: object, *, user_id: int, **kwargs: object) -> None:
    """Delete the person's learning records here; forget who uploaded content."""
    deleted = learning_api.erase_learner(user_id)
    H5PContent.objects.filter(uploaded_by_id=user_id).update(uploaded_by_id=None)
    logger.info(
        "Persona %s anonimizada: %s registros de aprendizaje.", user_id, deleted
    )


def on_person_data_requested(
    sender: object, *, user_id: int, **kwargs: object
) -> dict[str, list[dict[str, str]]]:
    """The person's learning records in this locality (data download), with the
    H5P activities named by their titles."""
    touched = [
        state.activity_key.removeprefix("h5p:")
        for state in learning_api.list_activity_states(user_id, key_prefix="h5p:")
    ]
    titles = {
        content.activity_key: f"Actividad H5P: {content.title}"
        for content in H5PContent.objects.filter(key__in=touched).only("key", "title")
    }
    return learning_api.export_learner(user_id, activity_titles=titles)


def connect() -> None:
    from lms.accounts.api import person_anonymized, person_data_requested

    person_anonymized.connect(on_person_anonymized, dispatch_uid="h5p.anon")
    person_data_requested.connect(on_person_data_requested, dispatch_uid="h5p.data")
