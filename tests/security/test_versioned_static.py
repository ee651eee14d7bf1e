"""Versioned static files as production sends them: collected by the manifest
storage (hashed names, precompressed copies) and served by WhiteNoise with a
year's immutable cache lifetime, compressed for a browser that accepts it; a
name without its hash gets the short lifetime, since it may change.

A small static tree of its own is collected (not the whole project's), so the
test takes a second, not the minute a full collectstatic takes here.
"""

from __future__ import annotations

import gzip

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

YEAR = 10 * 365 * 24 * 3600  # WhiteNoise's "forever" for hashed names
CSS = "body { font-family: sans-serif; }\n" * 200  # big enough to be compressed


@pytest.fixture
def collected(tmp_path, settings):
    source = tmp_path / "source"
    (source / "demo").mkdir(parents=True)
    (source / "demo" / "app.css").write_text(CSS)
    with override_settings(
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STATIC_ROOT=tmp_path / "root",
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
            },
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        # A new client builds its middleware now, so WhiteNoise reads the
        # collected folder and its manifest.
        yield Client(HTTP_HOST="kennedy.test")


def test_a_hashed_name_is_cached_a_year_as_immutable(town_a, collected):
    url = staticfiles_storage.url("demo/app.css")
    assert url != "/static/demo/app.css"  # the manifest gave it a hash

    response = collected.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={YEAR}, public, immutable"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_hashed_name_is_sent_compressed(town_a, collected):
    url = staticfiles_storage.url("demo/app.css")

    response = collected.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    packed = b"".join(response.streaming_content)
    assert gzip.decompress(packed).decode() == CSS
    assert len(packed) < len(CSS) / 10


def test_the_name_without_its_hash_keeps_a_short_lifetime(town_a, collected, settings):
    response = collected.get("/static/demo/app.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == (
        f"max-age={settings.WHITENOISE_MAX_AGE}, public"
    )


def test_production_keeps_the_manifest_storage():
    # The test and development settings swap the storage for one that needs no
    # collectstatic; they must not change it in the base settings they import.
    from lms.settings import base

    backend = base.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
