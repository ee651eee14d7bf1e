"""Photos of citizen reports: checked, re-encoded and resized on the server.

Nothing the phone sent is stored as it came. The file must be a real JPEG, PNG
or WebP image, judged by content, never by name (iPhones hand HEIC photos to web
forms as JPEG); no larger than ``MAX_PHOTO_BYTES`` and no more than
``MAX_PHOTO_PIXELS`` (a small file that decodes to a huge picture, a
"decompression bomb", is refused before it is decoded). It is turned upright,
reduced to ``LONGEST_SIDE`` and saved as a new JPEG with no EXIF, XMP or ICC
data at all: camera, time and GPS are gone. When the person chooses to keep the
place, only the GPS latitude and longitude are read first and kept as two
numbers beside the photo, never inside the file.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 12 * 1024 * 1024  # a phone's full-size JPEG is 3-8 MB
MAX_PHOTO_PIXELS = 60_000_000  # 60 MP: above any phone camera's photo
LONGEST_SIDE = 1600  # sharp on a phone and a laptop, about 300 KB as JPEG
MAX_PHOTOS = 5
_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: JPEG with a depth map
_GPS_IFD = 0x8825


class PhotoError(ValueError):
    """A photo refused; the message names the file and says why, in Spanish."""


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    content: bytes  # the new JPEG
    width: int
    height: int
    latitude: Decimal | None
    longitude: Decimal | None


def clean_photo(raw: bytes, *, filename: str, keep_place: bool) -> CleanPhoto:
    """Check one upload and return it re-encoded; ``PhotoError`` if refused."""
    if len(raw) > MAX_PHOTO_BYTES:
        raise PhotoError(
            _(
                "«%(name)s» pesa más de %(limit)d MB. Envíe una foto más liviana "
                "(la cámara del teléfono en calidad normal basta)."
            )
            % {"name": filename, "limit": MAX_PHOTO_BYTES // (1024 * 1024)}
        )
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: refuse those too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw))
            _check_size(image, filename)
            if image.format not in _FORMATS:
                raise PhotoError(_not_an_image(filename))
            latitude, longitude = _gps(image) if keep_place else (None, None)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoError(_bomb(filename)) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, PhotoError):
                raise
            raise PhotoError(_not_an_image(filename)) from exc
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image object carries no info dict: nothing but pixels is written.
    Image.frombytes("RGB", upright.size, upright.tobytes()).save(
        out, format="JPEG", quality=82, optimize=True, progressive=True
    )
    return CleanPhoto(
        content=out.getvalue(),
        width=upright.width,
        height=upright.height,
        latitude=latitude,
        longitude=longitude,
    )


def _check_size(image: Image.Image, filename: str) -> None:
    width, height = image.size
    if width * height > MAX_PHOTO_PIXELS:
        raise PhotoError(_bomb(filename))


def _not_an_image(filename: str) -> str:
    return _(
        "«%(name)s» no es una foto que podamos leer. Envíe una imagen JPEG, PNG "
        "o WebP tomada con el teléfono."
    ) % {"name": filename}


def _bomb(filename: str) -> str:
    return _(
        "«%(name)s» dice medir más de %(limit)d megapíxeles: no es una foto de "
        "teléfono y no la abrimos. Envíe la foto original de la cámara."
    ) % {"name": filename, "limit": MAX_PHOTO_PIXELS // 1_000_000}


def _gps(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """Latitude and longitude from EXIF, as signed decimal degrees (or None)."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
        latitude = _degrees(gps[2], gps.get(1, "N"))
        longitude = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _degrees(parts, ref: str) -> Decimal:
    degrees, minutes, seconds = (Decimal(str(float(p))) for p in parts)
    value = degrees + minutes / 60 + seconds / 3600
    if str(ref).upper() in ("S", "W"):
        value = -value
    return value.quantize(Decimal("0.000001"))
