"""Pictures inside packages, resized to what the player shows.

Exported packages often carry photos straight from a camera (a 1 MB, 2 205 px
JPEG shown 250 px wide). At installation a raster image wider than
``MAX_WIDTH`` is scaled down and re-encoded in its own format, and kept only if
it came out smaller; its name, format and aspect ratio stay, so content.json's
paths and sizes still hold. The original bytes are kept beside it for the
package export (``storage``).
"""

from __future__ import annotations

import io
import warnings
from pathlib import PurePosixPath

from PIL import Image, UnidentifiedImageError

__all__ = ["MAX_WIDTH", "fit_for_player"]

# The widest the player shows content (a full-width lesson on a large screen).
MAX_WIDTH = 1280
_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
_EXIF_ORIENTATION = 0x0112


def fit_for_player(name: str, data: bytes) -> bytes | None:
    """Smaller bytes for the image ``name``, or None to keep it as it is.

    GIFs (may be animated), SVGs and anything Pillow cannot read are kept;
    so is a photo whose EXIF says to rotate it (re-encoding drops EXIF).
    """
    fmt = _FORMATS.get(PurePosixPath(name).suffix.lower().lstrip("."))
    if fmt is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width <= MAX_WIDTH or image.format != fmt:
                return None
            if image.getexif().get(_EXIF_ORIENTATION, 1) != 1:
                return None
            height = max(1, round(image.height * MAX_WIDTH / image.width))
            resized = image.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombWarning,
    ):
        return None
    out = io.BytesIO()
    if fmt == "JPEG":
        if resized.mode not in ("RGB", "L"):
            resized = resized.convert("RGB")
        resized.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "PNG":
        resized.save(out, "PNG", optimize=True)
    else:
        resized.save(out, "WEBP", quality=80)
    smaller = out.getvalue()
    return smaller if len(smaller) < len(data) else None
