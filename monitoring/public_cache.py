"""What the public pages and downloads show, kept in the shared cache.

The public list, a project's page and the open-data downloads (CSV, JSON,
OCDS) are the same for every visitor of a locality and change only when a
project, a report, a photo or an answer changes. Each locality keeps a version
number in the cache (keys carry the schema: ``django_tenants.cache.make_key``);
every save or delete of those rows bumps it (at once and after commit), so the next visitor
builds afresh and nobody is served an old figure past the change. Bulk writes
that skip Django's signals (the spreadsheet import, the demo's backdating)
bump it themselves. A timeout bounds the rest.

Only anonymous content is kept: the page parts that show nothing of the person
who looks (never a CSRF token nor a «report» button), whole downloads, and
whole pages for visitors who are not signed in, kept with a placeholder where
the CSRF token goes and served with each visitor's own token.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

T = TypeVar("T")
VERSION_KEY = "monitoring:public-version"
TIMEOUT_SECONDS = 600
# Where a kept page's CSRF token goes (a real token is 64 letters and digits,
# never with dashes), replaced on every visit: no two visitors share a token.
CSRF_PLACEHOLDER = "kept-page-csrf-token"


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        # A fresh start (an emptied cache) never reuses an older number.
        cache.add(VERSION_KEY, int(time.time() * 1000), timeout=None)
        current = cache.get(VERSION_KEY, 0)
    return int(current)


def bump() -> None:
    """Forget what this locality's public pages kept (now)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)


def bump_after_commit(**_kwargs) -> None:
    """Bump now and again after commit: a visitor who rebuilt from the data as it
    was before the commit is forgotten too."""
    bump()
    transaction.on_commit(bump)


def kept(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """The value built by ``build`` for these parts, from the cache if kept."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"monitoring:{name}:{version()}:{translation.get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value


def kept_gzip(name: str, parts: tuple, build: Callable[[], str]) -> bytes:
    """A download kept gzip-compressed: a tenth of the bytes to move from the
    cache and to the visitor, compressed once per change, not per request."""
    return kept(
        name,
        parts,
        lambda: gzip.compress(build().encode("utf-8"), compresslevel=6, mtime=0),
    )


def kept_page(
    request: HttpRequest,
    name: str,
    parts: tuple,
    render: Callable[[dict], HttpResponse],
) -> HttpResponse:
    """A whole page for a visitor who is not signed in, rendered once per change
    by ``render(extra_context)`` and kept; each visit gets its own CSRF token
    (and cookie) in place of the placeholder. The caller makes sure nothing
    else on the page depends on the visitor, and that ``parts`` name the
    address (the page's forms repeat it)."""
    content = kept(
        name, parts, lambda: render({"csrf_token": CSRF_PLACEHOLDER}).content
    )
    return HttpResponse(
        content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    )


def connect() -> None:
    """Bump on every change of what the public sees (from ``AppConfig.ready``)."""
    from .models import AnswerRequest, CitizenReport, InvestmentProject, ReportPhoto

    for model in (InvestmentProject, CitizenReport, ReportPhoto, AnswerRequest):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_after_commit,
                sender=model,
                dispatch_uid=f"monitoring-public-{model.__name__}-{signal}",
            )
