"""The signed-in person's account row, kept in the cache between requests.

Every signed-in request loads the account (Django's ``get_user``: one query on
the public schema's ``accounts_user``) only to check that the session still
matches the password and that the account may sign in. At a campaign peak a
learner pages back and forth through lessons, and this row was the last query
of a repeat lesson view. It is kept under a city-wide key (people are
city-wide: one entry serves every locality, one delete drops it) and dropped
whenever it may change: any save or deletion of the account (a password
change, a sign-in's ``last_login``, an anonymization, an edit in the admin) and
a sign-out. The session check itself still runs on every request, against the
kept row: a password changed elsewhere drops the entry, and the old session's
hash no longer matches the new row.

Nothing in the project changes accounts with ``QuerySet.update()`` (which
sends no signal); the expiry bounds what such a change, or a request that read
the row just before another one's commit, could leave behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from tenants import api as tenants_api

__all__ = ["connect", "forget", "signed_in_user"]

TIMEOUT = 5 * 60


def _key(user_id: Any) -> str:
    return tenants_api.citywide_cache_key(f"accounts:signed-in:{user_id}")


def signed_in_user(user_id: Any, load: Callable[[Any], Any]) -> Any:
    """The account ``load(user_id)`` returns, from the cache when kept there.

    ``load`` is the backend's own ``get_user`` (None when the account is gone
    or may not sign in; None is not kept, so it is asked again next time).
    """
    key = _key(user_id)
    hit = cache.get(key)
    if hit is not None:
        return hit
    user = load(user_id)
    if user is not None:
        cache.set(key, user, TIMEOUT)
    return user


def forget(user_id: Any) -> None:
    """Drop the kept row now and, inside a transaction, again after its commit:
    a request may read the old row before the commit and keep it meanwhile."""
    key = _key(user_id)
    cache.delete(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete(key))


def _on_account_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        forget(instance.pk)


def _on_signed_out(sender: Any, user: Any = None, **kwargs: Any) -> None:
    # Signing out leaves no copy of the person's row in the shared cache.
    if user is not None:
        forget(user.pk)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_out
    from django.db.models.signals import post_delete, post_save

    model = get_user_model()
    post_save.connect(_on_account_changed, sender=model, dispatch_uid=__name__ + ".s")
    post_delete.connect(_on_account_changed, sender=model, dispatch_uid=__name__ + ".d")
    user_logged_out.connect(_on_signed_out, dispatch_uid=__name__ + ".out")
