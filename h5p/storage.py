"""Unpacking validated packages into the locality's media storage, all or nothing.

Files go through the storage API (disk in development, object storage in
production), never a local path, so any web node or worker reads what another
wrote. Object storage has no atomic folder rename, so an installation records
what it wrote (and keeps the bytes of a library version it replaces) and
``rollback`` undoes exactly that. New content goes under a new key that no
lesson names until the database commit, so the player never sees it half
written; a library's newer patch replaces the old files in place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from .images import fit_for_player
from .validation import ValidatedLibrary, ValidatedPackage

__all__ = [
    "ORIGINALS",
    "Installation",
    "h5p_root",
    "installation",
    "resolve",
    "walk",
]

_ROOT = PurePosixPath("h5p")
# Beside a content's files: the package's own bytes of each resized picture,
# so an export gives back what was uploaded.
ORIGINALS = "originales"


def h5p_root() -> PurePosixPath:
    """The H5P folder's name in the active locality's storage (``h5p``)."""
    return _ROOT


def resolve(relative: str) -> str | None:
    """Storage name of a stored H5P file, or None if it would leave the folder."""
    parts = PurePosixPath(relative).parts
    if not parts or parts[0] not in {"libraries", "content"}:
        return None
    if any(part in ("..", ".", "") or "\\" in part for part in parts):
        return None
    return str(_ROOT.joinpath(*parts))


def walk(folder: PurePosixPath, storage: Storage | None = None) -> Iterator[str]:
    """Every file name under ``folder``, relative to it, in a stable order."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(str(folder))
    except FileNotFoundError:
        return
    yield from sorted(files)
    for sub in sorted(folders):
        for name in walk(folder / sub, storage):
            yield f"{sub}/{name}"


def _write(storage: Storage, name: str, payload: bytes) -> None:
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(payload))
    if saved != name:  # a concurrent writer took the name meanwhile
        storage.delete(saved)
        raise FileExistsError(name)


class Installation:
    """Files written so far; ``rollback`` removes them and restores replaced ones."""

    def __init__(self, root: PurePosixPath, storage: Storage | None = None):
        self.root = root
        self.storage = storage or default_storage
        self.written: list[str] = []
        self.replaced: dict[str, bytes] = {}

    def _put_tree(self, folder: PurePosixPath, files: dict[str, bytes]) -> None:
        for name, payload in files.items():
            target = str(folder / name)
            self.written.append(target)
            _write(self.storage, target, payload)

    def add_library(self, library: ValidatedLibrary) -> None:
        folder = self.root / "libraries" / library.folder
        # A newer patch of a stored version (or files left by a crash): keep the
        # old files' bytes until the database commit succeeds.
        for name in walk(folder, self.storage):
            with self.storage.open(str(folder / name), "rb") as handle:
                self.replaced[str(folder / name)] = handle.read()
            self.storage.delete(str(folder / name))
        self._put_tree(folder, library.files)

    def add_content(self, key: str, package: ValidatedPackage) -> None:
        folder = self.root / "content" / key
        if next(walk(folder, self.storage), None) is not None:
            raise FileExistsError(str(folder))
        files = {}
        for name, data in package.content_files.items():
            smaller = fit_for_player(name, data)
            if smaller is not None:
                files[f"{ORIGINALS}/content/{name}"] = data
            files[f"content/{name}"] = smaller or data
        files["h5p.json"] = json.dumps(package.h5p_json, ensure_ascii=False).encode()
        self._put_tree(folder, files)

    def rollback(self) -> None:
        for name in reversed(self.written):
            self.storage.delete(name)
        for name, payload in self.replaced.items():
            _write(self.storage, name, payload)

    def finish(self) -> None:
        self.replaced.clear()


@contextmanager
def installation() -> Iterator[Installation]:
    """Yield an installation; on any exception every written file is removed."""
    work = Installation(h5p_root())
    try:
        yield work
    except BaseException:
        work.rollback()
        raise
    work.finish()
