"""The cache's key function: every key carries a schema, the active locality's
or, for values about city-wide rows, the public schema's.

django-tenants' ``make_key`` puts the active schema first, which keeps one
locality's values (Wagtail's site roots, page fragments) out of another
(ARCHITECTURE.md, traps). People, though, are city-wide: one account row in the
public schema, signed in from any locality. Kept per locality, a change to such
a row would have to be dropped in every locality's key. A key made with
``citywide_key`` is put under the public schema whichever schema is active, so
one entry serves every locality and one delete drops it.
"""

from __future__ import annotations

from django_tenants.cache import make_key as _schema_key
from django_tenants.cache import reverse_key
from django_tenants.utils import get_public_schema_name

__all__ = ["citywide_key", "make_key", "reverse_key"]

_CITYWIDE = "citywide:"


def citywide_key(key: str) -> str:
    """``key`` as a city-wide cache key: the same entry from every schema."""
    return _CITYWIDE + key


def make_key(key: str, key_prefix: str, version: int) -> str:
    """Django's ``KEY_FUNCTION``: django-tenants' key, unless ``key`` is city-wide."""
    if key.startswith(_CITYWIDE):
        # The layout of django-tenants' keys, so ``reverse_key`` serves both.
        return f"{get_public_schema_name()}:{key_prefix}:{version}:{key}"
    return str(_schema_key(key, key_prefix, version))
