"""Static files, /favicon.ico and gzip as a browser gets them (WhiteNoise here too)."""

from __future__ import annotations

import gzip
import io

import pytest
from PIL import Image

from lms.portal.compression import compressible
from lms.settings.static import ROOT_FILE_MAX_AGE

pytestmark = pytest.mark.django_db


def test_favicon_is_a_real_icon_cached_for_a_month(town_a, client_a):
    response = client_a.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert response["Cache-Control"] == f"public, max-age={ROOT_FILE_MAX_AGE}"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


@pytest.mark.parametrize(
    "path",
    [
        "/static/h5p-standalone/styles/h5p.css",
        "/static/h5p-standalone/fonts/h5p-core-30.woff2",
        "/static/h5p/player.js",
    ],
)
def test_the_h5p_players_static_files_may_be_read_by_the_sandbox(
    town_a, client_a, path
):
    # The player's origin is opaque ("null"); fonts are always fetched in CORS mode.
    response = client_a.get(path, HTTP_ORIGIN="null")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_pages_are_not_sent_with_cors_headers(town_a, client_a):
    response = client_a.get("/", HTTP_ORIGIN="null")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_pages_are_gzipped_for_browsers_that_accept_it(town_a, client_a):
    plain = client_a.get("/")
    assert "Content-Encoding" not in plain
    packed = client_a.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content)
    assert b"</html>" in page
    assert len(packed.content) < len(page) / 2


@pytest.mark.parametrize(
    ("content_type", "gains"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        ("text/javascript", True),
        ("image/svg+xml", True),
        ("image/jpeg", False),
        ("video/mp4", False),
        ("font/woff2", False),
        ("application/zip", False),
        ("", False),
    ],
)
def test_only_text_is_gzipped(content_type, gains):
    assert compressible(content_type) is gains
