"""Platform events (enrolled, withdrew, viewed a lesson, attended, completed)
recorded as xAPI statements too, so the LRS sees every learning event.

Invariant: an event's statement id is derived from the event itself (uuid5), so
recording the same event twice stores one statement. These statements never
touch activity states (``counts_for_activity=False``).
"""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import XapiStatement as _XapiStatement

__all__: list[str] = []

#: Prefix of the ADL verbs the platform uses (``registered``, ``completed``...).
VERBS = "http://adlnet.gov/expapi/verbs/"

#: Namespace of the ids derived from events; changing it would store every event
#: again under new ids.
EVENT_NAMESPACE = uuid.UUID("6f1f6a52-3c2e-4a8e-9a55-5b7f0e0c6a06")


# Verbs of the platform's and H5P's statements, as a person would say them.
_VERB_LABELS = {
    "answered": gettext_lazy("respondió"),
    "attempted": gettext_lazy("intentó"),
    "attended": gettext_lazy("asistió"),
    "completed": gettext_lazy("completó"),
    "experienced": gettext_lazy("vio"),
    "failed": gettext_lazy("no aprobó"),
    "interacted": gettext_lazy("interactuó"),
    "passed": gettext_lazy("aprobó"),
    "progressed": gettext_lazy("avanzó"),
    "registered": gettext_lazy("se inscribió"),
    "scored": gettext_lazy("obtuvo puntaje"),
    "withdrew": gettext_lazy("se retiró"),
}


def verb_label(verb_id: str) -> str:
    """A statement's verb as a person would say it, in the active language; an
    unknown verb by the last part of its id (``…/verbs/shared`` → ``shared``)."""
    verb = verb_id.rsplit("/", 1)[-1]
    return str(_VERB_LABELS.get(verb, verb))


def record_event(user_id: int, verb: str, activity_key: str, *, ref: str) -> None:
    """Record a platform event as an xAPI statement (idempotent by its id)."""
    statement_id = uuid.uuid5(EVENT_NAMESPACE, f"{user_id}|{verb}|{activity_key}|{ref}")
    verb_id = VERBS + verb
    _XapiStatement.objects.bulk_create(
        [
            _XapiStatement(
                statement_id=statement_id,
                user_id=user_id,
                activity_key=activity_key,
                verb=verb_id,
                counts_for_activity=False,
                statement={
                    "id": str(statement_id),
                    "verb": {"id": verb_id},
                    "object": {"id": f"urn:lms:{activity_key}"},
                    "timestamp": timezone.now().isoformat(),
                },
            )
        ],
        ignore_conflicts=True,
    )
