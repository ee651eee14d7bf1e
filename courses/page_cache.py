"""What the learner's pages reuse between requests: the page tree's generation
and values built from it (ADR 0026).

Every cached value about the page tree (which page a path leads to, a course's
syllabus, a lesson's navigation, a rendered lesson body) is keyed by the
locality's *generation*: a random token in the cache that any change to a page,
a site or a view restriction replaces. A publish, an unpublish, a move, a
deletion or a release applied in a locality therefore makes every such value
unreachable at once, and no receiver has to know which values a change touches.
An edited image or document (a cached body names its files) changes it too.
The cache's key function already puts the schema first, so each locality has
its own generation.

The token is replaced when the change is saved and again after its commit: in
between, another request may have cached what it read before the commit under
the new token, and the second replacement drops that too. Only reads fill the
cache (the views), never code that writes pages, so nothing from a transaction
that rolls back is kept.

Nothing per person goes in here: values are the same for every visitor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

__all__ = ["cached", "generation", "new_generation", "pages_changed"]

T = TypeVar("T")

GENERATION_KEY = "courses:pages:generation"
# Values also expire on their own, so an entry no generation reaches any more
# does not sit in a shared cache for long.
TIMEOUT = 6 * 60 * 60


def generation() -> str:
    """The active locality's page-tree generation (made on first use)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid4().hex, None)
        value = cache.get(GENERATION_KEY) or ""
    return value


def pages_changed() -> None:
    """Drop every cached value about the active locality's page tree."""
    new_generation()
    connection = transaction.get_connection()
    # Once more after the commit; once per transaction is enough (a release
    # saves hundreds of pages).
    if connection.in_atomic_block and not any(
        entry[1] is new_generation for entry in connection.run_on_commit
    ):
        transaction.on_commit(new_generation)


def new_generation() -> None:
    """A new token: nothing cached before is reached any more."""
    cache.set(GENERATION_KEY, uuid4().hex, None)


def cached(kind: str, parts: tuple[Any, ...], build: Callable[[], T]) -> T:
    """``build()``'s value for ``parts`` in this generation, built once
    (a value of None is not kept).

    ``parts`` is hashed into the key, so paths and keys of any length or
    alphabet are safe with every cache backend.
    """
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    key = f"courses:{kind}:{generation()}:{digest}"
    hit = cache.get(key)
    if hit is not None:
        return hit[0]
    value = build()
    if value is not None:
        # None ("no such page", "not yet") is built again next time.
        cache.set(key, (value,), TIMEOUT)
    return value


def on_tree_saved(sender: object, **kwargs: Any) -> None:
    """Receiver for saves and deletions of pages, sites, view restrictions, and
    the images and documents a cached lesson body shows."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site

    # Renditions are not among them: rendering a body saves new ones.
    watched = (Page, Site, PageViewRestriction, get_image_model(), get_document_model())
    if isinstance(kwargs.get("instance"), watched):
        pages_changed()


def on_page_signal(sender: object, **kwargs: Any) -> None:
    """Receiver for Wagtail's unpublish and move signals."""
    pages_changed()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_unpublished, post_page_move

    # Page subclasses send their own class as sender: listen to every sender
    # and filter by instance (a cheap isinstance on each save).
    post_save.connect(on_tree_saved, dispatch_uid="courses.page_cache.save")
    post_delete.connect(on_tree_saved, dispatch_uid="courses.page_cache.delete")
    page_unpublished.connect(on_page_signal, dispatch_uid="courses.page_cache.unpub")
    post_page_move.connect(on_page_signal, dispatch_uid="courses.page_cache.move")
