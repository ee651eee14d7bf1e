"""The search index and Wagtail's reference index of the course pages, kept
up to date on every save, or once for a batch of saves (a release's copy).

Wagtail updates both from ``post_save``, page by page: each save fetches the
page again, checks it is indexable, writes one search entry, then fetches it
once more to write its references. A release saves every page of a course in
one transaction, so inside ``updated_once_per_batch`` the saved pages are
only noted, and indexed at the end of the block, in the same transaction:
one insert for the search entries of each page type, and the references of
each page from the instance in hand. A copy that fails leaves no entry behind,
as before.

The course page types switch Wagtail's automatic search update off
(``search_auto_update = False``) and get ``index_on_save`` / ``unindex_on_delete``
instead, which do what Wagtail's receivers did unless a batch is open.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from wagtail.models import ReferenceIndex
from wagtail.search import index as search_index
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

__all__ = ["index_on_save", "unindex_on_delete", "updated_once_per_batch"]

# The pages saved inside the open batch, by pk (the last instance saved wins).
_batch: ContextVar[dict[int, Any] | None] = ContextVar(
    "courses_index_batch", default=None
)


def index_on_save(sender: type, instance: Any, **kwargs: Any) -> None:
    """``post_save`` of a course page type: index it now, or at the batch's end."""
    if kwargs.get("raw", False):
        return
    batch = _batch.get()
    if batch is None:
        post_save_signal_handler(instance, **kwargs)
        return
    batch[instance.pk] = instance


def unindex_on_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    """``post_delete`` of a course page type (as Wagtail's own receiver)."""
    search_index.remove_object(instance)


@contextmanager
def updated_once_per_batch() -> Iterator[None]:
    """Index the pages saved in the block once, at its end (in its transaction)."""
    pages: dict[int, Any] = {}
    token = _batch.set(pages)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        _batch.reset(token)
    _index(list(pages.values()))


def _index(pages: list[Any]) -> None:
    by_model: dict[type, list[Any]] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
        ReferenceIndex.create_or_update_for_object(page)
    for backend in get_search_backends(with_auto_update=True):
        for model, objects in by_model.items():
            backend.add_bulk(model, objects)
