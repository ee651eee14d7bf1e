"""Keeping what a dashboard page used to count on each build: the people
active in the last days, per scope (ADR 0045).

A person's last active day per scope (``LastActiveDay``) and, per scope and
day, how many people were last active then (``ActiveTally``). "Active since a
day" is "last active on or after it", so a build sums a few dozen
``ActiveTally`` rows per scope instead of counting distinct people over every
active day (about 100,000 rows for the city at full scale). Events move the
rows (``record_activity``), the recount rebuilds them from ``LearnerDay``.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Count, QuerySet

from .models import ActiveTally as _ActiveTally
from .models import LastActiveDay as _LastActiveDay
from .models import LearnerDay as _LearnerDay
from .summaries import lock_person

__all__ = [
    "active_among",
    "active_since",
    "move_last_active",
    "rebuild_last_active",
]

# Our own models' tables, never input.
_LAST = _LastActiveDay._meta.db_table
_TALLY = _ActiveTally._meta.db_table
_DAY = _LearnerDay._meta.db_table

# The rows of both scopes that the day moves forward, and the change of the
# counts: one less on each old day, one more on the new one. All parts of one
# statement read the same snapshot, so ``before`` holds the days before the
# upsert; the per-person lock keeps another event of the person from moving
# them in between. Count rows change in key order (no deadlock between two
# people's events).
_MOVE = (
    f"WITH before AS (SELECT scope, day FROM {_LAST}"  # noqa: S608
    " WHERE user_id = %(user_id)s AND scope IN ('', %(schema_name)s)),"
    f" moved AS (INSERT INTO {_LAST} AS t (scope, user_id, day)"
    " VALUES ('', %(user_id)s, %(day)s), (%(schema_name)s, %(user_id)s, %(day)s)"
    " ON CONFLICT (scope, user_id) DO UPDATE SET day = EXCLUDED.day"
    " WHERE t.day < EXCLUDED.day RETURNING t.scope),"
    " delta AS (SELECT moved.scope, before.day, -1 AS people"
    " FROM moved JOIN before USING (scope)"
    " UNION ALL SELECT scope, %(day)s::date, 1 FROM moved)"
    f" INSERT INTO {_TALLY} AS a (scope, day, people)"
    " SELECT scope, day, sum(people) FROM delta GROUP BY scope, day"
    " ORDER BY scope, day"
    " ON CONFLICT (scope, day) DO UPDATE SET people = a.people + EXCLUDED.people"
)


def move_last_active(cursor, schema_name: str, user_id: int, day: date) -> None:
    """The person was active in ``schema_name`` on ``day`` (a day not recorded
    before): move their last active day forward in the locality and the city."""
    lock_person(cursor, user_id)
    cursor.execute(_MOVE, {"schema_name": schema_name, "user_id": user_id, "day": day})


def active_since(first_day: date, scope: str | None = None) -> dict[str, int]:
    """People active on ``first_day`` or later, per scope ('' is the city);
    only ``scope`` when given. One read of a few rows per scope."""
    where = "" if scope is None else " AND scope = %(scope)s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, sum(people) FROM {_TALLY}"  # noqa: S608
            f" WHERE day >= %(first_day)s{where} GROUP BY scope",
            {"first_day": first_day, "scope": scope},
        )
        return {found: int(people) for found, people in cursor.fetchall()}


def active_among(first_day: date, people: QuerySet, scope: str = "") -> dict[str, int]:
    """People among ``people`` (a query of user ids: those matching a
    dashboard's filters) active on ``first_day`` or later, per scope: the city
    ('') and each locality, or only ``scope``. One read of the kept last days,
    a row per scope and person, instead of a distinct count over every active
    day of the window for the scope and again per locality."""
    rows = _LastActiveDay.objects.filter(day__gte=first_day, user_id__in=people)
    if scope:
        rows = rows.filter(scope=scope)
    counted = rows.values_list("scope").annotate(people=Count("pk")).order_by()
    return {found: int(people) for found, people in counted}


_TRUTH = (
    f"SELECT schema_name AS scope, user_id, max(day) AS day FROM {_DAY}"  # noqa: S608
    " GROUP BY schema_name, user_id"
    f" UNION ALL SELECT '', user_id, max(day) FROM {_DAY} GROUP BY user_id"
)


def rebuild_last_active() -> int:
    """Rebuild both tables from ``LearnerDay`` (in the caller's transaction);
    return how many (scope, person) rows were wrong."""
    with connection.cursor() as cursor:
        # Events wait for the rebuild, then move the rebuilt rows.
        cursor.execute(f"LOCK TABLE {_LAST}, {_TALLY} IN EXCLUSIVE MODE")
        cursor.execute(
            f"SELECT count(*) FROM ({_TRUTH}) truth FULL JOIN {_LAST} kept"  # noqa: S608
            " ON kept.scope = truth.scope AND kept.user_id = truth.user_id"
            " WHERE kept.day IS DISTINCT FROM truth.day"
        )
        wrong = cursor.fetchone()[0]
        if wrong:
            cursor.execute(f"DELETE FROM {_LAST}")  # noqa: S608
            cursor.execute(f"INSERT INTO {_LAST} (scope, user_id, day) {_TRUTH}")
        # The counts are rebuilt even when every day was right (cheap: one
        # pass over the kept days), so a wrong count never outlives a night.
        cursor.execute(f"DELETE FROM {_TALLY}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {_TALLY} (scope, day, people)"  # noqa: S608
            f" SELECT scope, day, count(*) FROM {_LAST} GROUP BY scope, day"
        )
    return int(wrong)
