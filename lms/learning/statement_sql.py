"""The SQL of the statement write path: one round trip for a routine statement.

``statements.record_statements`` is the request a campaign peak multiplies (the
H5P player posts one statement per answer), so its common case is written as
one statement, and the general case as two, instead of the ORM's
read-then-write pairs (ADRs 0027 and 0044):

- ``store_routine``: one statement about an activity the learner already
  worked on today, which changes neither its completion nor its best score
  (most answers), stored and folded by one data-modifying ``WITH`` in
  autocommit: nothing else can follow from it, so it needs no transaction of
  its own, and being one statement it is stored whole or not at all. Anything
  else it leaves untouched, for the two below in a transaction;
- ``lock_state``: the general path takes the learner's state row first, as
  ``store_routine`` does, so the two never wait for each other's locks in
  opposite orders;
- ``insert_new``: ``INSERT … ON CONFLICT (statement_id) DO NOTHING RETURNING``
  stores the new statements and says which ids were already there, without a
  read first (the unique index is the duplicate check);
- ``fold``: one ``UPDATE`` folds what the new statements say into the
  learner's activity state (state only improves, written as SQL expressions
  over the stored row) and returns the row before and after, so the caller can
  tell whether the result changed without reading it first.

Both run inside the caller's transaction. Neither reads the statement table as
a whole: each touches only the rows of the ids and the learner given, through
unique indexes, so their cost does not grow with the store.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from .models import ActivityState as _ActivityState
from .models import XapiStatement as _XapiStatement

__all__: list[str] = []

# One statement whatever the batch size: the rows travel as one JSON document
# (``jsonb_to_recordset``), so the SQL text is the same for 1 or 500
# statements (the driver parses it once, not a VALUES list of 12 placeholders
# per row, which cost more than the insert itself), and the driver quotes one
# string: as arrays (one per column), each statement's body had every quote
# escaped by a regular expression in Python, half the CPU of a batch.
_INSERT = f"""
    INSERT INTO {_XapiStatement._meta.db_table} (statement_id, user_id,
        activity_key, verb, counts_for_activity, score_raw, score_max,
        score_scaled, success, completion, statement, stored_at)
    SELECT u.sid, %s, %s, u.verb, u.counts, u.raw, u.top, u.scaled, u.success,
        u.completion, u.body, %s
    FROM jsonb_to_recordset(%s::jsonb) AS u(sid uuid, verb text, counts boolean,
        raw float8, top float8, scaled float8, success boolean,
        completion boolean, body jsonb)
    ON CONFLICT (statement_id) DO NOTHING RETURNING statement_id
"""  # noqa: S608  (names from the models, values as parameters)

# The state's columns as ``ActivityStateData`` needs them, in this order.
STATE_COLUMNS = (
    "user_id",
    "activity_key",
    "attempted",
    "completed",
    "passed",
    "failed",
    "best_score_scaled",
    "best_score_raw",
    "best_score_max",
    "statements_count",
    "resume_state",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Delta:
    """What a set of new statements says about the activity (folded by
    ``statements``): the best score is the first highest one."""

    count: int
    completed: bool
    passed: bool
    failed: bool
    best_scaled: float | None
    best_raw: float | None
    best_max: float | None


@dataclass(frozen=True, slots=True)
class Folded:
    """The activity state after the fold (``STATE_COLUMNS``) and the three
    values before it that decide whether completion can have changed."""

    state: dict[str, Any]
    completed_before: bool
    best_before: float | None
    updated_before: datetime


@dataclass(frozen=True, slots=True)
class Routine:
    """What ``store_routine`` did with a routine statement: ``inserted`` is
    false when its id was already stored (then nothing was written, and the
    caller compares the stored one), ``state`` the activity state after."""

    inserted: bool
    state: dict[str, Any]


# Routine: the state row exists, was updated today (the day is already counted
# active), and the statement neither completes the activity nor beats its best
# score, so the general path would run no completion for it (ADR 0027). Only
# then is the statement inserted, and only if inserted is the row folded. The
# row is locked before the insert, as ``lock_state`` does on the general path.
_ROUTINE = f"""
    WITH old AS (
        SELECT {", ".join(("id", *STATE_COLUMNS))}
        FROM {_ActivityState._meta.db_table}
        WHERE user_id = %(user_id)s AND activity_key = %(activity_key)s
        FOR UPDATE
    ), routine AS (
        SELECT id FROM old
        WHERE (old.completed OR NOT %(completed)s)
            AND NOT (%(best)s::float8 IS NOT NULL AND (old.best_score_scaled IS NULL
                OR %(best)s::float8 > old.best_score_scaled))
            AND old.updated_at >= %(day_start)s AND old.updated_at < %(day_end)s
    ), ins AS (
        INSERT INTO {_XapiStatement._meta.db_table} (statement_id, user_id,
            activity_key, verb, counts_for_activity, score_raw, score_max,
            score_scaled, success, completion, statement, stored_at)
        SELECT %(sid)s::uuid, %(user_id)s, %(activity_key)s, %(verb)s,
            %(counts)s, %(raw)s::float8, %(top)s::float8, %(scaled)s::float8,
            %(success)s::boolean, %(completion)s::boolean, %(body)s::jsonb, %(now)s
        FROM routine
        ON CONFLICT (statement_id) DO NOTHING RETURNING statement_id
    ), upd AS (
        UPDATE {_ActivityState._meta.db_table} AS s SET
            attempted = true,
            passed = s.passed OR %(passed)s,
            failed = NOT (s.passed OR %(passed)s) AND (s.failed OR %(failed)s),
            statements_count = s.statements_count + 1,
            updated_at = %(now)s
        FROM routine
        WHERE s.id = routine.id AND EXISTS (SELECT FROM ins)
        RETURNING {", ".join(f"s.{c}" for c in STATE_COLUMNS)}
    )
    SELECT EXISTS (SELECT FROM routine), EXISTS (SELECT FROM upd),
        {", ".join(f"old.{c}" for c in STATE_COLUMNS)},
        {", ".join(f"upd.{c}" for c in STATE_COLUMNS)}
    FROM old LEFT JOIN upd ON true
"""  # noqa: S608  (names from the models, values as parameters)


def store_routine(
    user_id: int, activity_key: str, item: dict[str, Any], delta: Delta
) -> Routine | None:
    """Store and fold one parsed statement in one SQL statement if it is
    routine (see ``_ROUTINE``); ``None``, having written nothing, if it is not
    (no state row yet, a better result, or the first result today)."""
    today = timezone.localdate()
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    day_end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    params = {
        "user_id": user_id,
        "activity_key": activity_key,
        "completed": delta.completed,
        "best": delta.best_scaled,
        "day_start": day_start,
        "day_end": day_end,
        "sid": str(item["statement_id"]),
        "verb": item["verb"],
        "counts": item["counts_for_activity"],
        "raw": item["score_raw"],
        "top": item["score_max"],
        "scaled": item["score_scaled"],
        "success": item["success"],
        "completion": item["completion"],
        "body": json.dumps(item["statement"]),
        "now": timezone.now(),
        "passed": delta.passed,
        "failed": delta.failed,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ROUTINE, params)
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    width = len(STATE_COLUMNS)
    inserted = bool(row[1])
    values = row[2 + width :] if inserted else row[2 : 2 + width]
    return Routine(
        inserted=inserted, state=dict(zip(STATE_COLUMNS, values, strict=True))
    )


def lock_state(user_id: int, activity_key: str) -> None:
    """Lock the learner's state row for the activity (if it exists) before the
    general path inserts: ``store_routine`` locks it before inserting too, so
    two requests with the same statement id cannot each hold what the other
    waits for."""
    sql = f"""
        SELECT id FROM {_ActivityState._meta.db_table}
        WHERE user_id = %s AND activity_key = %s FOR UPDATE
    """  # noqa: S608  (names from the models, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, activity_key])


def insert_new(
    user_id: int, activity_key: str, items: Sequence[dict[str, Any]]
) -> set[uuid.UUID]:
    """Store the parsed statements whose ids are not stored yet; return the ids
    stored now. Rows go in id order, so two requests carrying the same ids
    wait for each other instead of deadlocking."""
    if not items:
        return set()
    rows = [
        {
            "sid": str(item["statement_id"]),
            "verb": item["verb"],
            "counts": item["counts_for_activity"],
            "raw": item["score_raw"],
            "top": item["score_max"],
            "scaled": item["score_scaled"],
            "success": item["success"],
            "completion": item["completion"],
            "body": item["statement"],
        }
        for item in sorted(items, key=lambda i: i["statement_id"])
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT, [user_id, activity_key, timezone.now(), json.dumps(rows)]
        )
        return {_as_uuid(row[0]) for row in cursor.fetchall()}


def fold(user_id: int, activity_key: str, delta: Delta) -> tuple[Folded, bool]:
    """Fold ``delta`` into the learner's state for the activity; the state and
    whether this call made the row (the learner's first statement about it).
    One query, three the first time."""
    folded = _update(user_id, activity_key, delta)
    if folded is not None:
        return folded, False
    # A concurrent first statement may make the row between these two
    # queries; then it is not new here, and the update waits for its commit.
    created = _create(user_id, activity_key)
    folded = _update(user_id, activity_key, delta)
    if folded is None:  # only if the row was deleted meanwhile (an erasure)
        raise RuntimeError(f"activity state {user_id}/{activity_key} vanished")
    return folded, created


def _update(user_id: int, activity_key: str, delta: Delta) -> Folded | None:
    """Fold ``delta`` into the learner's state row in one ``UPDATE``; ``None``
    when the row does not exist yet.

    The sub-select locks the row first (``FOR UPDATE``), so concurrent posts for
    the same learner and activity queue here and each one's "before" is what
    the previous one committed.
    """
    table = _ActivityState._meta.db_table
    better = (
        "(%(scaled)s::float8 IS NOT NULL AND (s.best_score_scaled IS NULL "
        "OR %(scaled)s::float8 > s.best_score_scaled))"
    )
    sql = f"""
        UPDATE {table} AS s SET
            attempted = true,
            completed = s.completed OR %(completed)s,
            passed = s.passed OR %(passed)s,
            failed = NOT (s.passed OR %(passed)s) AND (s.failed OR %(failed)s),
            best_score_scaled = CASE WHEN {better}
                THEN %(scaled)s::float8 ELSE s.best_score_scaled END,
            best_score_raw = CASE WHEN {better}
                THEN %(raw)s::float8 ELSE s.best_score_raw END,
            best_score_max = CASE WHEN {better}
                THEN %(max)s::float8 ELSE s.best_score_max END,
            statements_count = s.statements_count + %(count)s,
            updated_at = %(now)s
        FROM (
            SELECT id, completed, best_score_scaled, updated_at FROM {table}
            WHERE user_id = %(user_id)s AND activity_key = %(activity_key)s
            FOR UPDATE
        ) AS old
        WHERE s.id = old.id
        RETURNING {", ".join(f"s.{c}" for c in STATE_COLUMNS)},
            old.completed, old.best_score_scaled, old.updated_at
    """  # noqa: S608  (names from the models, values as parameters)
    params = {
        "completed": delta.completed,
        "passed": delta.passed,
        "failed": delta.failed,
        "scaled": delta.best_scaled,
        "raw": delta.best_raw,
        "max": delta.best_max,
        "count": delta.count,
        "now": timezone.now(),
        "user_id": user_id,
        "activity_key": activity_key,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(STATE_COLUMNS)
    return Folded(
        state=dict(zip(STATE_COLUMNS, row[:width], strict=True)),
        completed_before=row[width],
        best_before=row[width + 1],
        updated_before=row[width + 2],
    )


def _create(user_id: int, activity_key: str) -> bool:
    """Make the learner's empty state row; False if a concurrent request made it
    first (then it is that request's, and ``_update`` waits for it)."""
    table = _ActivityState._meta.db_table
    sql = f"""
        INSERT INTO {table} (user_id, activity_key, attempted, completed, passed,
            failed, statements_count, resume_state, updated_at)
        VALUES (%s, %s, false, false, false, false, 0, '', %s)
        ON CONFLICT (user_id, activity_key) DO NOTHING RETURNING id
    """  # noqa: S608  (names from the models, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, activity_key, timezone.now()])
        return cursor.fetchone() is not None


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
