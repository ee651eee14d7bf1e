"""Open data downloads of a locality, no sign-in: projects and published reports
as CSV and JSON, from ``monitoring.api`` (the REST API serves the same rows).
The campus has no projects, so it answers 404 here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import api
from .views import require_locality


def photo_url_for(request: HttpRequest) -> api.PhotoUrl:
    """A photo's absolute address on this host, served by the photo view (which
    shows only published reports' photos)."""

    def photo_url(photo_uuid: str) -> str:
        return request.build_absolute_uri(
            reverse("monitoring:photo", args=[photo_uuid])
        )

    return photo_url


def _download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def projects_csv(request: HttpRequest) -> HttpResponse:
    require_locality()
    rows = api.project_rows()
    return _download(
        api.as_csv(rows, api.PROJECT_COLUMNS),
        "seguimiento-proyectos.csv",
        "text/csv; charset=utf-8",
    )


def projects_json(request: HttpRequest) -> JsonResponse:
    require_locality()
    return JsonResponse(
        {"proyectos": api.project_rows()}, json_dumps_params={"ensure_ascii": False}
    )


def reports_csv(request: HttpRequest) -> HttpResponse:
    require_locality()
    rows = api.published_report_rows(photo_url_for(request))
    return _download(
        api.as_csv(rows, api.REPORT_COLUMNS),
        "seguimiento-reportes.csv",
        "text/csv; charset=utf-8",
    )


def reports_json(request: HttpRequest) -> JsonResponse:
    require_locality()
    return JsonResponse(
        {"reportes": api.published_report_rows(photo_url_for(request))},
        json_dumps_params={"ensure_ascii": False},
    )


def ocds_package(request: HttpRequest, code: str = "") -> JsonResponse:
    """The OCDS 1.1 release package of the locality, or of one project."""
    require_locality()
    package = api.ocds_release_package(
        site_url=request.build_absolute_uri("/").rstrip("/"),
        package_path=request.path,
        report_path=reverse("monitoring:report", args=["00000000"]).replace(
            "00000000", "{uuid}"
        ),
        project_code=code,
    )
    if package is None:
        raise Http404(_("Esta localidad no tiene un proyecto con ese código."))
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False})
