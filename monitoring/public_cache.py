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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .process_copies import ProcessCopies

T = TypeVar("T")
# Lists and downloads: bumped by every change of the locality's public data.
VERSION_KEY = "monitoring:public-version"
# Everything, project pages too: bumped only by writes that do not say which
# projects they touched (the spreadsheet import, the demo's backdating).
EPOCH_KEY = "monitoring:public-epoch"
# One project's own page: bumped by a change of that project, its reports,
# their photos and answers (ADR 0049), so 499 other pages stay kept.
PROJECT_VERSION_PREFIX = "monitoring:project-version:"
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
# What this process has read from the shared cache (process_copies.py).
_copies = ProcessCopies()
# Set while the fast path (fast_path.py) runs a view: kept answers only.
_only_kept: ContextVar[bool] = ContextVar("monitoring_only_kept", default=False)


class NotKept(Exception):
    """Raised in ``only_kept()`` when the answer is not a kept whole page or
    download: the request goes the whole way through the middleware instead."""


@contextmanager
def only_kept() -> Iterator[None]:
    """While inside, ``kept`` serves whole answers already kept and raises
    ``NotKept`` for anything it would have to build or render around."""
    token = _only_kept.set(True)
    try:
        yield
    finally:
        _only_kept.reset(token)


def _fresh_number() -> int:
    """A version for a key the cache lost or never had: nanoseconds since the
    epoch, above any number reached before by bumping one at a time, so an
    emptied cache never brings back an older key (nor this process's copy)."""
    return time.time_ns()


def _project_version_key(code: str) -> str:
    return PROJECT_VERSION_PREFIX + hashlib.sha256(code.encode()).hexdigest()[:24]


def _versions(project: str | None) -> str | None:
    """The version numbers a kept entry's key carries, in one round trip: the
    locality's (lists and downloads), or the epoch and the project's own (a
    project's page). None when the cache does not answer: keep nothing then."""
    keys = (
        [VERSION_KEY] if project is None else [EPOCH_KEY, _project_version_key(project)]
    )
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh_number(), timeout=None)
        found.update(cache.get_many(missing))
    if any(key not in found for key in keys):
        return None
    return ".".join(str(found[key]) for key in keys)


def version() -> int:
    """The locality's version of lists and downloads."""
    current = _versions(None)
    return 0 if current is None else int(current)


def _advance(*keys: str) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _fresh_number(), timeout=None)


def bump() -> None:
    """Forget everything this locality's public pages kept (now)."""
    _advance(VERSION_KEY, EPOCH_KEY)


def bump_project(code: str) -> None:
    """Forget the lists, the downloads and this project's own page (now)."""
    _advance(VERSION_KEY, _project_version_key(code))


def bump_after_commit(**_kwargs) -> None:
    """Bump now and again after commit: a visitor who rebuilt from the data as it
    was before the commit is forgotten too."""
    bump()
    transaction.on_commit(bump)


def _read(key: str) -> object | None:
    """A kept value: this process's copy, else the shared cache's (then kept
    here too)."""
    full_key = cache.make_key(key)
    value = _copies.get(full_key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _copies.put(full_key, value)
    return value


def kept(
    name: str,
    parts: tuple,
    build: Callable[[], T],
    *,
    project: str | None = None,
    whole: bool = False,
) -> T:
    """The value built by ``build`` for these parts, from the cache if kept.

    Keyed by the locality's version, or with ``project`` (a code) by that
    project's own version (and the epoch). On a miss only one caller builds (it
    holds ``<key>:building``); the others wait for its copy. A cache that does
    not answer holds no lock: then each caller builds, as with no cache at all.
    ``whole``: the value is the whole answer (a page or a download), which the
    fast path may serve; anything else sends it the whole way."""
    only_kept = _only_kept.get()
    if only_kept and not whole:
        raise NotKept
    versions = _versions(project)
    if versions is None:
        if only_kept:
            raise NotKept
        return build()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
    key = f"monitoring:{name}:{versions}:{translation.get_language()}:{digest}"
    value = _read(key)
    if value is not None:
        return value  # type: ignore[return-value]
    if only_kept:
        raise NotKept
    lock = f"{key}:building"
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(lock, 1, LOCK_SECONDS):
            try:
                value = build()
                cache.set(key, value, TIMEOUT_SECONDS)
                _copies.put(cache.make_key(key), value)
            finally:
                cache.delete(lock)
            return value  # type: ignore[return-value]
        if cache.get(lock) is None or time.monotonic() > deadline:
            # The builder has finished (or failed), or the cache is down.
            value = _read(key)
            return build() if value is None else value  # type: ignore[return-value]
        time.sleep(POLL_SECONDS)
        value = _read(key)
        if value is not None:
            return value  # type: ignore[return-value]


def kept_gzip(name: str, parts: tuple, build: Callable[[], str]) -> bytes:
    """A download kept gzip-compressed: a tenth of the bytes to move from the
    cache and to the visitor, compressed once per change, not per request."""
    return kept(
        name,
        parts,
        lambda: gzip.compress(build().encode("utf-8"), compresslevel=6, mtime=0),
        whole=True,
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
    *,
    project: str | None = None,
) -> HttpResponse:
    """A whole page for a visitor who is not signed in, rendered once per change
    by ``render(extra_context)`` and kept; each visit gets its own CSRF token
    (and cookie) in place of the placeholder, gzip-compressed from the kept
    pieces if the client takes it. The caller makes sure nothing else on the
    page depends on the visitor, and that ``parts`` name the address (the
    page's forms repeat it); ``project`` as for ``kept``."""
    page = kept(
        name,
        parts,
        lambda: _keep_page(render({"csrf_token": CSRF_PLACEHOLDER}).content),
        project=project,
        whole=True,
    )
    token = get_token(request).encode()
    if takes_gzip(request):
        response = HttpResponse(_gzipped(page, token))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(token.join(page.pieces))
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def projects_touched(instance: object, *, created_or_deleted: bool) -> set[str] | None:
    """The codes of the projects on whose public page a saved or deleted row
    shows: a project's own code (and the code it was read with, if a save
    changed it), a report's, photo's or answer's project. None when that cannot
    be told (a project saved again whose first code we never saw): then
    everything is forgotten."""
    from .models import CitizenReport, InvestmentProject

    if isinstance(instance, InvestmentProject):
        loaded = getattr(instance, "code_as_loaded", None)
        if loaded is None and not created_or_deleted:
            return None
        return {instance.code, *([loaded] if loaded else [])}
    if isinstance(instance, CitizenReport):
        report = instance
    elif type(instance).report.is_cached(instance):  # type: ignore[attr-defined]
        report = instance.report  # type: ignore[attr-defined]
    else:  # a photo or an answer: one query for its report's project
        code = (
            CitizenReport.objects.filter(pk=instance.report_id)  # type: ignore[attr-defined]
            .values_list("project__code", flat=True)
            .first()
        )
        return None if code is None else {code}
    if CitizenReport.project.is_cached(report):
        return {report.project.code}
    code = (
        InvestmentProject.objects.filter(pk=report.project_id)
        .values_list("code", flat=True)
        .first()
    )
    return None if code is None else {code}


def bump_what_changed(sender, instance, **kwargs) -> None:
    """Signal handler: forget the lists, the downloads and the pages of the
    projects a row shows on, now and again after commit (ADR 0031, 0049)."""
    from .models import InvestmentProject

    codes = projects_touched(
        instance,
        created_or_deleted=kwargs.get("created", False)
        or kwargs.get("signal") is post_delete,
    )
    if isinstance(instance, InvestmentProject):
        # The next save of this same object starts from the code it has now.
        instance.code_as_loaded = instance.code

    def forget() -> None:
        if codes is None:
            bump()
        else:
            for code in codes:
                bump_project(code)

    forget()
    transaction.on_commit(forget)


def connect() -> None:
    """Bump on every change of what the public sees (from ``AppConfig.ready``)."""
    from .models import AnswerRequest, CitizenReport, InvestmentProject, ReportPhoto

    for model in (InvestmentProject, CitizenReport, ReportPhoto, AnswerRequest):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_what_changed,
                sender=model,
                dispatch_uid=f"monitoring-public-{model.__name__}-{signal}",
            )
