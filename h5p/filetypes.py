"""Each file in an H5P package must be what its extension says, judged by content.

The extension allow-list (``validation.ALLOWED_EXTENSIONS``) only looks at names:
a program or a web page renamed ``foto.png`` would pass it. Here the first bytes
(magic numbers, via the ``filetype`` library) decide.

- Binary formats (images, audio/video, fonts, PDF, office documents, glTF
  binaries) must carry a signature of their family. Within a family the exact
  format may differ from the name: a PNG named ``.jpg`` is accepted, because
  browsers display images and play media by their content, so the mismatch is
  harmless, and editors export such files often enough that refusing them
  would refuse honest packages. A file of another family, or with no known
  signature, is refused.
- Text formats (JSON, JS, CSS, SVG, subtitles, ...) must not be a recognised
  binary (an archive renamed ``.js``). Only binary content counts: a text that
  happens to start like some format's signature is still text.
- Anything that looks like an HTML page or a script with a ``#!`` line is named
  as such in the message, wherever it hides.
"""

from __future__ import annotations

import codecs
import re

import filetype
from django.utils.translation import gettext as _

__all__ = ["content_fault"]

_RASTER = frozenset({"png", "apng", "jpg", "gif", "bmp", "tif", "webp"})
_MEDIA = frozenset(
    {"mp4", "m4v", "mov", "m4a", "3gp", "webm", "mkv", "ogg", "mp3", "aac", "wav"}
)
_FONT = frozenset({"eot", "ttf", "otf", "woff", "woff2"})
# OOXML and OpenDocument are ZIP containers; filetype names the container when
# it cannot tell which document it is.
_OFFICE = frozenset(
    {"doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "zip"}
)

# Extension in the package → signatures (filetype's names) its content may have.
_BINARY: dict[str, frozenset[str]] = {
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff"), _RASTER),
    "webp": _RASTER,
    **dict.fromkeys(("webm", "mp4", "ogg", "mp3", "m4a", "wav"), _MEDIA),
    **dict.fromkeys(("eot", "ttf", "otf", "woff", "woff2"), _FONT),
    "pdf": frozenset({"pdf"}),
    "rtf": frozenset({"rtf"}),
    **dict.fromkeys(
        ("doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp"), _OFFICE
    ),
    "glb": frozenset({"glb"}),
}

# Signatures that are programs, whatever the file is called.
_EXECUTABLE = frozenset(
    {"exe", "elf", "wasm", "swf", "crx", "deb", "rpm", "ar", "cab", "nes"}
)
_HTML = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<iframe|<meta|<!--)",
    re.IGNORECASE,
)
_SIGNATURE_BYTES = 8192
# EOT versions 1.0, 2.1 and 2.2, as stored (little-endian) at offset 8.
_EOT_VERSIONS = (b"\x00\x00\x01\x00", b"\x01\x00\x02\x00", b"\x02\x00\x02\x00")


def content_fault(entry: str, payload: bytes) -> str | None:
    """Why ``payload`` is not what the extension of ``entry`` says, or None.

    The answer (Spanish) names the extension and what the content really is;
    the caller attaches the file name.
    """
    extension = entry.rsplit(".", 1)[-1].lower() if "." in entry else ""
    head = payload[:_SIGNATURE_BYTES]
    found = _signature(head)
    expected = _BINARY.get(extension)
    if found in _EXECUTABLE or (expected is not None and _looks_like_html(head)):
        return _mismatch(extension, _describe(found, head))
    if expected is None:
        # A text format: only a recognised binary is out of place.
        if found is not None and not _is_text(head):
            return _mismatch(extension, _describe(found, head))
        return None
    if found in expected:
        return None
    if found is None and head.startswith(b"#!"):
        return _mismatch(extension, _describe(None, head))
    if found is None:
        return _(
            "su nombre termina en .%(extension)s pero el contenido no es un archivo "
            "de ese tipo (está dañado o es otra cosa con otro nombre); expórtelo de "
            "nuevo o quítelo del paquete."
        ) % {"extension": extension}
    return _mismatch(extension, _describe(found, head))


def _signature(head: bytes) -> str | None:
    # glTF binaries are not in filetype's list; their header is fixed.
    if head.startswith(b"glTF"):
        return "glb"
    # EOT's magic is "LP" at offset 34. filetype 1.2.0 also demands version
    # bytes in an order that misses EOT 2.1, which H5P's own icon fonts use.
    if head[34:36] == b"LP" and head[8:12] in _EOT_VERSIONS:
        return "eot"
    kind = filetype.guess(head)
    return kind.extension if kind is not None else None


def _is_text(head: bytes) -> bool:
    """UTF-8 without NUL bytes (a cut multi-byte character at the end is fine)."""
    if b"\x00" in head:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _looks_like_html(head: bytes) -> bool:
    return bool(_HTML.match(head.lstrip(b"\xef\xbb\xbf")))


def _describe(found: str | None, head: bytes) -> str:
    if found in _EXECUTABLE:
        return _("un programa ejecutable (%(kind)s)") % {"kind": found}
    if found is None and _looks_like_html(head):
        return _("una página web (HTML)")
    if found is None and head.startswith(b"#!"):
        return _("un guion ejecutable (#!)")
    return _("un archivo .%(kind)s") % {"kind": found}


def _mismatch(extension: str, what: str) -> str:
    shown = f".{extension}" if extension else _("sin extensión")
    return _(
        "su nombre termina en %(extension)s pero el contenido es %(what)s; "
        "quítelo del paquete o reemplácelo por el archivo correcto."
    ) % {"extension": shown, "what": what}
