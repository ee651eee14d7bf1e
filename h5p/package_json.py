"""The H5P specification's files: ``h5p.json``, each library's ``library.json``
(with its language and semantics files), the media ``content.json`` points at
and the libraries every dependency needs."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from .package_data import Issue, Limits, ValidatedLibrary

__all__ = [
    "check_content_paths",
    "check_dependencies",
    "check_h5p_json",
    "check_library",
    "parse_json",
]

_LIBRARY_DIR = re.compile(r"^[\w\-.]{1,255}$")
_MACHINE_NAME = re.compile(r"^[\w\-.]{1,255}$")
_LANGUAGE_FILE = re.compile(r"^(-?[a-z]+){1,7}\.json$", re.IGNORECASE)
_EMBED_TYPES = {"div", "iframe"}


def parse_json(files: dict[str, bytes], entry: str, issues: list[Issue]) -> Any:
    """The parsed ``entry``, or None with an issue saying why."""
    if entry not in files:
        issues.append(Issue(entry, _("falta; todo paquete H5P debe incluirlo.")))
        return None
    try:
        return json.loads(files[entry].decode("utf-8"))
    except UnicodeDecodeError:
        issues.append(Issue(entry, _("no está en UTF-8.")))
    except json.JSONDecodeError as exc:
        issues.append(
            Issue(
                entry,
                _(
                    "no es JSON válido (línea %(line)s, columna %(column)s); "
                    "corríjalo o exporte el paquete de nuevo."
                )
                % {"line": exc.lineno, "column": exc.colno},
            )
        )
    return None


def check_h5p_json(meta: dict[str, Any], issues: list[Issue]) -> None:
    """The package's ``h5p.json``: title, main library, language, dependencies."""
    for key in ("title", "mainLibrary", "language"):
        if not isinstance(meta.get(key), str) or not meta.get(key):
            issues.append(
                Issue(
                    "h5p.json",
                    _("falta el campo obligatorio «%(field)s» (texto).")
                    % {"field": key},
                )
            )
    if not isinstance(meta.get("embedTypes"), list) or not set(meta["embedTypes"]) <= (
        _EMBED_TYPES
    ):
        issues.append(
            Issue(
                "h5p.json", _("«embedTypes» debe ser una lista con «div» o «iframe».")
            )
        )
    deps = meta.get("preloadedDependencies")
    if not isinstance(deps, list) or not deps:
        issues.append(
            Issue("h5p.json", _("falta «preloadedDependencies» (lista de librerías)."))
        )
        return
    for index, dep in enumerate(deps):
        if dependency_key(dep) is None:
            issues.append(
                Issue(
                    "h5p.json",
                    _(
                        "la dependencia %(number)s de «preloadedDependencies» "
                        "necesita machineName, majorVersion y minorVersion."
                    )
                    % {"number": index + 1},
                )
            )


def dependency_key(dep: Any) -> tuple[str, int, int] | None:
    """(machine name, major, minor) of a dependency, or None when malformed."""
    if not isinstance(dep, dict) or not isinstance(dep.get("machineName"), str):
        return None
    try:
        return (dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"]))
    except (KeyError, TypeError, ValueError):
        return None


def check_library(
    directory: str, files: dict[str, bytes], limits: Limits, issues: list[Issue]
) -> ValidatedLibrary | None:
    """One library directory of the package, or None (with issues) if refused."""
    if not _LIBRARY_DIR.match(directory):
        issues.append(
            Issue(
                f"{directory}/",
                _(
                    "nombre de directorio de librería no válido (solo letras, "
                    "números, «.», «-» y «_»)."
                ),
            )
        )
        return None
    before = len(issues)
    meta = parse_json(
        {f"{directory}/{k}": v for k, v in files.items() if k == "library.json"},
        f"{directory}/library.json",
        issues,
    )
    _check_library_json_files(directory, files, issues)
    if not isinstance(meta, dict):
        if meta is not None:
            issues.append(
                Issue(f"{directory}/library.json", _("debe ser un objeto JSON."))
            )
        return None
    where = f"{directory}/library.json"
    versions = _check_library_fields(meta, where, issues)
    if len(issues) > before:
        return None
    machine_name = meta["machineName"]
    major, minor, patch = versions
    if directory not in (f"{machine_name}-{major}.{minor}", machine_name):
        issues.append(
            Issue(
                where,
                _(
                    "describe la librería «%(library)s» pero está en el directorio "
                    "«%(directory)s»; el nombre debe coincidir."
                )
                % {
                    "library": f"{machine_name}-{major}.{minor}",
                    "directory": directory,
                },
            )
        )
    _check_core_api(meta, where, limits, issues)
    _check_preloaded_files(meta, directory, files, issues)
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


def _check_library_json_files(
    directory: str, files: dict[str, bytes], issues: list[Issue]
) -> None:
    """Language files and ``semantics.json`` must be JSON (and well named)."""
    for entry, payload in files.items():
        if entry.startswith("language/") and entry.endswith(".json"):
            filename = entry.removeprefix("language/")
            if "/" in filename or not _LANGUAGE_FILE.match(filename):
                issues.append(
                    Issue(
                        f"{directory}/{entry}",
                        _(
                            "nombre de archivo de idioma no válido (use p. ej. "
                            "«es.json»)."
                        ),
                    )
                )
                continue
            if not _is_json(payload):
                issues.append(
                    Issue(
                        f"{directory}/{entry}",
                        _("el archivo de idioma no es JSON válido; corríjalo."),
                    )
                )
        elif entry == "semantics.json" and not _is_json(payload):
            issues.append(
                Issue(f"{directory}/{entry}", _("no es JSON válido; corríjalo."))
            )


def _is_json(payload: bytes) -> bool:
    try:
        json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return True


def _check_library_fields(
    meta: dict[str, Any], where: str, issues: list[Issue]
) -> tuple[Any, Any, Any]:
    """Name, title, version numbers and ``runnable``; the three version values."""
    machine_name = meta.get("machineName")
    if not isinstance(machine_name, str) or not _MACHINE_NAME.match(machine_name):
        issues.append(Issue(where, _("falta «machineName» o no es válido.")))
    if not isinstance(meta.get("title"), str) or not meta.get("title"):
        issues.append(Issue(where, _("falta el campo obligatorio «title».")))
    versions = []
    for part in ("majorVersion", "minorVersion", "patchVersion"):
        value = meta.get(part)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            issues.append(
                Issue(
                    where,
                    _("falta «%(field)s» o no es un número entero positivo.")
                    % {"field": part},
                )
            )
        versions.append(value)
    if meta.get("runnable") not in (0, 1, True, False):
        issues.append(Issue(where, _("falta «runnable» (0 o 1).")))
    return versions[0], versions[1], versions[2]


def _check_core_api(
    meta: dict[str, Any], where: str, limits: Limits, issues: list[Issue]
) -> None:
    core = meta.get("coreApi")
    if core is None:
        return
    try:
        wanted = (int(core["majorVersion"]), int(core["minorVersion"]))
    except (KeyError, TypeError, ValueError):
        issues.append(Issue(where, _("«coreApi» no es válido.")))
        return
    if wanted > limits.core_api:
        issues.append(
            Issue(
                where,
                _(
                    "requiere la versión %(wanted)s del núcleo H5P y esta plataforma "
                    "ofrece la %(offered)s; use una versión anterior de la librería."
                )
                % {
                    "wanted": f"{wanted[0]}.{wanted[1]}",
                    "offered": f"{limits.core_api[0]}.{limits.core_api[1]}",
                },
            )
        )


def _check_preloaded_files(
    meta: dict[str, Any], directory: str, files: dict[str, bytes], issues: list[Issue]
) -> None:
    where = f"{directory}/library.json"
    for kind in ("preloadedJs", "preloadedCss"):
        listed = meta.get(kind, [])
        if not isinstance(listed, list):
            issues.append(
                Issue(where, _("«%(field)s» debe ser una lista.") % {"field": kind})
            )
            continue
        for item in listed:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or path not in files:
                issues.append(
                    Issue(
                        f"{directory}/{path}",
                        _("falta el archivo que «library.json» declara en «%(field)s».")
                        % {"field": kind},
                    )
                )


def check_content_paths(
    content: Any, content_files: dict[str, bytes], issues: list[Issue]
) -> None:
    """Every local file ``content.json`` mentions is in the package, safely named."""
    for path in _media_paths(content):
        clean = path.split("#", 1)[0]
        if re.match(r"^[a-z]+://", clean, re.IGNORECASE) or not clean:
            continue
        if clean.startswith("/") or ".." in PurePosixPath(clean).parts or "\\" in clean:
            issues.append(
                Issue(
                    "content/content.json",
                    _("ruta de archivo no permitida: %(path)s") % {"path": path},
                )
            )
        # A Flash fallback is left out of every installation (and so of the
        # package exported from it): its absence is expected, nothing plays it.
        elif clean not in content_files and not clean.lower().endswith(".swf"):
            issues.append(
                Issue(
                    "content/content.json",
                    _("menciona «%(path)s», que no está en el paquete.")
                    % {"path": f"content/{clean}"},
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


def check_dependencies(
    meta: dict[str, Any],
    libraries: list[ValidatedLibrary],
    is_installed: Callable[[tuple[str, int, int]], bool],
    issues: list[Issue],
) -> None:
    """Every library the package and its libraries need is packaged or installed."""
    packaged = {lib.key for lib in libraries}

    def available(key: tuple[str, int, int]) -> bool:
        return key in packaged or is_installed(key)

    deps = [dependency_key(d) for d in meta.get("preloadedDependencies", [])]
    if meta["mainLibrary"] not in {d[0] for d in deps if d}:
        issues.append(
            Issue(
                "h5p.json",
                _(
                    "la librería principal «%(library)s» no está en "
                    "«preloadedDependencies»."
                )
                % {"library": meta["mainLibrary"]},
            )
        )
    for dep in deps:
        if dep and not available(dep):
            issues.append(
                Issue(
                    "h5p.json",
                    _(
                        "necesita la librería %(library)s, que no viene en el paquete "
                        "ni está instalada; exporte el paquete con sus librerías."
                    )
                    % {"library": f"{dep[0]}-{dep[1]}.{dep[2]}"},
                )
            )
    for lib in libraries:
        for kind in ("preloadedDependencies", "dynamicDependencies"):
            for dep in lib.metadata.get(kind, []) or []:
                key = dependency_key(dep)
                if key and not available(key):
                    issues.append(
                        Issue(
                            f"{lib.directory}/library.json",
                            _(
                                "depende de %(library)s, que no viene en el paquete "
                                "ni está instalada."
                            )
                            % {"library": f"{key[0]}-{key[1]}.{key[2]}"},
                        )
                    )
