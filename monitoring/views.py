"""Public monitoring pages of a locality: no sign-in, no JavaScript, phone first.

Thin: they read the GET filters, call ``monitoring.api`` and render. The campus
has no projects, so it answers 404 here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import api, public_cache
from .data import (
    FIGURE_SOURCE_LABELS,
    INVESTMENT_LINE_LABELS,
    PROJECT_STATUS_LABELS,
)

PAGE_SIZE = 50


def require_locality() -> None:
    if not api.serves_projects():
        raise Http404(
            _("El seguimiento de proyectos está en el sitio de cada localidad.")
        )


def project_list(request: HttpRequest) -> HttpResponse:
    require_locality()
    line, status = request.GET.get("linea"), request.GET.get("estado")
    number = request.GET.get("pagina") or "1"
    # The cards are the same for everyone (kept in the shared cache until a
    # project or report changes); the page around them is rendered per visit.
    cards = public_cache.kept(
        "list", (line, status, number), lambda: _cards(line, status, number)
    )
    return render(
        request,
        "monitoring/project_list.html",
        {
            "cards": mark_safe(cards),  # noqa: S308 - our own template's output
            "selected": {"line": line or "", "status": status or ""},
            "lines": INVESTMENT_LINE_LABELS.items(),
            "statuses": PROJECT_STATUS_LABELS.items(),
            "credit": api.SOURCE_CREDIT,
        },
    )


def _cards(line: str | None, status: str | None, number: str) -> str:
    page = api.list_projects(line=line, status=status)
    # A phone reads a page of cards, not a locality's hundreds at once.
    pages = Paginator(page.projects, PAGE_SIZE).get_page(number)
    query = urlencode({k: v for k, v in (("linea", line), ("estado", status)) if v})
    return render_to_string(
        "monitoring/_project_cards.html",
        {
            "page": page,
            "pages": pages,
            "query": f"{query}&" if query else "",
            "rows": [
                (
                    project,
                    api.comparison(
                        project.progress,
                        project.observed_progress,
                        project.observed_at,
                    ),
                )
                for project in pages.object_list
            ],
            "sources": FIGURE_SOURCE_LABELS,
        },
    )


def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_locality()
    project, reports = public_cache.kept(
        "project", (code,), lambda: (api.get_project(code), api.published_reports(code))
    )
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
                (report, api.VERDICT_LABELS[report.verdict]) for report in reports
            ],
            "may_report": request.user.is_authenticated
            and api.reporting_assignment(request.user.pk, code) is not None,
            "credit": api.SOURCE_CREDIT,
        },
    )
