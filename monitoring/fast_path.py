"""The short way to a kept public page or download, for a visitor who is not
signed in (ADR 0049).

Most visits to ``/seguimiento/`` are anonymous reads of a page or download that
is already kept (``public_cache``): the answer is bytes from the cache plus a
CSRF token. The full middleware stack around it also loads a message store,
looks for a static file, for a redirect and for a locked-out sign-in, and
passes the view through Django's resolver machinery; none of that changes such
an answer. This middleware, right after the locality is chosen, sends those
visits through the view with only the middleware that does shape the answer
(in the same order as ``MIDDLEWARE``): compression, the security headers and
the Content-Security-Policy, the session and the person (so a session still
decides, and is varied on, as before), the language, Content-Length, the CSRF
cookie and X-Frame-Options.

It only answers from what is kept (``public_cache.only_kept``): a page that must
be built or rendered, a visitor with a session cookie, another address, a 404
or any error goes the whole way, exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import resolve
from django.utils.module_loading import import_string

from . import public_cache

THIS = "monitoring.fast_path.KeptPublicReads"
PREFIX = "/seguimiento/"
# The middleware that shapes an anonymous answer from the cache; whichever of
# these follow this one in MIDDLEWARE run, in MIDDLEWARE's order.
SHAPES_THE_ANSWER = frozenset(
    {
        "lms.portal.compression.TextGZipMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "lms.portal.security.SecurityHeadersMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "lms.portal.middleware.SpanishFirstLocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)
# The public views whose anonymous answer is a whole kept page or download.
KEPT_VIEWS = frozenset(
    {
        "monitoring:projects",
        "monitoring:project",
        "monitoring:projects_csv",
        "monitoring:projects_json",
        "monitoring:reports_csv",
        "monitoring:reports_json",
        "monitoring:ocds",
        "monitoring:ocds_project",
    }
)


class KeptPublicReads:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        after = list(settings.MIDDLEWARE)
        after = after[after.index(THIS) + 1 :] if THIS in after else after
        chain: Callable[[HttpRequest], HttpResponseBase] = _kept_answer
        for path in reversed([p for p in after if p in SHAPES_THE_ANSWER]):
            chain = import_string(path)(chain)
        self.short_way = chain

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _may_take_the_short_way(request):
            return self.get_response(request)
        try:
            with public_cache.only_kept():
                return self.short_way(request)
        except Exception:  # noqa: BLE001 - not kept, a 404, anything: as before
            return self.get_response(request)


def _may_take_the_short_way(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path_info.startswith(PREFIX)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _kept_answer(request: HttpRequest) -> HttpResponseBase:
    """The view's answer, if it comes whole from the cache (else ``NotKept``)."""
    match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    if match.view_name not in KEPT_VIEWS:
        raise public_cache.NotKept
    request.resolver_match = match
    return match.func(request, *match.args, **match.kwargs)
