"""Pictures in packages are stored at the size the player shows; exports keep
the originals."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from h5p import api
from h5p.images import MAX_WIDTH, fit_for_player
from h5p.storage import ORIGINALS

from .conftest import VALID, needs_fixtures

pytestmark = needs_fixtures

TRUEFALSE = next((p for p in VALID if p.name == "H5P.TrueFalse.h5p"), None)
PICTURE = "images/file-582dbbc081261.jpg"  # 2205 x 900 px, 1 053 841 bytes


def test_a_camera_sized_picture_is_stored_at_player_size(in_town_a, h5p_media):
    original = zipfile.ZipFile(TRUEFALSE).read(f"content/{PICTURE}")
    content = api.upload_package(
        TRUEFALSE.read_bytes(), name=TRUEFALSE.name, may_add_libraries=True
    )
    folder = h5p_media / in_town_a / "h5p" / "content" / content.key
    served = (folder / "content" / PICTURE).read_bytes()
    image = Image.open(io.BytesIO(served))
    assert image.format == "JPEG"
    assert image.size == (MAX_WIDTH, round(900 * MAX_WIDTH / 2205))
    assert len(served) < len(original) / 4, (len(served), len(original))
    assert (folder / ORIGINALS / "content" / PICTURE).read_bytes() == original


def test_the_export_gives_back_the_original_picture(in_town_a, h5p_media):
    original = zipfile.ZipFile(TRUEFALSE).read(f"content/{PICTURE}")
    content = api.upload_package(
        TRUEFALSE.read_bytes(), name=TRUEFALSE.name, may_add_libraries=True
    )
    exported = zipfile.ZipFile(io.BytesIO(api.export_package(content.key)))
    assert exported.read(f"content/{PICTURE}") == original
    assert not [n for n in exported.namelist() if ORIGINALS in n]


def test_the_served_picture_is_the_small_one(in_town_a, h5p_media, client_a):
    content = api.upload_package(
        TRUEFALSE.read_bytes(), name=TRUEFALSE.name, may_add_libraries=True
    )
    response = client_a.get(f"/h5p/archivos/content/{content.key}/content/{PICTURE}")
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) < 300_000


def _image(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red").save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("images/small.jpg", _image("JPEG", (800, 600))),
        ("images/anim.gif", _image("GIF", (3000, 100))),
        ("images/wrong.png", _image("JPEG", (3000, 100))),  # kept: not what it says
        ("images/broken.jpg", b"\xff\xd8\xff\xe0 not really"),
        ("docs/file.pdf", b"%PDF-1.4"),
    ],
)
def test_what_is_kept_as_it_is(name, data):
    assert fit_for_player(name, data) is None


def test_a_wide_png_keeps_its_format_and_transparency():
    noisy = Image.effect_noise((3000, 400), 80).convert("RGBA")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    smaller = fit_for_player("images/plan.png", out.getvalue())
    assert smaller is not None
    image = Image.open(io.BytesIO(smaller))
    assert (image.format, image.mode, image.width) == ("PNG", "RGBA", MAX_WIDTH)
