"""The Redis cache, answering like an empty cache while Redis cannot be reached.

Measured (``tests/deploy/test_faults_web.py``): with Django's own Redis backend,
a Redis restart turned every signed-in request into a 500 for as long as Redis
was down, because ``cached_db`` sessions tolerate a failed cache read but not
the write that follows it. Nothing in this project needs the cache to be
right, only fast: sessions are written through to the database, and every
other cached value (Wagtail's site roots, dashboards, lesson fragments) is
rebuilt on a miss. So a connection or timeout error is a miss (reads) or a
no-op (writes), logged at most every ``WARN_EVERY`` seconds; the connection
pool reconnects by itself when Redis is back. ``/readyz`` still reports the
cache down (its round trip reads back nothing).

Django's client builds a new ``redis.Redis`` around the shared connection pool
for every call (``RedisCacheClient.get_client``); a lesson view makes a
handful of calls, and building the client (its response callbacks, its
retry and its lock) cost more CPU than the round trip to Redis itself. One
client per pool is made once instead: a ``redis.Redis`` is safe to share
between threads, since every command takes its own connection from the pool.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY = 10.0  # seconds
_last_warning = 0.0


def _unreachable(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY:
        _last_warning = now
        logger.warning("Caché Redis inalcanzable (%s): %s", operation, exc)


class _OneClientPerPool(RedisCacheClient):
    """Django's cache client, keeping one ``redis.Redis`` per connection pool."""

    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # Two threads may both build it at first; either client serves.
            pool = self._pools.get(index)
            if pool is None:
                pool = self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; an unreachable Redis is an empty, write-ignoring cache."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            _unreachable("get", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as exc:
            _unreachable("get_many", exc)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE as exc:
            _unreachable("has_key", exc)
            return False

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as exc:
            _unreachable("set", exc)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as exc:
            _unreachable("add", exc)
            return False

    def set_many(
        self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as exc:
            _unreachable("set_many", exc)
            return list(data)

    def touch(
        self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as exc:
            _unreachable("touch", exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE as exc:
            _unreachable("delete", exc)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as exc:
            _unreachable("delete_many", exc)
