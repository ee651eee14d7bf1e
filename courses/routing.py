"""Wagtail's page serving, with the site and the route of a path looked up once
per page-tree generation instead of on every request (ADR 0026).

Wagtail finds the site (one query), walks the tree from its root to the page
(two queries per level: the child, then its specific row) and reads the view
restrictions of the page and its ancestors (two more). For a lesson that is 13
queries, on every request. Here the site, the page a path leads to (its row,
without StreamFields) and its view restrictions are cached per generation
(``page_cache``): any save of a page, and a publish, unpublish, move or
deletion anywhere in the locality's tree, changes the generation, so the cached
row is the live one. Wagtail's own ``serve`` view then runs as usual: it finds
both values already on the request, where Wagtail itself keeps them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from .page_cache import cached

__all__ = ["serve_page"]


def serve_page(request: HttpRequest, path: str) -> HttpResponse:
    """Wagtail's ``serve``, after the cached site and route are put in place."""
    site = _site(request)
    request._wagtail_site = site  # type: ignore[attr-defined]  # Wagtail's own slot
    if site is not None:
        route = _route(request, site, path)
        if route is not None:
            request._wagtail_route_for_request = route  # type: ignore[attr-defined]
    return wagtail_views.serve(request, path)


def _site(request: HttpRequest) -> Site | None:
    hostname = split_domain_port(request._get_raw_host())[0]  # as Wagtail does
    port = request.get_port()
    return cached("site", (hostname, port), lambda: Site._find_for_request(request))


def _route(request: HttpRequest, site: Site, path: str) -> RouteResult | None:
    """The route of ``path``, or None to let Wagtail route this request itself."""
    built: list[RouteResult | None] = []

    def build() -> dict[str, Any] | None:
        result = Page.route_for_request(request, path)
        built.append(result)
        if result is None or result.args or result.kwargs:
            # Not found, or a routable page's sub-view (its arguments may not
            # survive pickling): Wagtail routes these requests every time.
            return None
        page = result.page
        restrictions = list(page.get_view_restrictions())
        _use_restrictions(page, restrictions)
        model = type(page)
        return {
            # The page's own row without its StreamFields (a lesson body can be
            # large, and the rendered body has its own cache): they load on
            # first use, e.g. for a quiz answer.
            "page": model.objects.defer(*_stream_fields(model)).get(pk=page.pk),
            "restrictions": restrictions,
        }

    found = cached("route", (site.pk, path), build)
    if built:
        # Built by this request: Wagtail's own result, already on the request.
        return built[0]
    if found is None:
        return None
    page = found["page"]
    _use_restrictions(page, found["restrictions"])
    return RouteResult(page)


def _use_restrictions(page: Page, restrictions: list) -> None:
    # Wagtail's view-restriction hook asks the page for its restrictions: give
    # it the cached ones instead of two more queries.
    page.get_view_restrictions = lambda: restrictions  # type: ignore[method-assign]


def _stream_fields(model: type[Page]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, StreamField)
    ]
