"""Lesson views already stored, remembered in the cache so that a repeat view
reads no progress row (``progress.record_lesson_view``, ADR 0038)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

# A repeat view inside this window records nothing: the lesson is already
# completed, the day already counted active (the view that set ``last_viewed_at``
# marked it) and completion already evaluated after that view. Campaign peaks are
# learners paging back and forth inside one sitting. A repeat view past it is
# recorded off the request, at most once per window (``touch_lesson_view``).
LAST_VIEWED_EVERY = timedelta(minutes=5)


def _recent(last_viewed_at: datetime, now: datetime) -> bool:
    # The same local day too: a view after midnight counts the new day active.
    return (
        timezone.localdate(last_viewed_at) == timezone.localdate(now)
        and now - last_viewed_at < LAST_VIEWED_EVERY
    )


# A repeat view is the request a campaign multiplies; once a learner's view of
# a lesson is stored, the cache (per locality: its key function puts the schema
# first) says so, and the view reads no row. What it remembers never changes
# while the row exists (the lesson's course; ``last_viewed_at`` only decides
# whether to queue a touch, which ``_touch_later`` limits to one per window
# anyway). Records are erased only with the person's anonymization, which leaves
# no account to view lessons with; a lesson moved to another course goes to the
# database, since the value names the course; the expiry bounds the rest.
SEEN_TIMEOUT = 30 * 60


def _seen_key(user_id: int, lesson_key: str) -> str:
    return f"learning:seen:{user_id}:{lesson_key}"


def _remember_seen(
    user_id: int, lesson_key: str, course_key: str, last_viewed_at: datetime
) -> None:
    cache.set(
        _seen_key(user_id, lesson_key), (course_key, last_viewed_at), SEEN_TIMEOUT
    )
