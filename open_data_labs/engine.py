"""DuckDB inside the process, bounded, and local read-only copies of snapshots.

Every connection is in-memory with a memory and thread limit and without
extension auto-loading (nothing is downloaded at run time). Only this app's own
SQL runs here in this slice: identifiers are quoted with ``ident`` and values go
in as parameters.

Snapshots live in Django's storage (object storage in production), which DuckDB
cannot read directly; ``local_copy`` fetches a snapshot once into a cache folder
named by its SHA-256 and checks the hash, so a cached copy is always the pinned one.

Learner queries read a second local copy made from that checked file: the same
table in DuckDB's own format (``native_copy``, beside it, named by the hash).
Scanning it skips Parquet's decompression and decoding on every query, which is
most of a grouped query's time over a million rows (ADR 0037).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from .limits import cache_dir, int_limit, limit

__all__ = [
    "NATIVE_TABLE",
    "connect",
    "file_sha256",
    "ident",
    "literal",
    "local_copy",
    "native_copy",
]

# The table's name inside a native copy.
NATIVE_TABLE = "datos"


def ident(name: str) -> str:
    """A DuckDB identifier, quoted (column names come from files)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A DuckDB string literal (for file paths, which cannot be parameters)."""
    return "'" + text.replace("'", "''") + "'"


@contextmanager
def connect() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection with the configured limits; closed after."""
    connection = duckdb.connect(
        config={
            "memory_limit": str(limit("OPEN_DATA_DUCKDB_MEMORY")),
            "threads": int_limit("OPEN_DATA_DUCKDB_THREADS"),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
    )
    try:
        yield connection
    finally:
        connection.close()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class CorruptSnapshot(RuntimeError):
    """A stored snapshot no longer matches its recorded hash."""


def local_copy(storage_name: str, sha256: str) -> Path:
    """Path of a local copy of a stored snapshot whose hash is checked."""
    target = cache_dir() / f"{sha256}.parquet"
    if target.exists():
        return target
    partial = target.with_name(f".{uuid.uuid4().hex}.part")
    try:
        with default_storage.open(storage_name, "rb") as source:
            with partial.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)
        if file_sha256(partial) != sha256:
            raise CorruptSnapshot(
                _(
                    "El archivo guardado de esta versión (%(name)s) no coincide con "
                    "su huella SHA-256: fue alterado. Vuelva a importar los datos."
                )
                % {"name": storage_name}
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def native_copy(parquet: Path) -> Path:
    """A DuckDB database file beside ``parquet`` holding its rows (table ``datos``).

    Made once from the local, hash-checked Parquet copy and never changed after:
    it is written under a temporary name and renamed, so a reader never sees
    half a file, and two processes making it at once both end with a whole one.
    """
    # Named by DuckDB's version too: a newer DuckDB makes its own copy rather
    # than trust a file an older one wrote.
    target = parquet.with_name(f"{parquet.stem}.duckdb-{duckdb.__version__}.db")
    if target.exists():
        return target
    partial = target.with_name(f".{uuid.uuid4().hex}.db.part")
    try:
        with duckdb.connect(
            str(partial),
            config={
                "memory_limit": str(limit("OPEN_DATA_DUCKDB_MEMORY")),
                "threads": int_limit("OPEN_DATA_DUCKDB_THREADS"),
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        ) as con:
            con.execute(
                f"CREATE TABLE {NATIVE_TABLE} AS "  # noqa: S608 - our own path
                f"SELECT * FROM read_parquet({literal(str(parquet))})"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        partial.with_name(partial.name + ".wal").unlink(missing_ok=True)
    return target
