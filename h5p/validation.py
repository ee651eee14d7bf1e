"""Validation of an ``.h5p`` archive, entirely in memory, before anything is written.

Follows the H5P specification (h5p.json, content/content.json, library.json and
the package layout; ``package_json``) and adds the platform's own safety rules:
an extension allow-list, size and compression-ratio limits and safe entry names
(``archive_reading``), contents that match their extensions (``filetypes``) and
SVG images without script (``svg_safety``). Every fault is reported in Spanish
(through gettext) with the file it is in.

No models and no storage, so it can be tested and benchmarked on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.utils.translation import gettext as _

from .archive_reading import ALLOWED_EXTENSIONS, read_archive
from .filetypes import content_fault
from .package_data import (
    Issue,
    Limits,
    PackageRefused,
    ValidatedLibrary,
    ValidatedPackage,
)
from .package_json import (
    check_content_paths,
    check_dependencies,
    check_h5p_json,
    check_library,
    parse_json,
)
from .svg_safety import check_svg

__all__ = [
    "ALLOWED_EXTENSIONS",
    "Issue",
    "Limits",
    "PackageRefused",
    "ValidatedLibrary",
    "ValidatedPackage",
    "validate_package",
]


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
    dropped: list[str] = []
    files = read_archive(data, name, limits, dropped)
    issues: list[Issue] = []
    h5p_json = parse_json(files, "h5p.json", issues)
    if isinstance(h5p_json, dict):
        check_h5p_json(h5p_json, issues)
    elif h5p_json is not None:
        issues.append(Issue("h5p.json", _("debe ser un objeto JSON.")))
    content_json = parse_json(files, "content/content.json", issues)
    if content_json is not None and not isinstance(content_json, dict):
        issues.append(Issue("content/content.json", _("debe ser un objeto JSON.")))
    content_files, by_directory = _sort_entries(files, issues)
    libraries = [
        lib
        for directory, lib_files in sorted(by_directory.items())
        if (lib := check_library(directory, lib_files, limits, issues)) is not None
    ]
    for entry, payload in files.items():
        fault = content_fault(entry, payload)
        if fault:
            issues.append(Issue(entry, fault))
        elif entry.lower().endswith(".svg"):
            check_svg(entry, payload, issues)
    if isinstance(content_json, dict):
        check_content_paths(content_json, content_files, issues)
    if isinstance(h5p_json, dict) and not issues:
        check_dependencies(h5p_json, libraries, is_installed, issues)
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
        dropped_files=tuple(dropped),
    )


def _sort_entries(
    files: dict[str, bytes], issues: list[Issue]
) -> tuple[dict[str, bytes], dict[str, dict[str, bytes]]]:
    """Content files (by path under ``content/``) and library files by directory."""
    content_files: dict[str, bytes] = {}
    by_directory: dict[str, dict[str, bytes]] = {}
    for entry, payload in files.items():
        top, _slash, rest = entry.partition("/")
        if entry == "h5p.json":
            continue
        if top == "content" and rest:
            content_files[rest] = payload
        elif not rest:
            issues.append(
                Issue(entry, _("archivo inesperado en la raíz del paquete; quítelo."))
            )
        else:
            by_directory.setdefault(top, {})[rest] = payload
    return content_files, by_directory
