"""Reading an ``.h5p`` archive safely: size, count and compression limits, safe
entry names and an extension allow-list, before any member is trusted."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from .package_data import Issue, Limits, PackageRefused

__all__ = ["ALLOWED_EXTENSIONS", "DROPPED_EXTENSIONS", "read_archive"]

# Content and library files H5P itself accepts (h5p-php-library defaults), minus
# anything a browser would execute outside the player: no html, no swf.
ALLOWED_EXTENSIONS = frozenset(
    """json png jpg jpeg gif bmp tif tiff svg webp eot ttf woff woff2 otf webm mp4
    ogg mp3 m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff
    patch md textile vtt webvtt gltf glb css js map""".split()
)
# Accepted in a package but never read, stored or served: H5P's own allow-list
# has Flash (CoursePresentation and Video bundle a Flash fallback no browser
# plays any more), and a stored .swf could be opened from our origin.
DROPPED_EXTENSIONS = frozenset({"swf"})
# Ratio is only meaningful for members big enough to hurt.
_RATIO_MIN_BYTES = 100 * 1024
_MB = 1024 * 1024


def read_archive(
    data: bytes, name: str, limits: Limits, dropped: list[str] | None = None
) -> dict[str, bytes]:
    """Every member's bytes by entry name, or ``PackageRefused``.

    Members with a ``DROPPED_EXTENSIONS`` extension are left out unread; their
    names are added to ``dropped``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise PackageRefused(
            name,
            [
                Issue(
                    name,
                    _(
                        "el archivo ZIP está dañado o incompleto; exporte el paquete "
                        "de nuevo desde el editor H5P."
                    ),
                )
            ],
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_files:
            fault = _("tiene %(count)s archivos; el máximo es %(max)s.") % {
                "count": len(infos),
                "max": limits.max_files,
            }
            raise PackageRefused(name, [Issue(name, fault)])
        declared_total = sum(info.file_size for info in infos)
        if declared_total > limits.max_total_size:
            fault = _("descomprimido ocupa %(size)s MB; el máximo es %(max)s MB.") % {
                "size": declared_total // _MB,
                "max": limits.max_total_size // _MB,
            }
            raise PackageRefused(name, [Issue(name, fault)])
        issues: list[Issue] = []
        files: dict[str, bytes] = {}
        for info in infos:
            if _is_dropped(info) and not _entry_fault(info, limits):
                if dropped is not None:
                    dropped.append(info.filename)
                continue
            _read_member(archive, info, limits, files, issues)
        if issues:
            raise PackageRefused(name, issues)
        return files


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: Limits,
    files: dict[str, bytes],
    issues: list[Issue],
) -> None:
    fault = _entry_fault(info, limits)
    if fault:
        issues.append(Issue(info.filename, fault))
        return
    if info.is_dir():
        return
    if info.filename in files:
        issues.append(Issue(info.filename, _("aparece dos veces en el ZIP.")))
        return
    try:
        with archive.open(info) as member:
            # Never trust the declared size: read at most the limit + 1.
            payload = member.read(limits.max_file_size + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        issues.append(
            Issue(info.filename, _("no se puede leer (%(reason)s).") % {"reason": exc})
        )
        return
    if len(payload) > limits.max_file_size:
        issues.append(Issue(info.filename, _("supera el tamaño máximo por archivo.")))
        return
    files[info.filename] = payload


def _is_dropped(info: zipfile.ZipInfo) -> bool:
    extension = PurePosixPath(info.filename).suffix.lower().lstrip(".")
    return not info.is_dir() and extension in DROPPED_EXTENSIONS


def _entry_fault(info: zipfile.ZipInfo, limits: Limits) -> str | None:
    entry = info.filename
    path = PurePosixPath(entry)
    if (
        entry.startswith(("/", "\\"))
        or "\\" in entry
        or "\x00" in entry
        or re.match(r"^[A-Za-z]:", entry)
        or ".." in path.parts
    ):
        return _("ruta no permitida (absoluta o con «..»); el paquete está manipulado.")
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return _("es un enlace simbólico; H5P no los permite.")
    if info.is_dir():
        return None
    extension = path.suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS | DROPPED_EXTENSIONS:
        shown = f".{extension}" if extension else _("sin extensión")
        return _(
            "tipo de archivo no permitido (%(extension)s); quítelo del paquete. "
            "Se permiten imágenes, audio, video, documentos, JSON, JS y CSS."
        ) % {"extension": shown}
    if info.file_size > limits.max_file_size:
        return _("ocupa %(size)s MB; el máximo por archivo es %(max)s MB.") % {
            "size": info.file_size // _MB,
            "max": limits.max_file_size // _MB,
        }
    if (
        info.file_size > _RATIO_MIN_BYTES
        and info.file_size / max(info.compress_size, 1) > limits.max_compression_ratio
    ):
        return _(
            "tiene una tasa de compresión sospechosa (posible bomba ZIP); "
            "el paquete no se acepta."
        )
    return None
