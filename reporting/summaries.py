"""One summary row per person for the city and for each locality they study in.

Pages count people with plain counts over these rows. They are refreshed in the
same transaction as each course event, under a per-person advisory lock, and
rebuilt by the nightly recount (any difference counts as drift).
"""

from __future__ import annotations

from django.db import connection

from .models import LearnerCourse as _LearnerCourse
from .models import PersonSummary as _PersonSummary

# Table names come from our own models, never from input.
_LC = _LearnerCourse._meta.db_table
_SUMMARY = _PersonSummary._meta.db_table
# Advisory-lock namespace: one person's reporting rows change one event at a time.
_PERSON_LOCK = 8_0001
# A person's summary per scope ('' = city, else the locality), from their rows.
_SUMMARY_SELECT = (
    "SELECT scope, user_id, bool_or(is_enrolled OR completed_at IS NOT NULL),"  # noqa: S608
    " min(first_enrolled_at) FILTER (WHERE is_enrolled OR completed_at IS NOT NULL),"
    " min(completed_at), min(certified_at), clock_timestamp()"
    f" FROM (SELECT '' AS scope, lc.* FROM {_LC} lc {{where}} UNION ALL"
    f" SELECT lc.schema_name, lc.* FROM {_LC} lc {{where}}) per_scope"
    " {scope_filter} GROUP BY scope, user_id"
)
_SUMMARY_UPSERT = (
    f"INSERT INTO {_SUMMARY} AS t (schema_name, user_id, is_enrolled,"
    " first_enrolled_at, completed_at, certified_at, updated_at) {select}"
    " ON CONFLICT (schema_name, user_id) DO UPDATE SET"
    " is_enrolled = EXCLUDED.is_enrolled,"
    " first_enrolled_at = EXCLUDED.first_enrolled_at,"
    " completed_at = EXCLUDED.completed_at, certified_at = EXCLUDED.certified_at,"
    " updated_at = EXCLUDED.updated_at"
    " WHERE (t.is_enrolled, t.first_enrolled_at, t.completed_at, t.certified_at)"
    " IS DISTINCT FROM (EXCLUDED.is_enrolled, EXCLUDED.first_enrolled_at,"
    " EXCLUDED.completed_at, EXCLUDED.certified_at)"
)


def lock_person(cursor, user_id: int) -> None:
    """Serialize one person's events until the transaction ends."""
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%(namespace)s, %(person)s)",
        {"namespace": _PERSON_LOCK, "person": user_id % 2**31},
    )


def refresh_person(cursor, user_id: int, schema_name: str) -> None:
    """Recompute the person's city summary and their summary in ``schema_name``."""
    select = _SUMMARY_SELECT.format(
        where="WHERE lc.user_id = %(user_id)s",
        scope_filter="WHERE scope IN ('', %(schema_name)s)",
    )
    cursor.execute(
        _SUMMARY_UPSERT.format(select=select),
        {"user_id": user_id, "schema_name": schema_name},
    )


def rebuild_summaries() -> int:
    """Recompute every person's summaries from the course rows; rows changed."""
    with connection.cursor() as cursor:
        select = _SUMMARY_SELECT.format(where="", scope_filter="")
        cursor.execute(_SUMMARY_UPSERT.format(select=select))
        changed = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {_SUMMARY} s WHERE NOT EXISTS (SELECT 1 FROM {_LC} lc"  # noqa: S608
            " WHERE lc.user_id = s.user_id AND (s.schema_name = ''"
            " OR lc.schema_name = s.schema_name))"
        )
        return changed + cursor.rowcount
