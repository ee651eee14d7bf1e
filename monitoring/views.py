"""Public monitoring pages of a locality: no sign-in, no JavaScript, phone first.

Thin: they read the GET filters, call ``monitoring.api`` and render. The campus
has no projects, so it answers 404 here.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import api
from .data import (
    FIGURE_SOURCE_LABELS,
    INVESTMENT_LINE_LABELS,
    PROJECT_STATUS_LABELS,
)


def require_locality() -> None:
    if not api.serves_projects():
        raise Http404(
            _("El seguimiento de proyectos está en el sitio de cada localidad.")
        )


def project_list(request: HttpRequest) -> HttpResponse:
    require_locality()
    page = api.list_projects(
        line=request.GET.get("linea"), status=request.GET.get("estado")
    )
    return render(
        request,
        "monitoring/project_list.html",
        {
            "page": page,
            "rows": [
                (
                    project,
                    api.comparison(
                        project.progress,
                        project.observed_progress,
                        project.observed_at,
                    ),
                )
                for project in page.projects
            ],
            "lines": INVESTMENT_LINE_LABELS.items(),
            "statuses": PROJECT_STATUS_LABELS.items(),
            "sources": FIGURE_SOURCE_LABELS,
            "credit": api.SOURCE_CREDIT,
        },
    )


def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_locality()
    project = api.get_project(code)
    if project is None:
        raise Http404(_("Esta localidad no tiene un proyecto con ese código."))
    return render(
        request,
        "monitoring/project_detail.html",
        {
            "project": project,
            "comparison": api.comparison(
                project.progress, project.observed_progress, project.observed_at
            ),
            "reports": [
                (report, api.VERDICT_LABELS[report.verdict])
                for report in api.published_reports(code)
            ],
            "may_report": request.user.is_authenticated
            and api.reporting_assignment(request.user.pk, code) is not None,
            "credit": api.SOURCE_CREDIT,
        },
    )
