"""Notices to learners: made once, shown in «Mi aprendizaje», emailed after commit.

Invariant: one notice per (person, kind, reference); the row is both the in-site
notice and the "send once" guard. The email is not sent from here: after commit
``signals.notification_created`` is sent and the app's ``handlers`` queue the
Celery task (tasks sit above every topic module, so this module cannot import
them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from . import signals
from .data import NoticeDraft
from .models import Notification as _Notification

__all__ = ["NoticeDraft", "list_notifications", "notify", "notify_many"]


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


def notify_many(kind: str, drafts: Iterable[NoticeDraft]) -> int:
    """``notify`` for many people at once (a rule change can make thousands
    eligible): the notices not made yet are inserted in bulk and each is emailed
    after commit, as ``notify`` does. Returns how many were new."""
    wanted = {(d.user_id, d.ref[:120]): d for d in drafts}
    if not wanted:
        return 0
    made = set(
        _Notification.objects.filter(
            kind=kind, user_id__in={user_id for user_id, _ref in wanted}
        ).values_list("user_id", "ref")
    )
    rows = [
        _Notification(
            user_id=user_id, kind=kind, ref=ref, title=d.title, body=d.body, link=d.link
        )
        for (user_id, ref), d in wanted.items()
        if (user_id, ref) not in made
    ]
    try:
        with transaction.atomic():  # savepoint: a concurrent notify may win a row
            created = _Notification.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:
        return sum(
            notify(r.user_id, kind, r.ref, title=r.title, body=r.body, link=r.link)
            for r in rows
        )
    ids = [row.pk for row in created]

    def announce() -> None:
        for pk in ids:
            signals.notification_created.send(sender=None, notification_id=pk)

    transaction.on_commit(announce)
    return len(ids)


def list_notifications(user_id: int, *, limit: int = 10) -> list[dict[str, Any]]:
    """The learner's latest notices in this locality (shown in «Mi aprendizaje»)."""
    rows = _Notification.objects.filter(user_id=user_id).order_by("-created_at")
    return [
        {"title": r.title, "body": r.body, "link": r.link, "created_at": r.created_at}
        for r in rows[:limit]
    ]
