"""Readers for the city reporting's nightly recount, one locality at a time.

Invariant: they answer with the same facts the learning signals announce
(``enrollment_created``, ``enrollment_withdrawn``, ``course_completed``,
``learner_active``), so a locality whose events all arrived shows no drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from .models import ActiveDay as _ActiveDay
from .models import CourseCompletion as _CourseCompletion
from .models import Enrollment as _Enrollment

__all__ = ["reporting_activity_days", "reporting_enrollments"]


def reporting_enrollments() -> Iterator[
    tuple[
        tuple[int, str], tuple[datetime | None, bool, datetime | None, datetime | None]
    ]
]:
    """(person, course) → (first enrolled, enrolled now, last change, completed).

    "Enrolled" dates are when the learner got a place (``enrollment_created``);
    the last change is the latest such date or withdrawal of a placed enrollment
    (``enrollment_withdrawn``); completion is the first ``course_completed``.
    Waiting-list rows that never got a place are not enrollments.
    """
    placed = (
        _Enrollment.objects.filter(activated_at__isnull=False)
        .values("user_id", "course_key")
        .annotate(
            first=Min("activated_at"),
            last_placed=Max("activated_at"),
            last_withdrawn=Max("withdrawn_at"),
            open_rows=Count("pk", filter=Q(status=_Enrollment.Status.ACTIVE)),
        )
        .order_by()
    )
    completed = {
        (r["user_id"], r["course_key"]): r["first"]
        for r in _CourseCompletion.objects.values("user_id", "course_key")
        .annotate(first=Min("completed_at"))
        .order_by()
    }
    for row in placed.iterator(chunk_size=5000):
        key = (row["user_id"], row["course_key"])
        changes = [d for d in (row["last_placed"], row["last_withdrawn"]) if d]
        yield (
            key,
            (
                row["first"],
                row["open_rows"] > 0,
                max(changes),
                completed.pop(key, None),
            ),
        )
    for key, done in completed.items():  # completed without a placed enrollment
        yield key, (None, False, None, done)


def reporting_activity_days(*, since: datetime) -> set[tuple[int, date]]:
    """(person, Bogotá day) pairs on which ``learner_active`` was sent, from ``since``."""
    return set(
        _ActiveDay.objects.filter(day__gte=timezone.localdate(since))
        .values_list("user_id", "day")
        .distinct()
        .order_by()
    )
