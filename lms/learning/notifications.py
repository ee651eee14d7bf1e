"""Notices to learners: made once, shown in «Mi aprendizaje», emailed after commit.

Invariant: one notice per (person, kind, reference); the row is both the in-site
notice and the "send once" guard. The email is not sent from here: after commit
``signals.notification_created`` is sent and the app's ``handlers`` queue the
Celery task (tasks sit above every topic module, so this module cannot import
them).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import signals
from .models import Notification as _Notification

__all__ = ["list_notifications", "notify"]


def notify(
    user_id: int, kind: str, ref: str, *, title: str, body: str, link: str = ""
) -> bool:
    """Make the notice once (per person, kind and reference) and have it emailed
    after commit, from Celery in this locality's schema. Returns whether it is new."""
    row, created = _Notification.objects.get_or_create(
        user_id=user_id,
        kind=kind,
        ref=ref[:120],
        defaults={"title": title, "body": body, "link": link},
    )
    if created:
        transaction.on_commit(
            lambda: signals.notification_created.send(
                sender=None, notification_id=row.pk
            ),
            robust=True,
        )
    return created


def list_notifications(user_id: int, *, limit: int = 10) -> list[dict[str, Any]]:
    """The learner's latest notices in this locality (shown in «Mi aprendizaje»)."""
    rows = _Notification.objects.filter(user_id=user_id).order_by("-created_at")
    return [
        {"title": r.title, "body": r.body, "link": r.link, "created_at": r.created_at}
        for r in rows[:limit]
    ]
