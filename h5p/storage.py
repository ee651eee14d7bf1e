"""Unpacking validated packages into the locality's media storage, all or nothing.

Files are first written to a staging folder and then moved into place with
``os.replace``/``rename`` (atomic on one filesystem), so a failure never leaves a
half-written library or content folder where the player would find it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.files.storage import default_storage

from .validation import ValidatedLibrary, ValidatedPackage

__all__ = ["Installation", "h5p_root", "installation", "resolve"]


def h5p_root() -> Path:
    """The active locality's H5P folder (``MEDIA_ROOT/<schema>/h5p``)."""
    return Path(default_storage.path("h5p"))


def resolve(relative: str) -> Path | None:
    """Safe absolute path of a stored H5P file, or None if it would escape."""
    parts = PurePosixPath(relative).parts
    if not parts or parts[0] not in {"libraries", "content"} or ".." in parts:
        return None
    root = h5p_root().resolve()
    target = (root / relative).resolve()
    return target if target.is_relative_to(root) else None


def _write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for name, payload in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)


class Installation:
    """Folders moved into place so far; ``rollback`` removes them again."""

    def __init__(self, root: Path):
        self.root = root
        self.staging = root / ".staging" / uuid.uuid4().hex
        self.placed: list[Path] = []
        self.replaced: list[tuple[Path, Path]] = []

    def add_library(self, library: ValidatedLibrary) -> None:
        staged = self.staging / "libraries" / library.folder
        _write_tree(staged, library.files)
        target = self.root / "libraries" / library.folder
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            # A newer patch of a stored version (or a folder left by a crash):
            # keep the old one aside until the database commit succeeds.
            aside = self.staging / "old" / library.folder
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, aside)
            self.replaced.append((target, aside))
        os.replace(staged, target)
        self.placed.append(target)

    def add_content(self, key: str, package: ValidatedPackage) -> None:
        staged = self.staging / "content" / key
        files = {
            f"content/{name}": data for name, data in package.content_files.items()
        }
        files["h5p.json"] = json.dumps(package.h5p_json, ensure_ascii=False).encode()
        _write_tree(staged, files)
        target = self.root / "content" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(target)
        os.replace(staged, target)
        self.placed.append(target)

    def rollback(self) -> None:
        for path in reversed(self.placed):
            shutil.rmtree(path, ignore_errors=True)
        for target, aside in self.replaced:
            os.replace(aside, target)
        shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


@contextmanager
def installation() -> Iterator[Installation]:
    """Yield an installation; on any exception every placed folder is removed."""
    work = Installation(h5p_root())
    try:
        yield work
    except BaseException:
        work.rollback()
        raise
    work.finish()
