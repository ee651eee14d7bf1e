"""Which activity keys exist, remembered between the player's posts.

The player posts every answer to ``/h5p/<key>/xapi/``, and the endpoint refuses
a key that names no activity. Whether a key exists changes only when content is
uploaded or deleted, so a "yes" is kept in the cache (whose key function puts the
locality's schema first) and dropped when the content is deleted: once at the
delete and again after its commit, since a post in between may have stored the
"yes" it read before. A "no" is never kept, so an upload answers at once.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from .models import H5PContent

__all__ = ["content_exists", "forget_content"]

# A deleted activity stops being accepted within this long even if a delete's
# invalidation were lost (a cache unreachable at that moment).
TIMEOUT = 10 * 60


def _cache_key(key: str) -> str:
    return f"h5p:known:{key}"


def content_exists(key: str) -> bool:
    """Whether the active locality has content with this key."""
    if cache.get(_cache_key(key)):
        return True
    if not H5PContent.objects.filter(key=key).exists():
        return False
    cache.set(_cache_key(key), True, TIMEOUT)
    return True


def forget_content(sender: object, instance: H5PContent, **kwargs: object) -> None:
    """``post_delete`` receiver: the key may name nothing any more."""
    cache_key = _cache_key(instance.key)
    cache.delete(cache_key)
    transaction.on_commit(lambda: cache.delete(cache_key))
