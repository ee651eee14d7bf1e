"""Precomputed counts (``Tally``) kept by the events, so that building a dashboard
reads a few hundred rows instead of counting 50,000 people.

One SQL definition (``_CONTRIBUTIONS``) says what people add to each count. An
event runs it for the one person before and after changing their rows (under the
per-person lock taken by ``summaries.lock_person``) and adds the difference; the
nightly recount runs it for everyone and compares (drift). Because both use the
same definition, a person whose events all arrived shows no drift.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection

from .models import LearnerCourse as _LearnerCourse
from .models import PersonProfile as _PersonProfile
from .models import PersonSummary as _PersonSummary
from .models import Tally as _Tally

__all__ = [
    "DIMENSIONS",
    "add_change",
    "contributions",
    "plain_sql",
    "rebuild_tallies",
]

Key = tuple[str, str, str]  # (scope, dimension, category)
Counts = tuple[int, int, int, int]  # people, enrolled, completed, certified

DIMENSIONS = (
    "all",
    "course",
    "week_enrolled",
    "week_completed",
    "birth",
    "gender",
    "ethnic",
    "disability",
    "victim",
    "lgbtiq",
    "rural",
)

# Table names come from our own models, never from input.
_S = _PersonSummary._meta.db_table
_P = _PersonProfile._meta.db_table
_LC = _LearnerCourse._meta.db_table
_T = _Tally._meta.db_table


def _yes_no(column: str) -> str:
    return f"CASE WHEN p.{column} THEN 'si' WHEN NOT p.{column} THEN 'no' ELSE '' END"


_WEEK = "to_char(date_trunc('week', {column} AT TIME ZONE %(tz)s), 'YYYY-MM-DD')"
_WEEK_ENROLLED = _WEEK.format(column="s.first_enrolled_at")
_WEEK_COMPLETED = _WEEK.format(column="s.completed_at")
# Per person and scope (their summary row) with their answers; the course rows
# per locality, and per person and course for the city (a person enrolled in a
# course in two localities counts once in the city's row for it).
_CONTRIBUTIONS = (
    "SELECT s.schema_name, d.dimension, d.category, count(*),"  # noqa: S608
    " count(*) FILTER (WHERE s.is_enrolled),"
    " count(*) FILTER (WHERE s.completed_at IS NOT NULL),"
    " count(*) FILTER (WHERE s.certified_at IS NOT NULL)"
    f" FROM {_S} s LEFT JOIN {_P} p ON p.user_id = s.user_id"
    " CROSS JOIN LATERAL (VALUES ('all', ''),"
    " ('gender', COALESCE(p.gender, '')),"
    " ('ethnic', COALESCE(p.ethnic_group, '')),"
    f" ('disability', {_yes_no('has_disability')}),"
    f" ('victim', {_yes_no('is_victim')}),"
    f" ('lgbtiq', {_yes_no('is_lgbtiq')}),"
    f" ('rural', {_yes_no('is_rural')}),"
    " ('birth', COALESCE(p.birth_date::text, '')),"
    f" ('week_enrolled', CASE WHEN s.is_enrolled THEN {_WEEK_ENROLLED} END),"
    f" ('week_completed', {_WEEK_COMPLETED})) d(dimension, category)"
    " WHERE d.category IS NOT NULL AND {people}"
    " GROUP BY 1, 2, 3"
    " UNION ALL SELECT lc.schema_name, 'course', lc.course_key, count(*),"
    " count(*) FILTER (WHERE lc.is_enrolled OR lc.completed_at IS NOT NULL),"
    " count(*) FILTER (WHERE lc.completed_at IS NOT NULL),"
    " count(*) FILTER (WHERE lc.certified_at IS NOT NULL)"
    f" FROM {_LC} lc WHERE {{courses}} GROUP BY 1, 3"
    " UNION ALL SELECT '', 'course', course_key, count(*), count(*) FILTER (WHERE e),"
    " count(*) FILTER (WHERE c), count(*) FILTER (WHERE z) FROM ("
    " SELECT lc.user_id, lc.course_key,"
    " bool_or(lc.is_enrolled OR lc.completed_at IS NOT NULL) AS e,"
    " bool_or(lc.completed_at IS NOT NULL) AS c,"
    " bool_or(lc.certified_at IS NOT NULL) AS z"
    f" FROM {_LC} lc WHERE {{courses}} GROUP BY 1, 2) per_course GROUP BY 3"
)


def plain_sql(user_ids: list[int] | None) -> str:
    """The contributions' SQL for everyone (None) or the people ``%(ids)s``
    (parameters ``tz`` and ``ids``), for statements that add more to it."""
    if user_ids is None:
        return _CONTRIBUTIONS.format(people="true", courses="true")
    return _CONTRIBUTIONS.format(
        people="s.user_id = ANY(%(ids)s)", courses="lc.user_id = ANY(%(ids)s)"
    )


def contributions(cursor, user_ids: Iterable[int] | None) -> dict[Key, Counts]:
    """What ``user_ids`` (everyone when None) add to each count."""
    ids = None if user_ids is None else list(user_ids)
    params: dict[str, object] = {"tz": settings.TIME_ZONE}
    if ids is not None:
        params["ids"] = ids
    cursor.execute(plain_sql(ids), params)
    return {(r[0], r[1], r[2]): tuple(r[3:7]) for r in cursor.fetchall()}


def add_change(cursor, before: dict[Key, Counts], after: dict[Key, Counts]) -> int:
    """Add ``after - before`` to the counts (one statement); rows changed.

    Rows are written in key order, so two events touching the same counts lock
    them in the same order and cannot deadlock.
    """
    zero = (0, 0, 0, 0)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key, zero), after.get(key, zero)
        delta = tuple(n - o for n, o in zip(new, old, strict=True))
        if any(delta):
            changes.append((*key, *delta))
    if not changes:
        return 0
    columns = list(zip(*changes, strict=True))
    cursor.execute(
        f"INSERT INTO {_T} AS t (scope, dimension, category, people, enrolled,"  # noqa: S608
        " completed, certified, updated_at)"
        " SELECT *, clock_timestamp() FROM unnest(%(scopes)s::text[],"
        " %(dimensions)s::text[], %(categories)s::text[], %(people)s::int[],"
        " %(enrolled)s::int[], %(completed)s::int[], %(certified)s::int[])"
        " ON CONFLICT (scope, dimension, category) DO UPDATE SET"
        " people = t.people + EXCLUDED.people,"
        " enrolled = t.enrolled + EXCLUDED.enrolled,"
        " completed = t.completed + EXCLUDED.completed,"
        " certified = t.certified + EXCLUDED.certified,"
        " updated_at = EXCLUDED.updated_at",
        dict(
            zip(
                [
                    "scopes",
                    "dimensions",
                    "categories",
                    "people",
                    "enrolled",
                    "completed",
                    "certified",
                ],
                map(list, columns),
                strict=True,
            )
        ),
    )
    return len(changes)


def rebuild_tallies() -> int:
    """Recompute every count from the summaries and course rows; the number of
    counts that were wrong (drift). Run inside the recount's transaction: the
    table is locked meanwhile, so an event's change waits and lands on the
    rebuilt counts."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_T} IN EXCLUSIVE MODE")
        fresh = contributions(cursor, None)
        cursor.execute(
            f"SELECT scope, dimension, category, people, enrolled, completed,"  # noqa: S608
            f" certified FROM {_T} WHERE people <> 0 OR enrolled <> 0"
            " OR completed <> 0 OR certified <> 0"
        )
        stored = {(r[0], r[1], r[2]): tuple(r[3:7]) for r in cursor.fetchall()}
        wrong = sum(
            1
            for key in fresh.keys() | stored.keys()
            if fresh.get(key) != stored.get(key)
        )
        if wrong:
            cursor.execute(f"DELETE FROM {_T}")  # noqa: S608
            add_change(cursor, {}, fresh)
        return wrong
