"""Views that are not Wagtail pages: unknown hosts and per-locality media."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.static import serve

from tenants import api as tenants_api


def unknown_host(request: HttpRequest) -> HttpResponse:
    """No locality serves this host name.

    The bare host (``localhost``) gets a directory of the localities, so a person
    who typed the short address finds the way; any other host gets a plain 404,
    never another locality's site.
    """
    host = request.get_host().split(":")[0].lower()
    if host == settings.LOCALITY_DOMAIN_SUFFIX:
        port = request.get_port()
        return render(
            request,
            "portal/directory.html",
            {
                "localities": tenants_api.list_localities(),
                "port_suffix": "" if port in ("80", "443") else f":{port}",
            },
        )
    return render(request, "404.html", {"host": host}, status=404)


def locality_media(request: HttpRequest, schema_name: str, path: str) -> HttpResponse:
    """Serve an uploaded file of the active locality only (development).

    Files live under MEDIA_ROOT/<schema>/; a locality's host never serves
    another locality's folder. In production the web server does this.
    """
    if schema_name != tenants_api.current_schema():
        raise Http404(_("Archivo no encontrado"))
    return serve(request, path, document_root=settings.MEDIA_ROOT / schema_name)
