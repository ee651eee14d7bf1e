"""Recording the localities' events in the public reporting tables.

Handlers call these in the locality's schema, after the event committed there.
Recording is idempotent and order-safe: a replayed event changes nothing, and an
older event never undoes a newer one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import facet_tallies, page_tables, summaries
from .models import LearnerCourse as _LearnerCourse
from .models import LearnerDay as _LearnerDay

__all__ = [
    "record_activity",
    "record_certificate",
    "record_certification_since",
    "record_completion",
    "record_enrollment",
    "record_withdrawal",
]

# Table names come from our own models, never from input.
_LC = _LearnerCourse._meta.db_table
_DAY = _LearnerDay._meta.db_table
_COURSE_UPSERT = (
    f"INSERT INTO {_LC} AS t (schema_name, user_id, course_key, is_enrolled,"  # noqa: S608
    " first_enrolled_at, enrollment_changed_at, completed_at, certified_at,"
    " updated_at) VALUES (%(schema_name)s, %(user_id)s, %(course_key)s,"
    " %(is_enrolled)s, %(first_enrolled_at)s, %(enrollment_changed_at)s,"
    " %(completed_at)s, %(certified_at)s, clock_timestamp())"
    " ON CONFLICT (schema_name, user_id, course_key)"
    " DO UPDATE SET {changes}, updated_at = clock_timestamp()"
)


def _upsert_course(
    changes: str,
    schema_name: str,
    user_id: int,
    course_key: str,
    **values: Any,
) -> None:
    """Apply one course event and refresh the person's city and locality summary.

    ``changes`` is the fixed SQL of how the event merges into an existing row
    (written in this module); ``values`` are the event's columns. The per-person
    lock makes two events of one person (in two localities, say) run one after
    the other, so each summary is computed from committed rows, and the
    precomputed counts (unfiltered and under each filter) get exactly the
    change of this person's contribution.
    """
    row = {
        "schema_name": schema_name,
        "user_id": user_id,
        "course_key": course_key,
        "is_enrolled": False,
        "first_enrolled_at": None,
        "enrollment_changed_at": None,
        "completed_at": None,
        "certified_at": None,
        **values,
    }
    with connection.cursor() as cursor:
        summaries.lock_person(cursor, user_id)
        before = facet_tallies.person_contributions(cursor, [user_id])
        cursor.execute(_COURSE_UPSERT.format(changes=changes), row)
        summaries.refresh_person(cursor, user_id, schema_name)
        after = facet_tallies.person_contributions(cursor, [user_id])
        facet_tallies.add_person_change(cursor, before, after)


@transaction.atomic
def record_enrollment(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person enrolled in a course of a locality (idempotent, order-safe)."""
    _upsert_course(
        "first_enrolled_at = LEAST(t.first_enrolled_at, EXCLUDED.first_enrolled_at),"
        " is_enrolled = CASE WHEN t.enrollment_changed_at IS NULL"
        " OR EXCLUDED.enrollment_changed_at > t.enrollment_changed_at"
        " THEN true ELSE t.is_enrolled END,"
        " enrollment_changed_at = GREATEST(t.enrollment_changed_at,"
        " EXCLUDED.enrollment_changed_at)",
        schema_name,
        user_id,
        course_key,
        is_enrolled=True,
        first_enrolled_at=occurred_at,
        enrollment_changed_at=occurred_at,
    )


@transaction.atomic
def record_withdrawal(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person withdrew; an enrollment at the same instant loses to it."""
    _upsert_course(
        "is_enrolled = CASE WHEN t.enrollment_changed_at IS NULL"
        " OR EXCLUDED.enrollment_changed_at >= t.enrollment_changed_at"
        " THEN false ELSE t.is_enrolled END,"
        " enrollment_changed_at = GREATEST(t.enrollment_changed_at,"
        " EXCLUDED.enrollment_changed_at)",
        schema_name,
        user_id,
        course_key,
        enrollment_changed_at=occurred_at,
    )


@transaction.atomic
def record_completion(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person completed a course; the earliest completion date is kept."""
    _upsert_course(
        "completed_at = LEAST(t.completed_at, EXCLUDED.completed_at)",
        schema_name,
        user_id,
        course_key,
        completed_at=occurred_at,
    )


@transaction.atomic
def record_certificate(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime
) -> None:
    """A person was certified for a course; the earliest issue date is kept."""
    _upsert_course(
        "certified_at = LEAST(t.certified_at, EXCLUDED.certified_at)",
        schema_name,
        user_id,
        course_key,
        certified_at=occurred_at,
    )


@transaction.atomic
def record_certification_since(
    schema_name: str, user_id: int, *, course_key: str, occurred_at: datetime | None
) -> None:
    """After a revocation: the person counts as certified since ``occurred_at``
    (their first certificate of the course still valid), or not at all (None)."""
    _upsert_course(
        "certified_at = EXCLUDED.certified_at",
        schema_name,
        user_id,
        course_key,
        certified_at=occurred_at,
    )


@transaction.atomic
def record_activity(schema_name: str, user_id: int, *, occurred_at: datetime) -> None:
    """A person was active in a locality that day (Bogotá time); once per day.

    A day recorded for the first time also moves the person's last active day
    (``page_tables``), so pages read the active people without counting them.
    """
    day = timezone.localdate(occurred_at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_DAY} (schema_name, user_id, day)"  # noqa: S608
            " VALUES (%(schema_name)s, %(user_id)s, %(day)s)"
            " ON CONFLICT (schema_name, user_id, day) DO NOTHING RETURNING 1",
            {"schema_name": schema_name, "user_id": user_id, "day": day},
        )
        if cursor.fetchone() is not None:
            page_tables.move_last_active(cursor, schema_name, user_id, day)
