"""Learner queries on a pinned version: the door the pages, lessons and reports use.

``run_query`` takes either the guided builder's steps (a ``BuilderQuery``) or SQL
text, always names a dataset *and a version*, and returns a ``QueryResult``
whose rows are plain Python values. Everything runs in the sandbox
(``sandbox.py``) over the hash-checked local copy of that version's Parquet
file, so the same query on the same version gives the same rows, whoever runs it
and whenever (a lab's answer check, a monitoring report's evidence, a shared
address).
"""

from __future__ import annotations

from .builder import compile_builder
from .data import BuilderQuery, CompiledQuery, QueryResult
from .sandbox import run_sandboxed
from .snapshots import get_snapshot, snapshot_path

__all__ = ["compile_query", "run_query"]


def compile_query(dataset_key: str, version: int, query: BuilderQuery) -> CompiledQuery:
    """The builder's SQL, parameters and step sentences for that version's columns.

    Raises ``DatasetNotFound`` or ``QueryRefused`` (Spanish message).
    """
    return compile_builder(query, get_snapshot(dataset_key, version).columns)


def run_query(
    dataset_key: str,
    version: int,
    query: BuilderQuery | str,
    *,
    max_rows: int | None = None,
) -> QueryResult:
    """Run builder steps or SQL text on one version, read-only and bounded.

    SQL reads the table ``datos``. At most ``max_rows`` rows come back
    (``OPEN_DATA_QUERY_MAX_ROWS`` by default; ``is_truncated`` says if there were
    more). Raises ``DatasetNotFound``, or ``QueryRefused`` with a Spanish message
    and a ``QueryProblem`` (syntax, unknown column, time or memory limit, a
    statement that is not a query, file or network access...).
    """
    snapshot = get_snapshot(dataset_key, version)
    if isinstance(query, BuilderQuery):
        compiled = compile_builder(query, snapshot.columns)
        sql, params, shown = compiled.sql, compiled.params, compiled.display_sql
    else:
        sql, params, shown = query, (), query.strip()
    answer = run_sandboxed(
        snapshot_path(dataset_key, version), sql, params=params, max_rows=max_rows
    )
    return QueryResult(
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
