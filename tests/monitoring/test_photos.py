"""Report photos: re-encoded without metadata, resized, hostile files refused."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal

import pytest
from PIL import Image

from monitoring import api
from monitoring.models import CitizenReport, ReportPhoto
from monitoring.photos import PhotoError, clean_photo
from tenants import api as tenants_api

from .conftest import file_report, jpeg_with_gps, kennedy_project


def _png_claiming(width: int, height: int) -> bytes:
    """A 100-byte PNG whose header claims ``width`` x ``height`` pixels: what a
    decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_metadata_is_stripped_and_the_photo_resized():
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # GPS is there

    clean = clean_photo(raw, filename="obra.jpg", keep_place=False)

    image = Image.open(io.BytesIO(clean.content))
    assert image.format == "JPEG"
    assert max(image.size) == 1600 and (clean.width, clean.height) == image.size
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"CamaraDePrueba" not in clean.content
    assert clean.latitude is None and clean.longitude is None


def test_keeping_the_place_keeps_two_numbers_never_the_exif():
    clean = clean_photo(jpeg_with_gps(), filename="obra.jpg", keep_place=True)
    assert clean.latitude == Decimal("4.630000")
    assert clean.longitude == Decimal("-74.160000")
    assert len(Image.open(io.BytesIO(clean.content)).getexif()) == 0


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(PhotoError, match="megapíxeles") as refused:
        clean_photo(
            _png_claiming(40_000, 40_000), filename="bomba.png", keep_place=False
        )
    assert "«bomba.png»" in str(refused.value)


def test_a_file_that_is_not_an_image_is_refused():
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    with pytest.raises(PhotoError, match="no es una foto"):
        clean_photo(html, filename="foto.jpg", keep_place=False)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(PhotoError, match="JPEG, PNG o WebP"):
        clean_photo(gif.getvalue(), filename="animada.gif", keep_place=False)
    truncated = jpeg_with_gps()[:2000]
    with pytest.raises(PhotoError, match="no es una foto"):
        clean_photo(truncated, filename="cortada.jpg", keep_place=False)


def test_a_photo_too_heavy_is_refused(settings):
    heavy = b"\xff\xd8\xff" + b"0" * (12 * 1024 * 1024)
    with pytest.raises(PhotoError, match="pesa más de 12 MB"):
        clean_photo(heavy, filename="pesada.jpg", keep_place=False)


def test_a_report_stores_clean_photos_in_private_storage(town_a, make_veedor, settings):
    veedora = make_veedor(town_a)
    with tenants_api.in_locality(town_a):
        project = kennedy_project()
        api.assign_project(project.code, assigned_by=1, user_id=veedora.pk)
        with pytest.raises(api.ReportError) as refused:
            file_report(
                project, veedora, photos=[("bomba.png", _png_claiming(9000, 9000))]
            )
        assert "bomba.png" in refused.value.errors["photos"]
        assert CitizenReport.objects.count() == 0  # nothing half-written

        report = file_report(
            project, veedora, photos=[("obra.jpg", jpeg_with_gps())], keep_place=True
        )
        stored = ReportPhoto.objects.get(report__uuid=report.report_uuid)
        path = stored.image.path
        assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert f"/{town_a}/" in path
        with stored.image.open("rb") as handle:
            saved = handle.read()
        assert b"CamaraDePrueba" not in saved
        assert len(Image.open(io.BytesIO(saved)).getexif()) == 0
        assert report.photos[0].latitude == Decimal("4.630000")
