"""Media on the local S3-compatible server (moto) for the tests of this folder.

The server runs as a separate process for the whole test session; each test
gets fresh buckets, so tests never see each other's objects, and local media
roots that must stay empty (whatever is written goes to the buckets).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from deploy import local_s3
from lms.settings.media import media_storages


@pytest.fixture(scope="session")
def local_s3_endpoint(tmp_path_factory):
    port = local_s3.free_port()
    log = tmp_path_factory.mktemp("s3") / "moto.log"
    process = local_s3.start_server(port, log)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def object_storage(local_s3_endpoint, settings, tmp_path):
    """This process stores media in fresh buckets; its local roots stay empty.

    Yields the environment that points another process at the same buckets.
    """
    name = f"medios-{uuid.uuid4().hex[:10]}"
    env = local_s3.environment(
        local_s3_endpoint, public=name, private=f"{name}-privado"
    )
    local_s3.create_buckets(local_s3_endpoint, public=name, private=f"{name}-privado")
    settings.STORAGES = {
        **media_storages(env),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    settings.MEDIA_ROOT = tmp_path / "web-media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "web-private-media"
    return env


def bucket_keys(env: dict[str, str], *, private: bool = False) -> list[str]:
    s3 = local_s3.client(env["MEDIA_S3_ENDPOINT_URL"])
    bucket = env["MEDIA_S3_PRIVATE_BUCKET" if private else "MEDIA_S3_BUCKET"]
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def local_files(*roots: Path) -> list[Path]:
    return [
        p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()
    ]
