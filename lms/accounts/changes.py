"""Telling the apps that stand on accounts that people's data changed."""

from __future__ import annotations

from django.db import transaction

from .models import User as _User
from .signals import people_changed


def announce_changed(user_ids: list[int] | None) -> None:
    """Send ``people_changed`` after commit (``None``: many people at once)."""
    transaction.on_commit(lambda: people_changed.send(sender=_User, user_ids=user_ids))
