"""Learner queries in worker processes, when ``OPEN_DATA_QUERY_PROCESSES`` > 0.

Off by default (0): queries run in the web process (ADR 0024). With a pool, each
query is sent to one of N long-lived worker processes that run the same
``run_sandboxed`` (the same walls, limits and prepared databases, kept per
worker). What this buys is isolation, not speed: a DuckDB crash on hostile input
kills a worker, not the web process, and the pool is rebuilt for the next query.
The limits and the language travel with each query, so a worker answers as the
web process would, in the learner's language.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .data import QueryProblem
from .limits import _DEFAULTS, float_limit, int_limit, limit
from .refusals import QueryRefused
from .sandbox import SandboxAnswer, run_sandboxed

__all__ = ["run_in_pool", "shut_down_pool"]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _start_worker() -> None:
    import django

    django.setup()


def _ready() -> bool:
    return True


def _get_pool(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            # spawn: a fresh interpreter, never a fork of a threaded web process.
            _pool = ProcessPoolExecutor(
                max_workers=size,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
            _pool_size = size
            # Start every worker now (Django's setup takes seconds), so that no
            # learner's time limit pays for it.
            for started in [_pool.submit(_ready) for _ in range(size)]:
                started.result()
        return _pool


def shut_down_pool() -> None:
    """Stop the workers (tests, and a process that is exiting)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def _work(
    path: str,
    sql: str,
    params: tuple[object, ...],
    max_rows: int | None,
    language: str | None,
    limits: dict[str, object],
) -> tuple[str, object]:
    for name, value in limits.items():
        setattr(settings, name, value)
    with translation.override(language):
        try:
            return "ok", run_sandboxed(
                Path(path), sql, params=params, max_rows=max_rows
            )
        except QueryRefused as refused:
            return "refused", (str(refused), refused.problem.value)


def run_in_pool(
    parquet: Path,
    sql: str,
    *,
    params: Sequence[object] = (),
    max_rows: int | None = None,
) -> SandboxAnswer:
    """``run_sandboxed`` in a worker process; the same answer or ``QueryRefused``."""
    pool = _get_pool(int_limit("OPEN_DATA_QUERY_PROCESSES"))
    limits = {
        name: limit(name) for name in _DEFAULTS if name.startswith("OPEN_DATA_QUERY")
    }
    wait = float_limit("OPEN_DATA_QUERY_QUEUE_SECONDS") + float_limit(
        "OPEN_DATA_QUERY_SECONDS"
    )
    future = pool.submit(
        _work,
        str(parquet),
        sql,
        tuple(params),
        max_rows,
        translation.get_language(),
        limits,
    )
    try:
        kind, payload = future.result(timeout=wait + 5)
    except FutureTimeout as exc:
        future.cancel()
        raise QueryRefused(
            _(
                "Hay muchas consultas en curso en este momento. Espere unos "
                "segundos y vuelva a intentarlo."
            ),
            QueryProblem.BUSY,
        ) from exc
    except BrokenProcessPool as exc:
        shut_down_pool()  # the next query starts fresh workers
        raise QueryRefused(
            _("La consulta detuvo el motor de datos. Revísela y vuelva a intentarlo."),
            QueryProblem.OTHER,
        ) from exc
    if kind == "refused":
        message, problem = payload  # type: ignore[misc]
        raise QueryRefused(message, QueryProblem(problem))
    return payload  # type: ignore[return-value]
