"""Receivers of signals from lower layers (connected in ``H5PConfig.ready``).

H5P answers the accounts' data rights for its own rows (who uploaded a package)
and names its activities in a person's learning-records download. The learning
records erase and export themselves (``lms.learning.handlers``).
"""

from __future__ import annotations

from django.db.models.signals import post_delete

from lms.accounts import api as accounts_api
from lms.learning import signals as learning_signals

from .known_keys import forget_content
from .models import H5PContent


def on_person_anonymized(sender: object, *, user_id: int, **kwargs: object) -> None:
    """Forget who uploaded content in this locality."""
    H5PContent.objects.filter(uploaded_by_id=user_id).update(uploaded_by_id=None)


def on_activity_titles_requested(
    sender: object, *, activity_keys: list[str], **kwargs: object
) -> dict[str, str]:
    """Titles of the H5P activities among ``activity_keys`` (``h5p:<key>``)."""
    touched = [
        key.removeprefix("h5p:") for key in activity_keys if key.startswith("h5p:")
    ]
    if not touched:
        return {}
    return {
        content.activity_key: f"Actividad H5P: {content.title}"
        for content in H5PContent.objects.filter(key__in=touched).only("key", "title")
    }


def connect() -> None:
    accounts_api.person_anonymized.connect(
        on_person_anonymized, dispatch_uid="h5p.anon"
    )
    learning_signals.activity_titles_requested.connect(
        on_activity_titles_requested, dispatch_uid="h5p.titles"
    )
    post_delete.connect(forget_content, sender=H5PContent, dispatch_uid="h5p.known")
