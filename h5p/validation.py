"""Validation of an ``.h5p`` archive, entirely in memory, before anything is written.

Follows the H5P specification (h5p.json, content/content.json, library.json and
the package layout) and adds the platform's own safety rules: an extension
allow-list, size and compression-ratio limits, safe entry names, contents that
match their extensions (``filetypes``) and SVG images without script. Every
fault is reported in Spanish with the file it is in.

No models and no storage (only Django's gettext), so it can be tested and
benchmarked on its own.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from .filetypes import content_fault

__all__ = [
    "ALLOWED_EXTENSIONS",
    "Issue",
    "Limits",
    "PackageRefused",
    "ValidatedLibrary",
    "ValidatedPackage",
    "validate_package",
]

# Content and library files H5P itself accepts (h5p-php-library defaults), minus
# anything a browser would execute outside the player: no html, no swf.
ALLOWED_EXTENSIONS = frozenset(
    """json png jpg jpeg gif bmp tif tiff svg webp eot ttf woff woff2 otf webm mp4
    ogg mp3 m4a wav txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff
    patch md textile vtt webvtt gltf glb css js map""".split()
)

_LIBRARY_DIR = re.compile(r"^[\w\-.]{1,255}$")
_MACHINE_NAME = re.compile(r"^[\w\-.]{1,255}$")
_LANGUAGE_FILE = re.compile(r"^(-?[a-z]+){1,7}\.json$", re.IGNORECASE)
_EMBED_TYPES = {"div", "iframe"}
# Ratio is only meaningful for members big enough to hurt.
_RATIO_MIN_BYTES = 100 * 1024
_SVG_FORBIDDEN_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
}


@dataclass(frozen=True, slots=True)
class Issue:
    """One fault: the package entry it is in and what is wrong (Spanish)."""

    file: str
    fault: str

    def __str__(self) -> str:
        return f"«{self.file}»: {self.fault}"


class PackageRefused(Exception):
    """The package cannot be installed; ``issues`` name each file and fault."""

    def __init__(self, package_name: str, issues: Iterable[Issue]):
        self.package_name = package_name
        self.issues = tuple(issues)
        lines = " ".join(str(issue) for issue in self.issues)
        super().__init__(f"No se aceptó el paquete «{package_name}». {lines}")


@dataclass(frozen=True, slots=True)
class Limits:
    max_files: int = 2_000
    max_file_size: int = 20 * 1024 * 1024
    max_total_size: int = 100 * 1024 * 1024
    max_compression_ratio: float = 100.0
    core_api: tuple[int, int] = (1, 24)


@dataclass(frozen=True, slots=True)
class ValidatedLibrary:
    machine_name: str
    major: int
    minor: int
    patch: int
    directory: str
    metadata: dict[str, Any]
    files: dict[str, bytes] = field(repr=False)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.machine_name, self.major, self.minor)

    @property
    def folder(self) -> str:
        """Folder name the player looks for: ``Machine.Name-1.2``."""
        return f"{self.machine_name}-{self.major}.{self.minor}"


@dataclass(frozen=True, slots=True)
class ValidatedPackage:
    name: str
    sha256: str
    size: int
    h5p_json: dict[str, Any]
    content_json: dict[str, Any]
    content_files: dict[str, bytes] = field(repr=False)
    libraries: tuple[ValidatedLibrary, ...]

    @property
    def title(self) -> str:
        return str(self.h5p_json["title"])

    @property
    def main_library(self) -> str:
        return str(self.h5p_json["mainLibrary"])


def validate_package(
    data: bytes,
    *,
    name: str,
    limits: Limits | None = None,
    is_installed: Callable[[tuple[str, int, int]], bool] = lambda key: False,
) -> ValidatedPackage:
    """Check the whole archive and return its parts, or raise ``PackageRefused``.

    ``is_installed`` answers whether a library version is already stored in the
    locality, so a package may rely on libraries uploaded earlier.
    """
    limits = limits or Limits()
    files = _read_archive(data, name, limits)
    issues: list[Issue] = []
    h5p_json = _parse_json(files, "h5p.json", issues)
    if isinstance(h5p_json, dict):
        _check_h5p_json(h5p_json, issues)
    elif h5p_json is not None:
        issues.append(Issue("h5p.json", "debe ser un objeto JSON."))
    content_json = _parse_json(files, "content/content.json", issues)
    if content_json is not None and not isinstance(content_json, dict):
        issues.append(Issue("content/content.json", "debe ser un objeto JSON."))

    content_files: dict[str, bytes] = {}
    by_directory: dict[str, dict[str, bytes]] = {}
    for entry, payload in files.items():
        top, _, rest = entry.partition("/")
        if entry == "h5p.json":
            continue
        if top == "content" and rest:
            content_files[rest] = payload
        elif not rest:
            issues.append(
                Issue(entry, "archivo inesperado en la raíz del paquete; quítelo.")
            )
        else:
            by_directory.setdefault(top, {})[rest] = payload
    libraries = [
        lib
        for directory, lib_files in sorted(by_directory.items())
        if (lib := _check_library(directory, lib_files, limits, issues)) is not None
    ]
    for entry, payload in files.items():
        fault = content_fault(entry, payload)
        if fault:
            issues.append(Issue(entry, fault))
        elif entry.lower().endswith(".svg"):
            _check_svg(entry, payload, issues)
    if isinstance(content_json, dict):
        _check_content_paths(content_json, content_files, issues)
    if isinstance(h5p_json, dict) and not issues:
        _check_dependencies(h5p_json, libraries, is_installed, issues)
    if issues:
        raise PackageRefused(name, issues)
    assert isinstance(h5p_json, dict)  # noqa: S101 -- guaranteed when no issues
    assert isinstance(content_json, dict)  # noqa: S101
    return ValidatedPackage(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        h5p_json=h5p_json,
        content_json=content_json,
        content_files=content_files,
        libraries=tuple(libraries),
    )


def _read_archive(data: bytes, name: str, limits: Limits) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise PackageRefused(
            name,
            [
                Issue(
                    name,
                    "el archivo ZIP está dañado o incompleto; exporte el paquete "
                    "de nuevo desde el editor H5P.",
                )
            ],
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_files:
            raise PackageRefused(
                name,
                [
                    Issue(
                        name,
                        f"tiene {len(infos)} archivos; el máximo es {limits.max_files}.",
                    )
                ],
            )
        issues: list[Issue] = []
        declared_total = sum(info.file_size for info in infos)
        if declared_total > limits.max_total_size:
            raise PackageRefused(
                name,
                [
                    Issue(
                        name,
                        f"descomprimido ocupa {declared_total // (1024 * 1024)} MB; "
                        f"el máximo es {limits.max_total_size // (1024 * 1024)} MB.",
                    )
                ],
            )
        files: dict[str, bytes] = {}
        for info in infos:
            fault = _entry_fault(info, limits)
            if fault:
                issues.append(Issue(info.filename, fault))
                continue
            if info.is_dir():
                continue
            if info.filename in files:
                issues.append(Issue(info.filename, "aparece dos veces en el ZIP."))
                continue
            try:
                with archive.open(info) as member:
                    # Never trust the declared size: read at most the limit + 1.
                    payload = member.read(limits.max_file_size + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
                issues.append(Issue(info.filename, f"no se puede leer ({exc})."))
                continue
            if len(payload) > limits.max_file_size:
                issues.append(
                    Issue(info.filename, "supera el tamaño máximo por archivo.")
                )
                continue
            files[info.filename] = payload
        if issues:
            raise PackageRefused(name, issues)
        return files


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
        return "ruta no permitida (absoluta o con «..»); el paquete está manipulado."
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return "es un enlace simbólico; H5P no los permite."
    if info.is_dir():
        return None
    extension = path.suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        shown = f".{extension}" if extension else "sin extensión"
        return (
            f"tipo de archivo no permitido ({shown}); quítelo del paquete. "
            "Se permiten imágenes, audio, video, documentos, JSON, JS y CSS."
        )
    if info.file_size > limits.max_file_size:
        return (
            f"ocupa {info.file_size // (1024 * 1024)} MB; el máximo por archivo es "
            f"{limits.max_file_size // (1024 * 1024)} MB."
        )
    if (
        info.file_size > _RATIO_MIN_BYTES
        and info.file_size / max(info.compress_size, 1) > limits.max_compression_ratio
    ):
        return (
            "tiene una tasa de compresión sospechosa (posible bomba ZIP); "
            "el paquete no se acepta."
        )
    return None


def _parse_json(files: dict[str, bytes], entry: str, issues: list[Issue]) -> Any:
    if entry not in files:
        issues.append(Issue(entry, "falta; todo paquete H5P debe incluirlo."))
        return None
    try:
        return json.loads(files[entry].decode("utf-8"))
    except UnicodeDecodeError:
        issues.append(Issue(entry, "no está en UTF-8."))
    except json.JSONDecodeError as exc:
        issues.append(
            Issue(
                entry,
                f"no es JSON válido (línea {exc.lineno}, columna {exc.colno}); "
                "corríjalo o exporte el paquete de nuevo.",
            )
        )
    return None


def _check_h5p_json(meta: dict[str, Any], issues: list[Issue]) -> None:
    for key in ("title", "mainLibrary", "language"):
        if not isinstance(meta.get(key), str) or not meta.get(key):
            issues.append(
                Issue("h5p.json", f"falta el campo obligatorio «{key}» (texto).")
            )
    if not isinstance(meta.get("embedTypes"), list) or not set(meta["embedTypes"]) <= (
        _EMBED_TYPES
    ):
        issues.append(
            Issue("h5p.json", "«embedTypes» debe ser una lista con «div» o «iframe».")
        )
    deps = meta.get("preloadedDependencies")
    if not isinstance(deps, list) or not deps:
        issues.append(
            Issue("h5p.json", "falta «preloadedDependencies» (lista de librerías).")
        )
    else:
        for index, dep in enumerate(deps):
            if _dependency_key(dep) is None:
                issues.append(
                    Issue(
                        "h5p.json",
                        f"la dependencia {index + 1} de «preloadedDependencies» "
                        "necesita machineName, majorVersion y minorVersion.",
                    )
                )


def _dependency_key(dep: Any) -> tuple[str, int, int] | None:
    if not isinstance(dep, dict) or not isinstance(dep.get("machineName"), str):
        return None
    try:
        return (dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"]))
    except (KeyError, TypeError, ValueError):
        return None


def _check_library(
    directory: str, files: dict[str, bytes], limits: Limits, issues: list[Issue]
) -> ValidatedLibrary | None:
    if not _LIBRARY_DIR.match(directory):
        issues.append(
            Issue(
                f"{directory}/",
                "nombre de directorio de librería no válido (solo letras, números, "
                "«.», «-» y «_»).",
            )
        )
        return None
    before = len(issues)
    meta = _parse_json(
        {f"{directory}/{k}": v for k, v in files.items() if k == "library.json"},
        f"{directory}/library.json",
        issues,
    )
    for entry, payload in files.items():
        if entry.startswith("language/") and entry.endswith(".json"):
            filename = entry.removeprefix("language/")
            if "/" in filename or not _LANGUAGE_FILE.match(filename):
                issues.append(
                    Issue(
                        f"{directory}/{entry}",
                        "nombre de archivo de idioma no válido (use p. ej. «es.json»).",
                    )
                )
                continue
            try:
                json.loads(payload.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                issues.append(
                    Issue(
                        f"{directory}/{entry}",
                        "el archivo de idioma no es JSON válido; corríjalo.",
                    )
                )
        elif entry == "semantics.json":
            try:
                json.loads(payload.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                issues.append(
                    Issue(f"{directory}/{entry}", "no es JSON válido; corríjalo.")
                )
    if not isinstance(meta, dict):
        if meta is not None:
            issues.append(
                Issue(f"{directory}/library.json", "debe ser un objeto JSON.")
            )
        return None
    where = f"{directory}/library.json"
    machine_name = meta.get("machineName")
    if not isinstance(machine_name, str) or not _MACHINE_NAME.match(machine_name):
        issues.append(Issue(where, "falta «machineName» o no es válido."))
    if not isinstance(meta.get("title"), str) or not meta.get("title"):
        issues.append(Issue(where, "falta el campo obligatorio «title»."))
    versions = {}
    for part in ("majorVersion", "minorVersion", "patchVersion"):
        value = meta.get(part)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            issues.append(
                Issue(where, f"falta «{part}» o no es un número entero positivo.")
            )
        versions[part] = value
    if meta.get("runnable") not in (0, 1, True, False):
        issues.append(Issue(where, "falta «runnable» (0 o 1)."))
    if len(issues) > before:
        return None
    assert isinstance(machine_name, str)  # noqa: S101 -- checked above
    major, minor, patch = (
        versions["majorVersion"],
        versions["minorVersion"],
        versions["patchVersion"],
    )
    if directory not in (f"{machine_name}-{major}.{minor}", machine_name):
        issues.append(
            Issue(
                where,
                f"describe la librería «{machine_name}-{major}.{minor}» pero está en "
                f"el directorio «{directory}»; el nombre debe coincidir.",
            )
        )
    core = meta.get("coreApi")
    if core is not None:
        try:
            wanted = (int(core["majorVersion"]), int(core["minorVersion"]))
        except (KeyError, TypeError, ValueError):
            issues.append(Issue(where, "«coreApi» no es válido."))
        else:
            if wanted > limits.core_api:
                issues.append(
                    Issue(
                        where,
                        f"requiere la versión {wanted[0]}.{wanted[1]} del núcleo H5P "
                        f"y esta plataforma ofrece la {limits.core_api[0]}."
                        f"{limits.core_api[1]}; use una versión anterior de la "
                        "librería.",
                    )
                )
    for kind in ("preloadedJs", "preloadedCss"):
        listed = meta.get(kind, [])
        if not isinstance(listed, list):
            issues.append(Issue(where, f"«{kind}» debe ser una lista."))
            continue
        for item in listed:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or path not in files:
                issues.append(
                    Issue(
                        f"{directory}/{path}",
                        f"falta el archivo que «library.json» declara en «{kind}».",
                    )
                )
    if len(issues) > before:
        return None
    return ValidatedLibrary(
        machine_name=machine_name,
        major=major,
        minor=minor,
        patch=patch,
        directory=directory,
        metadata=meta,
        files=files,
    )


def _check_svg(entry: str, payload: bytes, issues: list[Issue]) -> None:
    """Refuse SVG images that could run script or load anything from outside."""
    try:
        root = SafeElementTree.fromstring(payload)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        issues.append(
            Issue(entry, "la imagen SVG no es XML válido o usa entidades; se rechaza.")
        )
        return
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in _SVG_FORBIDDEN_ELEMENTS:
            issues.append(
                Issue(
                    entry,
                    f"la imagen SVG contiene «<{tag}>» (código ejecutable); quítelo "
                    "del SVG y exporte el paquete de nuevo.",
                )
            )
            return
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            text = value.strip().lower()
            if local.startswith("on"):
                issues.append(
                    Issue(
                        entry,
                        f"la imagen SVG tiene el manejador de eventos «{local}»; "
                        "quítelo y exporte el paquete de nuevo.",
                    )
                )
                return
            if local == "href" and not text.startswith(("#", "data:image/")):
                issues.append(
                    Issue(
                        entry,
                        "la imagen SVG enlaza un recurso externo o un script "
                        f"({value.strip()[:60]}); quítelo.",
                    )
                )
                return
            if "javascript:" in text or ("url(" in text and "url(#" not in text):
                issues.append(
                    Issue(entry, "la imagen SVG carga recursos externos; quítelos.")
                )
                return
        if (
            tag == "style"
            and element.text
            and re.search(
                r"@import|javascript:|url\((?!\s*['\"]?#)", element.text, re.IGNORECASE
            )
        ):
            issues.append(
                Issue(entry, "la imagen SVG carga estilos o recursos externos.")
            )
            return


def _check_content_paths(
    content: Any, content_files: dict[str, bytes], issues: list[Issue]
) -> None:
    for path in _media_paths(content):
        clean = path.split("#", 1)[0]
        if re.match(r"^[a-z]+://", clean, re.IGNORECASE) or not clean:
            continue
        if clean.startswith("/") or ".." in PurePosixPath(clean).parts or "\\" in clean:
            issues.append(
                Issue("content/content.json", f"ruta de archivo no permitida: {path}")
            )
        elif clean not in content_files:
            issues.append(
                Issue(
                    "content/content.json",
                    f"menciona «content/{clean}», que no está en el paquete.",
                )
            )


def _media_paths(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "path" and isinstance(item, str):
                yield item
            else:
                yield from _media_paths(item)
    elif isinstance(value, list):
        for item in value:
            yield from _media_paths(item)


def _check_dependencies(
    meta: dict[str, Any],
    libraries: list[ValidatedLibrary],
    is_installed: Callable[[tuple[str, int, int]], bool],
    issues: list[Issue],
) -> None:
    packaged = {lib.key for lib in libraries}

    def available(key: tuple[str, int, int]) -> bool:
        return key in packaged or is_installed(key)

    deps = [_dependency_key(d) for d in meta.get("preloadedDependencies", [])]
    if meta["mainLibrary"] not in {d[0] for d in deps if d}:
        issues.append(
            Issue(
                "h5p.json",
                f"la librería principal «{meta['mainLibrary']}» no está en "
                "«preloadedDependencies».",
            )
        )
    for dep in deps:
        if dep and not available(dep):
            issues.append(
                Issue(
                    "h5p.json",
                    f"necesita la librería {dep[0]}-{dep[1]}.{dep[2]}, que no viene "
                    "en el paquete ni está instalada; exporte el paquete con sus "
                    "librerías.",
                )
            )
    for lib in libraries:
        for kind in ("preloadedDependencies", "dynamicDependencies"):
            for dep in lib.metadata.get(kind, []) or []:
                key = _dependency_key(dep)
                if key and not available(key):
                    issues.append(
                        Issue(
                            f"{lib.directory}/library.json",
                            f"depende de {key[0]}-{key[1]}.{key[2]}, que no viene en "
                            "el paquete ni está instalada.",
                        )
                    )
