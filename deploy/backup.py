"""Back up and restore everything: every schema of the database and the media.

    python deploy/backup.py backup  FOLDER     # DATABASE_URL, MEDIA_S3_* (or roots)
    python deploy/backup.py restore FOLDER     # into DATABASE_URL (must be empty)

``make backup`` / ``make restore`` run these against ``make prod-local``
(``deploy/prodlocal.py``). A backup folder holds:

- ``database.dump``: ``pg_dump --format=custom`` of the whole database, i.e. the
  public schema, the template, the campus and every locality, in one snapshot
  (``pg_dump`` runs in one repeatable-read transaction);
- ``media/public/…`` and ``media/private/…``: every object of the two buckets
  (or the two media roots on disk), under its key;
- ``manifest.json``: row counts per schema and table, object counts, sizes and
  how long each step took. ``restore`` checks the restored copy against it and
  fails, naming the differences, if anything is missing.

It must talk to PostgreSQL directly, never through PgBouncer (``pg_dump`` uses a
session of its own for minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

MANIFEST = "manifest.json"
DUMP = "database.dump"
# Schemas of PostgreSQL itself (and extensions) are not ours to count.
_SYSTEM = ("pg_catalog", "information_schema", "pg_toast")


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection flags for pg_dump/pg_restore from a postgres:// URL."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    flags = [
        "--host",
        parts.hostname or "127.0.0.1",
        "--port",
        str(parts.port or 5432),
        "--username",
        parts.username or "postgres",
        "--dbname",
        parts.path.lstrip("/"),
    ]
    return flags, env


def row_counts(url: str) -> dict[str, int]:
    """``{"schema.table": rows}`` for every table of every schema of ours."""
    import psycopg
    from psycopg import sql

    counts = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema <> ALL(%s) "
            "AND table_schema NOT LIKE 'pg_%%' ORDER BY 1, 2",
            [list(_SYSTEM)],
        ).fetchall()
        for schema, table in tables:
            query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
            counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


# --- Media: buckets or folders ---------------------------------------------------------


class MediaPlace:
    """One of the two media places: an S3 bucket, or a folder on disk."""

    def __init__(self, *, bucket: str = "", folder: str = "", env=None):
        self.bucket, self.folder = bucket, folder
        self.env = env or os.environ

    @classmethod
    def both(cls, env=None) -> dict[str, MediaPlace]:
        env = env or os.environ
        if env.get("MEDIA_S3_BUCKET"):
            private = env.get("MEDIA_S3_PRIVATE_BUCKET") or (
                env["MEDIA_S3_BUCKET"] + "-private"
            )
            return {
                "public": cls(bucket=env["MEDIA_S3_BUCKET"], env=env),
                "private": cls(bucket=private, env=env),
            }
        return {
            "public": cls(folder=env.get("MEDIA_ROOT", ""), env=env),
            "private": cls(folder=env.get("PRIVATE_MEDIA_ROOT", ""), env=env),
        }

    def _client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.env.get("MEDIA_S3_ENDPOINT_URL") or None,
            aws_access_key_id=self.env.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=self.env.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            region_name=self.env.get("MEDIA_S3_REGION") or "us-east-1",
        )

    def keys(self) -> list[str]:
        if self.bucket:
            pages = (
                self._client()
                .get_paginator("list_objects_v2")
                .paginate(Bucket=self.bucket)
            )
            return sorted(o["Key"] for p in pages for o in p.get("Contents", []))
        root = Path(self.folder)
        if not self.folder or not root.exists():
            return []
        return sorted(
            p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
        )

    def download_all(self, target: Path) -> int:
        keys = self.keys()
        client = self._client() if self.bucket else None
        for key in keys:
            local = target / key
            local.parent.mkdir(parents=True, exist_ok=True)
            if client:
                client.download_file(self.bucket, key, str(local))
            else:
                shutil.copyfile(Path(self.folder) / key, local)
        return len(keys)

    def upload_all(self, source: Path) -> int:
        files = [p for p in source.rglob("*") if p.is_file()] if source.exists() else []
        client = self._client() if self.bucket else None
        for path in files:
            key = path.relative_to(source).as_posix()
            if client:
                client.upload_file(str(path), self.bucket, key)
            else:
                local = Path(self.folder) / key
                local.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, local)
        return len(files)


# --- Commands -----------------------------------------------------------------------


def backup(folder: Path, *, database_url: str, env=None) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    flags, pg_env = _pg_env(database_url)
    started = time.perf_counter()
    subprocess.run(
        ["pg_dump", *flags, "--format=custom", "--file", str(folder / DUMP)],
        env=pg_env,
        check=True,
    )
    dumped = time.perf_counter()
    objects = {
        kind: place.download_all(folder / "media" / kind)
        for kind, place in MediaPlace.both(env).items()
    }
    manifest = {
        "rows": row_counts(database_url),
        "objects": objects,
        "database_seconds": round(dumped - started, 2),
        "media_seconds": round(time.perf_counter() - dumped, 2),
        "dump_bytes": (folder / DUMP).stat().st_size,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def restore(folder: Path, *, database_url: str, env=None) -> dict:
    """Restore into an empty database and buckets; check against the manifest."""
    manifest = json.loads((folder / MANIFEST).read_text())
    flags, pg_env = _pg_env(database_url)
    started = time.perf_counter()
    subprocess.run(
        ["pg_restore", *flags, "--no-owner", "--exit-on-error", str(folder / DUMP)],
        env=pg_env,
        check=True,
    )
    restored = time.perf_counter()
    places = MediaPlace.both(env)
    for kind, place in places.items():
        place.upload_all(folder / "media" / kind)
    differences = differences_from(manifest, database_url, places)
    if differences:
        raise RuntimeError(
            "La copia restaurada no coincide con la copia de seguridad: "
            + "; ".join(differences[:20])
        )
    return {
        "database_seconds": round(restored - started, 2),
        "media_seconds": round(time.perf_counter() - restored, 2),
    }


def differences_from(manifest: dict, database_url: str, places: dict) -> list[str]:
    rows = row_counts(database_url)
    found = [
        f"{table}: {manifest['rows'][table]} filas en la copia, {rows.get(table)} "
        "restauradas"
        for table in manifest["rows"]
        if rows.get(table) != manifest["rows"][table]
    ]
    found += [
        f"{kind}: {count} objetos en la copia, {len(places[kind].keys())} restaurados"
        for kind, count in manifest["objects"].items()
        if len(places[kind].keys()) != count
    ]
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("backup", "restore"):
        print(__doc__)
        return 2
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("Defina DATABASE_URL (directo a PostgreSQL, no a PgBouncer).")
        return 2
    command = backup if argv[0] == "backup" else restore
    try:
        result = command(Path(argv[1]), database_url=url)
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        print(f"Error: {exc}")
        return 1
    summary = {k: v for k, v in result.items() if k != "rows"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
