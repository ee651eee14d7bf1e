"""Precomputed counts under the dashboard's filters (``FacetTally``), kept with
the unfiltered ones (``Tally``) by the same events, in the same statements.

A filter combination (a course, a gender, an age group, any of them empty) is a
*facet*. For each person and scope the events add, per facet they fall in, what
they add to each dimension (totals, gender, age group, ethnic group, the yes/no
questions, weeks of first enrollment and completion, and the courses when no
course is chosen). One SQL definition (``_FACETS``) serves the events (one
person, before and after) and the recount (everyone, then compared: drift).

Age groups depend on the day they are counted on, so the facets count them on
the day kept in ``FacetTallyDay``; ``count_ages_on`` moves the few people whose
group changed since (a birthday at a group's edge), and the recount rebuilds on
its own day. Locks are always taken in one order: that day's row, then a
person's advisory lock, then the count rows (in key order).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from lms.accounts.data import MIN_AGE

from . import age_bands, summaries, tallies
from .models import FacetTally as _FacetTally
from .models import FacetTallyDay as _FacetTallyDay
from .models import LearnerCourse as _LearnerCourse
from .models import PersonProfile as _PersonProfile
from .models import PersonSummary as _PersonSummary
from .models import Tally as _Tally

__all__ = [
    "add_person_change",
    "count_ages_on",
    "lock_kept_day",
    "person_contributions",
    "rebuild_all_tallies",
]

# Table names come from our own models, never from input.
_F = _FacetTally._meta.db_table
_D = _FacetTallyDay._meta.db_table
_T = _Tally._meta.db_table
_S = _PersonSummary._meta.db_table
_P = _PersonProfile._meta.db_table
_LC = _LearnerCourse._meta.db_table
_DAY_ROW = 1
# Above this many people whose age group changed, a dashboard does not move
# them in its request: it counts on read until the recount rebuilds.
_MAX_MOVED = 2000

Key = tuple[str, ...]  # Tally: (scope, dimension, category); + (course, gender, age)
Counts = tuple[int, int, int, int]

# The day the facets count ages on (today's date until a day is kept).
KEPT_DAY = (
    f"COALESCE((SELECT day FROM {_D} WHERE id = {_DAY_ROW}),"  # noqa: S608
    " (now() AT TIME ZONE %(tz)s)::date)"
)
_ENROLLED = "(lc.is_enrolled OR lc.completed_at IS NOT NULL)"
# Units: one per person and scope (their summary: no course chosen) and one per
# person, scope and course (that course's rows; the city's joins localities).
_UNITS = (
    "SELECT s.schema_name AS scope, s.user_id, '' AS course, s.is_enrolled AS e,"  # noqa: S608
    " s.completed_at IS NOT NULL AS c, s.certified_at IS NOT NULL AS z,"
    " CASE WHEN s.is_enrolled THEN s.first_enrolled_at END AS fe,"
    f" s.completed_at AS fc FROM {_S} s WHERE {{people}}"
    f" UNION ALL SELECT lc.schema_name, lc.user_id, lc.course_key, {_ENROLLED},"
    " lc.completed_at IS NOT NULL, lc.certified_at IS NOT NULL,"
    f" CASE WHEN {_ENROLLED} THEN lc.first_enrolled_at END, lc.completed_at"
    f" FROM {_LC} lc WHERE {{courses}}"
    f" UNION ALL SELECT '', lc.user_id, lc.course_key, bool_or({_ENROLLED}),"
    " bool_or(lc.completed_at IS NOT NULL), bool_or(lc.certified_at IS NOT NULL),"
    f" min(lc.first_enrolled_at) FILTER (WHERE {_ENROLLED}), min(lc.completed_at)"
    f" FROM {_LC} lc WHERE {{courses}} GROUP BY 2, 3"
)


def _yes_no(column: str) -> str:
    return f"CASE WHEN u.{column} THEN 'si' WHEN NOT u.{column} THEN 'no' ELSE '' END"


def _week(column: str) -> str:
    return f"to_char(date_trunc('week', {column} AT TIME ZONE %(tz)s), 'YYYY-MM-DD')"


def _age_key(birth: str, day: str) -> str:
    """SQL naming the age group (its key) of ``birth`` on the SQL date ``day``:
    empty without a date, ``age_bands.UNDER_MIN_KEY`` under the youngest."""
    whens = [
        f"WHEN {birth} IS NULL THEN ''",
        f"WHEN {birth} > ({day} - interval '{MIN_AGE} years')::date THEN %(age_under)s",
    ]
    for index, band in enumerate(age_bands.BANDS):
        if band.oldest is None:
            whens.append(f"ELSE %(age_key_{index})s")
        else:
            whens.append(
                f"WHEN {birth} > ({day} - interval '{band.oldest + 1} years')::date"
                f" THEN %(age_key_{index})s"
            )
    return "CASE " + " ".join(whens) + " END"


def _age_params() -> dict[str, str]:
    params = {"age_under": age_bands.UNDER_MIN_KEY}
    params |= {f"age_key_{i}": band.key for i, band in enumerate(age_bands.BANDS)}
    return params


_AGE_FILTER = "NULLIF(NULLIF(u.age, ''), %(age_under)s)"
_CTES = (
    "WITH units AS MATERIALIZED ({units}), u AS MATERIALIZED ("  # noqa: S608
    "SELECT units.*, p.gender AS g, p.ethnic_group AS eth, p.has_disability,"
    " p.is_victim, p.is_lgbtiq, p.is_rural, {age} AS age"
    f" FROM units LEFT JOIN {_P} p ON p.user_id = units.user_id)"
)
_COUNTS = (
    "count(*), count(*) FILTER (WHERE u.e), count(*) FILTER (WHERE u.c),"
    " count(*) FILTER (WHERE u.z)"
)
# Columns: scope, dimension, category, course, gender, age group, counts.
_FACETS = (
    f"SELECT u.scope, d.dimension, d.category, x.course, x.gender, x.age, {_COUNTS}"  # noqa: S608
    " FROM u CROSS JOIN LATERAL (VALUES (u.course, '', ''),"
    f" (u.course, NULLIF(u.g, ''), ''), (u.course, '', {_AGE_FILTER}),"
    f" (u.course, NULLIF(u.g, ''), {_AGE_FILTER})) x(course, gender, age)"
    " CROSS JOIN LATERAL (VALUES ('all', ''), ('gender', COALESCE(u.g, '')),"
    " ('ethnic', COALESCE(u.eth, '')),"
    f" ('disability', {_yes_no('has_disability')}),"
    f" ('victim', {_yes_no('is_victim')}), ('lgbtiq', {_yes_no('is_lgbtiq')}),"
    f" ('rural', {_yes_no('is_rural')}), ('age', u.age),"
    f" ('week_enrolled', {_week('u.fe')}), ('week_completed', {_week('u.fc')}))"
    " d(dimension, category)"
    " WHERE x.gender IS NOT NULL AND x.age IS NOT NULL AND d.category IS NOT NULL"
    # No filter at all is ``Tally``'s, but for the age groups on the kept day.
    " AND (x.course <> '' OR x.gender <> '' OR x.age <> '' OR d.dimension = 'age')"
    " GROUP BY 1, 2, 3, 4, 5, 6"
    # The courses, when a gender or an age group (and no course) is chosen.
    f" UNION ALL SELECT u.scope, 'course', u.course, '', x.gender, x.age, {_COUNTS}"
    " FROM u CROSS JOIN LATERAL (VALUES (NULLIF(u.g, ''), ''),"
    f" ('', {_AGE_FILTER}), (NULLIF(u.g, ''), {_AGE_FILTER})) x(gender, age)"
    " WHERE u.course <> '' AND x.gender IS NOT NULL AND x.age IS NOT NULL"
    " GROUP BY 1, 3, 5, 6"
)


def _sql(user_ids: list[int] | None, *, day_sql: str, with_plain: bool) -> str:
    if user_ids is None:
        units = _UNITS.format(people="true", courses="true")
        plain = tallies.plain_sql(None)
    else:
        units = _UNITS.format(
            people="s.user_id = ANY(%(ids)s)", courses="lc.user_id = ANY(%(ids)s)"
        )
        plain = tallies.plain_sql(user_ids)
    sql = _CTES.format(units=units, age=_age_key("p.birth_date", day_sql)) + " "
    if with_plain:  # the unfiltered counts, in the same statement
        sql += (
            "SELECT scope, dimension, category, NULL, NULL, NULL, people, enrolled,"  # noqa: S608
            f" completed, certified FROM ({plain}) plain(scope, dimension, category,"
            " people, enrolled, completed, certified) UNION ALL "
        )
    return sql + _FACETS


def _params(user_ids: list[int] | None, **extra: object) -> dict[str, object]:
    params: dict[str, object] = {"tz": settings.TIME_ZONE, **_age_params(), **extra}
    if user_ids is not None:
        params["ids"] = user_ids
    return params


def _contributions(
    cursor, user_ids: Iterable[int] | None, *, day_sql: str, with_plain: bool, **extra
) -> dict[Key, Counts]:
    ids = None if user_ids is None else list(user_ids)
    sql = _sql(ids, day_sql=day_sql, with_plain=with_plain)
    cursor.execute(sql, _params(ids, **extra))
    return {
        (tuple(r[0:3]) if r[3] is None else tuple(r[0:6])): tuple(r[6:10])
        for r in cursor.fetchall()
    }


def person_contributions(cursor, user_ids: Iterable[int]) -> dict[Key, Counts]:
    """What ``user_ids`` add to every count, unfiltered and filtered (one query;
    run under their person locks, before and after a change)."""
    return _contributions(cursor, user_ids, day_sql=KEPT_DAY, with_plain=True)


_PLAIN_UPSERT = (
    f"INSERT INTO {_T} AS t (scope, dimension, category, people, enrolled,"  # noqa: S608
    " completed, certified, updated_at) SELECT *, clock_timestamp() FROM"
    " unnest(%(t_scope)s::text[], %(t_dimension)s::text[], %(t_category)s::text[],"
    " %(t_people)s::int[], %(t_enrolled)s::int[], %(t_completed)s::int[],"
    " %(t_certified)s::int[]) ON CONFLICT (scope, dimension, category) DO UPDATE"
    " SET people = t.people + EXCLUDED.people,"
    " enrolled = t.enrolled + EXCLUDED.enrolled,"
    " completed = t.completed + EXCLUDED.completed,"
    " certified = t.certified + EXCLUDED.certified,"
    " updated_at = EXCLUDED.updated_at RETURNING 1"
)
# The facets' rows are written after the unfiltered ones (the scalar subquery
# makes the plain insert finish first): one lock order for every event.
_FACET_UPSERT = (
    f"INSERT INTO {_F} AS t (scope, dimension, category, course_key, gender,"  # noqa: S608
    " age_group, people, enrolled, completed, certified, updated_at)"
    " SELECT *, clock_timestamp() FROM unnest(%(f_scope)s::text[],"
    " %(f_dimension)s::text[], %(f_category)s::text[], %(f_course)s::text[],"
    " %(f_gender)s::text[], %(f_age)s::text[], %(f_people)s::int[],"
    " %(f_enrolled)s::int[], %(f_completed)s::int[], %(f_certified)s::int[])"
    " WHERE (SELECT count(*) FROM plain) >= 0"
    " ON CONFLICT (course_key, gender, age_group, scope, dimension, category)"
    " DO UPDATE SET people = t.people + EXCLUDED.people,"
    " enrolled = t.enrolled + EXCLUDED.enrolled,"
    " completed = t.completed + EXCLUDED.completed,"
    " certified = t.certified + EXCLUDED.certified,"
    " updated_at = EXCLUDED.updated_at"
)
_PLAIN_NAMES = ("scope", "dimension", "category")
_FACET_NAMES = ("scope", "dimension", "category", "course", "gender", "age")
_MEASURES = ("people", "enrolled", "completed", "certified")


def add_person_change(
    cursor, before: dict[Key, Counts], after: dict[Key, Counts]
) -> int:
    """Add ``after - before`` to both tables (one statement); rows changed.

    Rows are written in key order, so two events touching the same counts lock
    them in the same order and cannot deadlock.
    """
    zero = (0, 0, 0, 0)
    plain: list[tuple] = []
    faceted: list[tuple] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key, zero), after.get(key, zero)
        delta = tuple(n - o for n, o in zip(new, old, strict=True))
        if any(delta):
            (plain if len(key) == 3 else faceted).append((*key, *delta))
    if not (plain or faceted):
        return 0
    params: dict[str, list] = {}
    for prefix, rows, names in (
        ("t", plain, _PLAIN_NAMES),
        ("f", faceted, _FACET_NAMES),
    ):
        columns = list(zip(*rows, strict=True)) or [()] * (len(names) + 4)
        for name, values in zip((*names, *_MEASURES), columns, strict=True):
            params[f"{prefix}_{name}"] = list(values)
    cursor.execute(f"WITH plain AS ({_PLAIN_UPSERT}) {_FACET_UPSERT}", params)
    return len(plain) + len(faceted)


def lock_kept_day(cursor, *, wait: bool = True) -> date | None:
    """Lock the kept day's row (made on first use); its day."""
    cursor.execute(
        f"INSERT INTO {_D} (id, day) VALUES (%(id)s,"  # noqa: S608
        " (now() AT TIME ZONE %(tz)s)::date) ON CONFLICT (id) DO NOTHING",
        {"id": _DAY_ROW, "tz": settings.TIME_ZONE},
    )
    cursor.execute(
        f"SELECT day FROM {_D} WHERE id = %(id)s FOR UPDATE"  # noqa: S608
        + ("" if wait else " NOWAIT"),
        {"id": _DAY_ROW},
    )
    return cursor.fetchone()[0]


def count_ages_on(day: date) -> bool:
    """Make the facets count ages on ``day``, moving the people whose age group
    changed since the kept day; False when they do not (a day before it, a
    rebuild holding the day, or too many people to move in a request)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT day FROM {_D} WHERE id = %(id)s",  # noqa: S608
            {"id": _DAY_ROW},
        )
        found = cursor.fetchone()
    if found is not None and found[0] == day:
        return True  # every view of the day after the first
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            kept = lock_kept_day(cursor, wait=False)
            if kept == day:
                return True
            if kept is None or day < kept:
                return False
            cursor.execute(
                f"SELECT user_id FROM {_P} p WHERE"  # noqa: S608
                f" {_age_key('p.birth_date', '%(kept)s::date')} IS DISTINCT FROM"
                f" {_age_key('p.birth_date', '%(day)s::date')} ORDER BY 1",
                {"kept": kept, "day": day, **_age_params()},
            )
            moved = [row[0] for row in cursor.fetchall()]
            if len(moved) > _MAX_MOVED:
                return False
            for user_id in moved:  # in id order: no deadlock between movers
                summaries.lock_person(cursor, user_id)
            before = _contributions(
                cursor, moved, day_sql="%(kept)s::date", with_plain=False, kept=kept
            )
            after = _contributions(
                cursor, moved, day_sql="%(day)s::date", with_plain=False, day=day
            )
            add_person_change(cursor, before, after)
            cursor.execute(
                f"UPDATE {_D} SET day = %(day)s WHERE id = %(id)s",  # noqa: S608
                {"day": day, "id": _DAY_ROW},
            )
            return True
    except DatabaseError:  # the day is locked by a rebuild: count on read
        return False


_KEY_COLUMNS = "course_key, gender, age_group, scope, dimension, category"


def _rebuild_facets(cursor, kept: date, day: date) -> int:
    """Recount every facet; the rows that were wrong (on the kept day), then
    store them counted on ``day``."""
    cursor.execute(f"LOCK TABLE {_F} IN EXCLUSIVE MODE")
    # Grouping everyone's facets (millions of rows at full scale) in memory
    # rather than in sorted batches on disk, for this transaction only.
    cursor.execute("SET LOCAL work_mem = '256MB'")
    try:
        return _replace_facets(cursor, kept, day)
    finally:  # a second rebuild in the same transaction makes it again
        cursor.execute("DROP TABLE IF EXISTS reporting_fresh_facets")


def _replace_facets(cursor, kept: date, day: date) -> int:
    fresh = (
        "CREATE TEMPORARY TABLE reporting_fresh_facets ON COMMIT DROP AS"
        " SELECT scope, dimension, category, course AS course_key,"
        " gender, age AS age_group, people, enrolled, completed, certified FROM ({sql})"
        " counted(scope, dimension, category, course, gender, age, people,"
        " enrolled, completed, certified)"
    )
    cursor.execute(
        fresh.format(sql=_sql(None, day_sql="%(kept)s::date", with_plain=False)),
        _params(None, kept=kept),
    )
    cursor.execute(
        "SELECT count(*) FROM reporting_fresh_facets f FULL JOIN (SELECT * FROM"  # noqa: S608
        f" {_F} WHERE people <> 0 OR enrolled <> 0 OR completed <> 0"
        f" OR certified <> 0) t USING ({_KEY_COLUMNS})"
        " WHERE (f.people, f.enrolled, f.completed, f.certified) IS DISTINCT FROM"
        " (t.people, t.enrolled, t.completed, t.certified)"
    )
    wrong = cursor.fetchone()[0]
    if not wrong and kept == day:
        return 0
    if kept != day:
        cursor.execute("DROP TABLE reporting_fresh_facets")
        cursor.execute(
            fresh.format(sql=_sql(None, day_sql="%(day)s::date", with_plain=False)),
            _params(None, day=day),
        )
    cursor.execute(f"DELETE FROM {_F}")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {_F} ({_KEY_COLUMNS}, people, enrolled, completed,"  # noqa: S608
        f" certified, updated_at) SELECT {_KEY_COLUMNS}, people, enrolled,"
        " completed, certified, clock_timestamp() FROM reporting_fresh_facets"
    )
    cursor.execute(
        f"UPDATE {_D} SET day = %(day)s WHERE id = %(id)s",  # noqa: S608
        {"day": day, "id": _DAY_ROW},
    )
    return wrong


def rebuild_all_tallies(day: date) -> tuple[int, int]:
    """Recount the unfiltered and the filtered counts from everyone's rows
    (ages on ``day``); the rows each had wrong (drift). Events meanwhile wait
    and land on the rebuilt counts."""
    with transaction.atomic(), connection.cursor() as cursor:
        kept = lock_kept_day(cursor)  # first, as everyone who moves ages does
        plain = tallies.rebuild_tallies()
        return plain, _rebuild_facets(cursor, kept or day, day)
