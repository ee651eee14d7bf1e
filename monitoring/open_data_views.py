"""Open data downloads of a locality, no sign-in: projects and published reports
as CSV and JSON, from ``monitoring.api`` (the REST API serves the same rows).
The campus has no projects, so it answers 404 here."""

from __future__ import annotations

import gzip
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from . import api, public_cache
from .views import require_locality

CSV = "text/csv; charset=utf-8"
JSON = "application/json"
_EMPTY = gzip.compress(b"", compresslevel=6, mtime=0)


def photo_url_for(request: HttpRequest) -> api.PhotoUrl:
    """A photo's absolute address on this host, served by the photo view (which
    shows only published reports' photos)."""

    def photo_url(photo_uuid: str) -> str:
        return request.build_absolute_uri(
            reverse("monitoring:photo", args=[photo_uuid])
        )

    return photo_url


def _serve(
    request: HttpRequest, packed: bytes, content_type: str, filename: str = ""
) -> HttpResponse:
    """A kept download, gzip as kept when the client takes it (every browser and
    HTTP library does), else unpacked."""
    takes_gzip = public_cache.takes_gzip(request)
    response = HttpResponse(
        packed if takes_gzip else gzip.decompress(packed), content_type=content_type
    )
    if takes_gzip:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Downloads are the same for every visitor of a host: kept in the shared cache
# until a project or report changes (public_cache.py). The host is part of the
# key because photo and report addresses are absolute.


def _json(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder)


def projects_csv(request: HttpRequest) -> HttpResponse:
    require_locality()
    packed = public_cache.kept_gzip(
        "projects.csv",
        (),
        lambda: api.as_csv(api.project_rows(), api.PROJECT_COLUMNS),
    )
    return _serve(request, packed, CSV, "seguimiento-proyectos.csv")


def projects_json(request: HttpRequest) -> HttpResponse:
    require_locality()
    packed = public_cache.kept_gzip(
        "projects.json", (), lambda: _json({"proyectos": api.project_rows()})
    )
    return _serve(request, packed, JSON)


def reports_csv(request: HttpRequest) -> HttpResponse:
    require_locality()
    packed = public_cache.kept_gzip(
        "reports.csv",
        (request.get_host(),),
        lambda: api.as_csv(
            api.published_report_rows(photo_url_for(request)), api.REPORT_COLUMNS
        ),
    )
    return _serve(request, packed, CSV, "seguimiento-reportes.csv")


def reports_json(request: HttpRequest) -> HttpResponse:
    require_locality()
    packed = public_cache.kept_gzip(
        "reports.json",
        (request.get_host(),),
        lambda: _json({"reportes": api.published_report_rows(photo_url_for(request))}),
    )
    return _serve(request, packed, JSON)


def ocds_package(request: HttpRequest, code: str = "") -> HttpResponse:
    """The OCDS 1.1 release package of the locality, or of one project."""
    require_locality()
    site_url = request.build_absolute_uri("/").rstrip("/")

    def build() -> str:
        package = api.ocds_release_package(
            site_url=site_url,
            package_path=request.path,
            report_path=reverse("monitoring:report", args=["00000000"]).replace(
                "00000000", "{uuid}"
            ),
            project_code=code,
        )
        return "" if package is None else _json(package)

    packed = public_cache.kept_gzip("ocds", (site_url, request.path), build)
    if packed == _EMPTY:
        raise Http404(_("Esta localidad no tiene un proyecto con ese código."))
    return _serve(request, packed, JSON)
