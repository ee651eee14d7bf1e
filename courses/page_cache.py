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

A lesson view looks up several values (site, route, navigation, body, the
course's rule), and each lookup read the generation from the cache first: a
round trip to Redis per lookup. ``GenerationPerRequest`` lets a request read
each schema's generation once; a change made by the request itself still
replaces the token it uses. A change made elsewhere meanwhile is seen by the
next request, as it would be had it come a moment later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from tenants import api as tenants_api

__all__ = [
    "GenerationPerRequest",
    "cached",
    "changes_deferred",
    "generation",
    "new_generation",
    "pages_changed",
]

T = TypeVar("T")

GENERATION_KEY = "courses:pages:generation"
# Values also expire on their own, so an entry no generation reaches any more
# does not sit in a shared cache for long.
TIMEOUT = 6 * 60 * 60


# Within a request: the generation read for each schema (a request may switch
# schemas). None outside a request (tasks, commands): every call reads the cache.
_per_request: ContextVar[dict[str, str] | None] = ContextVar(
    "courses_page_generations", default=None
)


class GenerationPerRequest:
    """Middleware: each schema's generation read at most once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _per_request.set({})
        try:
            return self.get_response(request)
        finally:
            _per_request.reset(token)


def generation() -> str:
    """The active locality's page-tree generation (made on first use)."""
    seen = _per_request.get()
    if seen is None:
        return _read_generation()
    schema = tenants_api.current_schema()
    value = seen.get(schema)
    if value is None:
        value = seen[schema] = _read_generation()
    return value


def _read_generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid4().hex, None)
        value = cache.get(GENERATION_KEY) or ""
    return value


# Inside ``changes_deferred``: whether a change was seen (and put off).
_deferred: ContextVar[list[bool] | None] = ContextVar(
    "courses_page_changes_deferred", default=None
)


@contextmanager
def changes_deferred() -> Iterator[None]:
    """Many page writes, one new generation at the end (a release's copy
    saves every page of a course: one token and one Redis write per page
    bought nothing, since nothing reads the locality's cache inside the
    copy's transaction). Only for code that writes pages and reads none of
    the cached values before it is done."""
    seen: list[bool] = []
    token = _deferred.set(seen)
    try:
        yield
    finally:
        _deferred.reset(token)
    if seen:
        pages_changed()


def pages_changed() -> None:
    """Drop every cached value about the active locality's page tree."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.append(True)
        return
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
    value = uuid4().hex
    cache.set(GENERATION_KEY, value, None)
    seen = _per_request.get()
    if seen is not None:
        # This request's own change: its later lookups use the new token too.
        seen[tenants_api.current_schema()] = value


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
