"""Backup and restore round trip: every schema and both media buckets.

The test database (public, template, campus and two localities, as provisioned)
and the objects a locality stored are backed up with ``deploy/backup.py``,
restored into an empty database and empty buckets, and compared: rows per
table of every schema, objects per bucket. Then the restored Kennedy serves its
home page and its stored file from the restored copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from deploy import backup as backups
from deploy import local_s3
from lms.database import url_for
from tenants import api as tenants_api

from .object_storage import bucket_keys

PROJECT_DIR = Path(__file__).resolve().parents[2]

_SERVE = """
import django
django.setup()
from django.test import Client
home = Client(HTTP_HOST="kennedy.test").get("/")
print("HOME", home.status_code)
from django.core.files.storage import default_storage
from tenants import api
with api.in_locality("test_kennedy"):
    with default_storage.open("respaldo/acta.txt") as handle:
        print("FILE", handle.read().decode())
"""


@pytest.fixture
def empty_database(db):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("Faltan pg_dump/pg_restore: apt-get install postgresql-client.")
    source = connection.settings_dict
    name = f"{source['NAME']}_restaurada_{uuid.uuid4().hex[:6]}"
    admin = url_for({**source, "NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url_for({**source, "NAME": name})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_every_schema_and_object(
    object_storage, empty_database, local_s3_endpoint, tmp_path
):
    with tenants_api.in_locality("test_kennedy"):
        default_storage.save("respaldo/acta.txt", ContentFile(b"acta del cabildo"))
        tenants_api.private_storage().save(
            "respaldo/certificado.pdf", ContentFile(b"%PDF privado")
        )
    connection.set_schema_to_public()
    source_url = url_for(connection.settings_dict)

    manifest = backups.backup(
        tmp_path / "copia", database_url=source_url, env=object_storage
    )
    schemas = {table.split(".")[0] for table in manifest["rows"]}
    assert {"public", "locality_template", "campus", "test_kennedy"} <= schemas
    assert manifest["rows"]["public.tenants_locality"] >= 3  # campus + 2
    assert manifest["objects"] == {"public": 1, "private": 1}

    restored_media = f"restaurada-{uuid.uuid4().hex[:8]}"
    target_env = local_s3.environment(
        local_s3_endpoint, public=restored_media, private=f"{restored_media}-priv"
    )
    local_s3.create_buckets(
        local_s3_endpoint, public=restored_media, private=f"{restored_media}-priv"
    )
    timings = backups.restore(
        tmp_path / "copia", database_url=empty_database, env=target_env
    )
    assert set(timings) == {"database_seconds", "media_seconds"}
    assert bucket_keys(target_env) == ["test_kennedy/respaldo/acta.txt"]
    assert bucket_keys(target_env, private=True) == [
        "test_kennedy/respaldo/certificado.pdf"
    ]
    # Row for row (the check restore itself ran, repeated here on purpose).
    assert backups.row_counts(empty_database) == manifest["rows"]

    served = subprocess.run(
        [sys.executable, "-c", _SERVE],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            **target_env,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": empty_database,
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert served.returncode == 0, served.stderr[-3000:]
    assert "HOME 200" in served.stdout
    assert "FILE acta del cabildo" in served.stdout


def test_a_restore_that_lost_rows_is_refused(db, tmp_path):
    manifest = {"rows": {"public.tenants_locality": 10**6}, "objects": {}}
    found = backups.differences_from(manifest, url_for(connection.settings_dict), {})
    assert found == [
        f"public.tenants_locality: {10**6} filas en la copia, "
        f"{backups.row_counts(url_for(connection.settings_dict))['public.tenants_locality']}"
        " restauradas"
    ]
