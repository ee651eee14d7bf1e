"""What validating an ``.h5p`` archive gives back: the parts of an accepted
package, or the faults of a refused one (each naming its file)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

__all__ = ["Issue", "Limits", "PackageRefused", "ValidatedLibrary", "ValidatedPackage"]


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
        super().__init__(
            _("No se aceptó el paquete «%(name)s». %(faults)s")
            % {
                "name": package_name,
                "faults": " ".join(str(issue) for issue in self.issues),
            }
        )


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
    # Entries accepted but left out (Flash files, ``DROPPED_EXTENSIONS``).
    dropped_files: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return str(self.h5p_json["title"])

    @property
    def main_library(self) -> str:
        return str(self.h5p_json["mainLibrary"])
