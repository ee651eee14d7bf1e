"""What the public pages and downloads show, kept in the shared cache.

The public list, a project's page and the open-data downloads (CSV, JSON,
OCDS) are the same for every visitor of a locality and change only when a
project, a report, a photo or an answer changes. Each locality keeps a version
number in the cache (keys carry the schema: ``django_tenants.cache.make_key``);
every save or delete of those rows bumps it (at once and after commit), so the next visitor
builds afresh and nobody is served an old figure past the change. Bulk writes
that skip Django's signals (the spreadsheet import, the demo's backdating)
bump it themselves. A timeout bounds the rest.

After a change, one visitor per entry builds it while the others wait for
that copy (a lock in the cache, ``kept``): 50 visitors arriving after a change
do not run the same queries 50 times at once, and none of them is served the
copy from before the change.

Only anonymous content is kept: the page parts that show nothing of the person
who looks (never a CSRF token nor a «report» button), whole downloads, and
whole pages for visitors who are not signed in, kept with a placeholder where
the CSRF token goes and served with each visitor's own token. A whole page is
also kept deflated in pieces around that placeholder, so a visitor who takes
gzip gets the kept bytes with only the token added per visit (ADR 0047).
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import time
import zlib
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

T = TypeVar("T")
VERSION_KEY = "monitoring:public-version"
TIMEOUT_SECONDS = 600
# Where a kept page's CSRF token goes (a real token is 64 letters and digits,
# never with dashes), replaced on every visit: no two visitors share a token.
CSRF_PLACEHOLDER = "kept-page-csrf-token"
# The longest build (a locality's OCDS package) takes about a second on an
# idle machine; the lock outlives a slow one, and a builder that died frees it
# by this timeout at worst.
LOCK_SECONDS = 30
# How long a visitor waits for another's build before building it too; past
# that, a fresh build is still better than an old copy.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.02


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
    """The value built by ``build`` for these parts, from the cache if kept.

    On a miss only one caller builds (it holds ``<key>:building``); the others
    wait for its copy. A cache that does not answer holds no lock: then each
    caller builds, as with no cache at all."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"monitoring:{name}:{version()}:{translation.get_language()}:{digest}"
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:building"
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(lock, 1, LOCK_SECONDS):
            try:
                value = build()
                cache.set(key, value, TIMEOUT_SECONDS)
            finally:
                cache.delete(lock)
            return value
        if cache.get(lock) is None or time.monotonic() > deadline:
            # The builder has finished (or failed), or the cache is down.
            value = cache.get(key)
            return build() if value is None else value
        time.sleep(POLL_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value


def kept_gzip(name: str, parts: tuple, build: Callable[[], str]) -> bytes:
    """A download kept gzip-compressed: a tenth of the bytes to move from the
    cache and to the visitor, compressed once per change, not per request."""
    return kept(
        name,
        parts,
        lambda: gzip.compress(build().encode("utf-8"), compresslevel=6, mtime=0),
    )


def takes_gzip(request: HttpRequest) -> bool:
    """Whether the client takes gzip (every browser and HTTP library does)."""
    return "gzip" in request.headers.get("Accept-Encoding", "")


class _KeptPage(NamedTuple):
    """A page as kept: its bytes cut at each CSRF placeholder, and each piece
    deflated apart (ending on a byte boundary) so that pieces and tokens laid
    one after the other make one deflate stream."""

    pieces: tuple[bytes, ...]
    deflated: tuple[bytes, ...]


# A gzip member header with no name and no time (RFC 1952), and the empty last
# block that ends a deflate stream.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST_BLOCK = b"\x03\x00"


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def _keep_page(content: bytes) -> _KeptPage:
    pieces = tuple(content.split(CSRF_PLACEHOLDER.encode()))
    return _KeptPage(pieces, tuple(_deflated(piece) for piece in pieces))


def _stored(data: bytes) -> bytes:
    """``data`` as one stored (uncompressed) deflate block, on a byte boundary
    as each deflated piece ends: no compressor to set up per visit."""
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


def _gzipped(page: _KeptPage, token: bytes) -> bytes:
    """The page with ``token`` in each placeholder, as one gzip member. The
    token is not compressed at all, so the answer's size says nothing about
    it (BREACH, ADR 0030); Django masks it anew on every answer anyway."""
    stored_token = _stored(token)
    body, crc, size = [_GZIP_HEADER], 0, 0
    for n, (piece, deflated) in enumerate(zip(page.pieces, page.deflated, strict=True)):
        if n:
            body.append(stored_token)
            crc, size = zlib.crc32(token, crc), size + len(token)
        body.append(deflated)
        crc, size = zlib.crc32(piece, crc), size + len(piece)
    body += [_LAST_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
    return b"".join(body)


def kept_page(
    request: HttpRequest,
    name: str,
    parts: tuple,
    render: Callable[[dict], HttpResponse],
) -> HttpResponse:
    """A whole page for a visitor who is not signed in, rendered once per change
    by ``render(extra_context)`` and kept; each visit gets its own CSRF token
    (and cookie) in place of the placeholder, gzip-compressed from the kept
    pieces if the client takes it. The caller makes sure nothing else on the
    page depends on the visitor, and that ``parts`` name the address (the
    page's forms repeat it)."""
    page = kept(
        name,
        parts,
        lambda: _keep_page(render({"csrf_token": CSRF_PLACEHOLDER}).content),
    )
    token = get_token(request).encode()
    if takes_gzip(request):
        response = HttpResponse(_gzipped(page, token))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(token.join(page.pieces))
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


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
