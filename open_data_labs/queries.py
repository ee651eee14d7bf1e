"""Learner queries on a pinned version: the door the pages, lessons and reports use.

``run_query`` takes either the guided builder's steps (a ``BuilderQuery``) or SQL
text, always names a dataset *and a version*, and returns a ``QueryResult``
whose rows are plain Python values. Everything runs in the sandbox
(``sandbox.py``) over the hash-checked local copy of that version's Parquet
file, so the same query on the same version gives the same rows, whoever runs it
and whenever (a lab's answer check, a monitoring report's evidence, a shared
address).

Because a version never changes, an answer can be kept: results are cached
(Django's cache, ``OPEN_DATA_QUERY_CACHE_SECONDS``) under the version's SHA-256,
the query, its parameters, the row cap and the sandbox's limits. A class that
opens the same shared address runs the query once. Refusals are never cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence

from django.core.cache import cache

from .builder import compile_builder
from .data import BuilderQuery, CompiledQuery, QueryResult, SnapshotData
from .limits import int_limit, limit
from .query_pool import run_in_pool
from .sandbox import run_sandboxed
from .snapshots import get_snapshot, local_path

__all__ = ["compile_query", "run_query"]


def compile_query(
    dataset_key: str,
    version: int,
    query: BuilderQuery,
    *,
    snapshot: SnapshotData | None = None,
) -> CompiledQuery:
    """The builder's SQL, parameters and step sentences for that version's columns.

    ``snapshot``: that version, when the caller has already read it (a page
    reads its version once). Raises ``DatasetNotFound`` or ``QueryRefused``
    (Spanish message).
    """
    snapshot = _the_version(dataset_key, version, snapshot)
    return compile_builder(query, snapshot.columns)


def run_query(
    dataset_key: str,
    version: int,
    query: BuilderQuery | str,
    *,
    max_rows: int | None = None,
    snapshot: SnapshotData | None = None,
) -> QueryResult:
    """Run builder steps or SQL text on one version, read-only and bounded.

    SQL reads the table ``datos``. At most ``max_rows`` rows come back
    (``OPEN_DATA_QUERY_MAX_ROWS`` by default; ``is_truncated`` says if there were
    more). ``snapshot``: that version, when the caller has already read it.
    Raises ``DatasetNotFound``, or ``QueryRefused`` with a Spanish message
    and a ``QueryProblem`` (syntax, unknown column, time or memory limit, a
    statement that is not a query, file or network access...).
    """
    snapshot = _the_version(dataset_key, version, snapshot)
    if isinstance(query, BuilderQuery):
        compiled = compile_builder(query, snapshot.columns)
        sql, params, shown = compiled.sql, compiled.params, compiled.display_sql
    else:
        sql, params, shown = query, (), query.strip()
    key = _cache_key(snapshot.sha256, sql, params, max_rows)
    if (kept := cache.get(key)) is not None:
        return dataclasses.replace(kept, is_cached=True)
    # In worker processes when configured (query_pool), else here.
    run = run_in_pool if int_limit("OPEN_DATA_QUERY_PROCESSES") else run_sandboxed
    answer = run(local_path(snapshot), sql, params=params, max_rows=max_rows)
    result = QueryResult(
        dataset_key=dataset_key,
        version=version,
        sha256=snapshot.sha256,
        sql=shown,
        columns=answer.columns,
        rows=answer.rows,
        is_truncated=answer.is_truncated,
        max_rows=answer.max_rows,
        elapsed_ms=answer.elapsed_ms,
    )
    if seconds := int_limit("OPEN_DATA_QUERY_CACHE_SECONDS"):
        cache.set(key, result, seconds)
    return result


def _the_version(
    dataset_key: str, version: int, snapshot: SnapshotData | None
) -> SnapshotData:
    if snapshot is None:
        return get_snapshot(dataset_key, version)
    if (snapshot.dataset_key, snapshot.version) != (dataset_key, version):
        raise ValueError(f"{snapshot.dataset_key} v{snapshot.version} was given")
    return snapshot


def _cache_key(
    sha256: str, sql: str, params: Sequence[object], max_rows: int | None
) -> str:
    # The limits are part of the answer (a row cap, or a query that reads them).
    limits_now = [
        str(limit(name))
        for name in (
            "OPEN_DATA_QUERY_MEMORY",
            "OPEN_DATA_QUERY_THREADS",
            "OPEN_DATA_QUERY_MAX_ROWS",
        )
    ]
    text = json.dumps([sha256, sql, [repr(p) for p in params], max_rows, limits_now])
    return "open_data:query:" + hashlib.sha256(text.encode()).hexdigest()
