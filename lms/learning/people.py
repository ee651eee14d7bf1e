"""Who studies in the active locality: the people its staff may see.

A locality's staff see the people enrolled in its courses (any status, waiting
list included) or attending its in-person sessions, never the city-wide list.
Returned as a query of ids so callers can filter the accounts table in one query
(the public schema is on every locality's search path).
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Attendance as _Attendance
from .models import Enrollment as _Enrollment

__all__ = ["count_sessions_attended", "learner_id_subqueries"]


def learner_id_subqueries() -> tuple[QuerySet, ...]:
    """Queries of the ids of people enrolled, and attending, in the active locality.

    Use each in ``pk__in=`` (joined with ``|``): a UNION cannot be a subquery there.
    """
    return (
        _Enrollment.objects.values("user_id"),
        _Attendance.objects.values("user_id"),
    )


def count_sessions_attended(user_id: int) -> int:
    """In-person sessions the person attended in the active locality."""
    return _Attendance.objects.filter(user_id=user_id).count()
