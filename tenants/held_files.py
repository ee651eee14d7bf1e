"""Files held between two requests of one person (an import's preview, then the
import, then its rejected rows), in the locality's private storage.

They used to sit in a folder of the web node that received the upload; with
several nodes the next request may land on another one. Held files carry
personal data, so they are kept a day at most: each new one clears older ones
of the same kind.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from .storage import private_storage

HELD_FOR = timedelta(days=1)
_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,120}$")


def _name(kind: str, token: str) -> str | None:
    if not (_SAFE.match(kind) and _SAFE.match(token)) or ".." in token:
        return None
    return f"held/{kind}/{token}"


def hold_file(kind: str, token: str, content: bytes) -> None:
    """Keep ``content`` under ``token`` (letters, digits, ``-_.``) for a day."""
    name = _name(kind, token)
    if name is None:
        raise ValueError(f"Nombre de archivo retenido no válido: {token!r}")
    storage = private_storage()
    _forget_old(kind)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(content))


def held_file(kind: str, token: str) -> bytes | None:
    """The content held under ``token``, or None (unknown, expired or unsafe)."""
    name = _name(kind, token)
    storage = private_storage()
    if name is None or not storage.exists(name):
        return None
    if storage.get_modified_time(name) < timezone.now() - HELD_FOR:
        storage.delete(name)
        return None
    with storage.open(name, "rb") as handle:
        return handle.read()


def _forget_old(kind: str) -> None:
    storage = private_storage()
    folder = f"held/{kind}"
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - HELD_FOR
    for name in files:
        if storage.get_modified_time(f"{folder}/{name}") < cutoff:
            storage.delete(f"{folder}/{name}")
