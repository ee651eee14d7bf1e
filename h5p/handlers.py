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
    """The person's activity results in this locality (data download)."""
    rows = learning_api.export_learner(user_id)
    return {"Actividades y resultados": rows} if rows else {}


def connect() -> None:
    from lms.accounts.api import person_anonymized, person_data_requested

    person_anonymized.connect(on_person_anonymized, dispatch_uid="h5p.anon")
    person_data_requested.connect(on_person_data_requested, dispatch_uid="h5p.data")
