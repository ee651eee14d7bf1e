"""Configurable limits of the open-data labs, with their defaults.

Read from Django settings when set (``OPEN_DATA_*``), so a deployment or a test
changes them without touching code. The defaults fit the 2-core, 24 GB machine
the platform was measured on (bench/open_data_profile.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

_DEFAULTS: dict[str, object] = {
    # Bigger uploads are refused before they are read.
    "OPEN_DATA_MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    # An XLSX is a zip: its parts are checked before opening (zip bombs).
    "OPEN_DATA_MAX_XLSX_UNCOMPRESSED": 200 * 1024 * 1024,
    "OPEN_DATA_MAX_XLSX_RATIO": 200,
    "OPEN_DATA_MAX_ROWS": 2_000_000,
    "OPEN_DATA_MAX_COLUMNS": 500,
    # DuckDB inside the web or worker process: bounded memory and threads.
    "OPEN_DATA_DUCKDB_MEMORY": "512MB",
    "OPEN_DATA_DUCKDB_THREADS": 2,
    # Portals (CKAN, Socrata): seconds per request, rows per page, rows in all.
    "OPEN_DATA_PORTAL_TIMEOUT": 20,
    "OPEN_DATA_PORTAL_PAGE_SIZE": 5_000,
    "OPEN_DATA_PORTAL_MAX_ROWS": 1_000_000,
    # Learner queries (guided builder and SQL): each in its own locked DuckDB
    # connection. Seconds before the query is interrupted, its memory and threads,
    # rows returned at most, and how many may run at once in one process (the
    # others wait up to OPEN_DATA_QUERY_QUEUE_SECONDS, then are told to retry).
    "OPEN_DATA_QUERY_SECONDS": 5,
    "OPEN_DATA_QUERY_MEMORY": "256MB",
    "OPEN_DATA_QUERY_THREADS": 1,
    "OPEN_DATA_QUERY_MAX_ROWS": 1_000,
    # One per core, at most 4: on 2 cores, 10 learners got 36-41 queries/s with
    # 2 at once and 26 with 4 (DuckDB instances competing for the same cores).
    "OPEN_DATA_QUERY_CONCURRENCY": min(os.cpu_count() or 2, 4),
    "OPEN_DATA_QUERY_QUEUE_SECONDS": 5,
    # Queries read a native DuckDB copy of the version (made once from its
    # checked Parquet file) rather than the Parquet file itself (ADR 0037).
    "OPEN_DATA_QUERY_NATIVE_COPY": True,
    # Worker processes that run learner queries (0: in the web process).
    "OPEN_DATA_QUERY_PROCESSES": 0,
    # Seconds a result is kept (versions never change, so it stays right); 0: off.
    "OPEN_DATA_QUERY_CACHE_SECONDS": 600,
    # Longest SQL text accepted (it travels in the page's address).
    "OPEN_DATA_QUERY_MAX_SQL_CHARS": 4_000,
}


def limit(name: str) -> object:
    """The configured value of ``OPEN_DATA_<...>`` or its default."""
    return getattr(settings, name, _DEFAULTS[name])


def int_limit(name: str) -> int:
    return int(limit(name))  # type: ignore[call-overload]


def float_limit(name: str) -> float:
    return float(limit(name))  # type: ignore[arg-type]


def cache_dir() -> Path:
    """Local folder of read-only copies of stored snapshots (by hash)."""
    configured = getattr(settings, "OPEN_DATA_CACHE_DIR", None)
    folder = Path(configured or Path(settings.DATA_DIR) / "open-data-cache")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
