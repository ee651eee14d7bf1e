"""The public cache's entries this process has already read, kept in its memory.

A kept download or page is read from the shared cache on every visit: up to a
few hundred kilobytes to move and unpickle each time, for bytes that only
change with the version number in their key. A process keeps the copies it has
read under their full key (schema, name, version, language, address), so a
visit reads only the small version numbers from the shared cache and finds the
page here. A change bumps the version: the next visit asks for another key and
never meets this copy again (ADR 0049). Bounded by bytes (least recently used
goes first) and by time, so a copy outlives its shared entry by a minute at
most.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.conf import settings

# What a process keeps, at most (a Kennedy-sized locality's pages and
# downloads are about 20 MB); settings may change it, 0 turns it off.
DEFAULT_LIMIT_BYTES = 48 * 1024 * 1024
# How long a copy read from the shared cache stays here.
SECONDS = 60.0


class ProcessCopies:
    """A thread-safe least-recently-used store of byte-sized values."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[Any, int, float]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            value, size, expires = item
            if expires < time.monotonic():
                del self._items[key]
                self._size -= size
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: str, value: Any, seconds: float = SECONDS) -> None:
        size = size_of(value)
        limit = getattr(
            settings, "MONITORING_PROCESS_COPIES_BYTES", DEFAULT_LIMIT_BYTES
        )
        if size is None or size > limit // 4:
            return  # not bytes we can count, or too big to be worth keeping
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size, time.monotonic() + seconds)
            self._size += size
            while self._size > limit and self._items:
                _key, (_value, dropped, _expires) = self._items.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


def size_of(value: Any) -> int | None:
    """The bytes of a kept value (bytes, text, or a tuple of those), or None
    for anything else: only what can be counted is kept in the process."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, tuple):
        total = 0
        for item in value:
            size = size_of(item)
            if size is None:
                return None
            total += size
        return total
    return None
