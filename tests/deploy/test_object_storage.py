"""Media in S3-compatible object storage: the layout, privacy, and another process.

Against the local S3 server (moto, a separate process): what a locality stores
lands in the bucket under ``<schema>/``, private files in the private bucket
only, nothing on the local disk, and a process with another local media root
reads the same files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tenants import api as tenants_api

from .object_storage import bucket_keys, local_files

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_public_media_lands_under_the_locality_and_is_served_from_this_site(
    object_storage, in_town_a, settings
):
    name = default_storage.save("fotos/cabildo.png", ContentFile(b"\x89PNG imagen"))
    assert bucket_keys(object_storage) == [f"{in_town_a}/fotos/cabildo.png"]
    # The proxy maps /media/ to the bucket: same origin, no signature, no bucket.
    assert default_storage.url(name) == f"/media/{in_town_a}/fotos/cabildo.png"
    with default_storage.open(name) as handle:
        assert handle.read() == b"\x89PNG imagen"
    with tenants_api.in_locality("test_bosa"):
        assert not default_storage.exists(name)  # Bosa's prefix, not Kennedy's
    assert local_files(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) == []


def test_private_files_stay_in_the_private_bucket_without_an_address(
    object_storage, in_town_a
):
    storage = tenants_api.private_storage()
    name = storage.save("certificados/ana.pdf", ContentFile(b"%PDF-1.4 datos"))
    assert bucket_keys(object_storage, private=True) == [
        f"{in_town_a}/certificados/ana.pdf"
    ]
    assert bucket_keys(object_storage) == []
    with pytest.raises(ValueError, match="archivo privado"):
        storage.url(name)


def test_held_uploads_are_private_and_refuse_unsafe_tokens(object_storage, in_town_a):
    tenants_api.hold_file("participant-import", "abc_123", b"documento;nombre")
    assert tenants_api.held_file("participant-import", "abc_123") == (
        b"documento;nombre"
    )
    assert bucket_keys(object_storage, private=True) == [
        f"{in_town_a}/held/participant-import/abc_123"
    ]
    assert tenants_api.held_file("participant-import", "../abc_123") is None
    assert tenants_api.held_file("participant-import", "otro") is None
    with tenants_api.in_locality("test_bosa"):
        assert tenants_api.held_file("participant-import", "abc_123") is None


_READER = """
import json, sys
import django
django.setup()
from django.core.files.storage import default_storage
from django.db import connection
from tenants import api
connection.set_schema(sys.argv[1])
with default_storage.open(sys.argv[2]) as mine, api.open_media(sys.argv[3]) as any_:
    print(json.dumps([mine.read().decode(), any_.read().decode()]))
"""


def test_another_process_with_another_local_root_reads_the_same_files(
    object_storage, in_campus, tmp_path, settings
):
    """A worker on another machine: its media root is not this process's."""
    name = default_storage.save("h5p-exports/curso.h5p", ContentFile(b"paquete"))
    key = tenants_api.media_key(name)
    assert key == f"{in_campus}/{name}"
    other_root = tmp_path / "otra-maquina"
    done = subprocess.run(
        [sys.executable, "-c", _READER, in_campus, name, key],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            **object_storage,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "LMS_TEST_MEDIA_ROOT": str(other_root / "media"),
            "LMS_TEST_PRIVATE_MEDIA_ROOT": str(other_root / "private"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["paquete", "paquete"]
    assert local_files(other_root, settings.MEDIA_ROOT) == []
