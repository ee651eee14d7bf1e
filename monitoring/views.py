"""Public monitoring pages of a locality: no sign-in, no JavaScript, phone first.

Thin: they read the GET filters, call ``monitoring.api`` and render. The campus
has no projects, so it answers 404 here.
"""

from __future__ import annotations

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


def require_locality() -> None:
    if not api.serves_projects():
        raise Http404(
            _("El seguimiento de proyectos está en el sitio de cada localidad.")
        )


def project_list(request: HttpRequest) -> HttpResponse:
    require_locality()
    filters = api.clean_list_filters(
        request.GET.get("linea"), request.GET.get("estado"), request.GET.get("upz")
    )
    number = request.GET.get("pagina") or "1"
    if not number.isdigit() or len(number) > 4:
        number = "1"  # as the paginator would, without a cache entry per typo
    if not request.user.is_authenticated and _only_list_parameters(
        request, filters, number
    ):
        # Most visitors: the whole page is the same for all (but the token).
        return public_cache.kept_page(
            request,
            # Not "list-page": a copy kept before 0047 is bytes, not pieces.
            "list-whole",
            (request.get_full_path(),),
            lambda extra: _list_page(request, filters, number, extra),
        )
    return _list_page(request, filters, number, {})


def _only_list_parameters(
    request: HttpRequest, filters: api.ListFilters, number: str
) -> bool:
    """Whether the address holds only the list's own parameters, each once and
    with a known value: then its pages are few enough to keep whole."""
    known = {
        "linea": filters.line,
        "estado": filters.status,
        "upz": filters.upz,
        "pagina": number,
    }
    return all(
        key in known and len(values) == 1 and (values[0] or None) == known[key]
        for key, values in request.GET.lists()
    )


def _list_page(
    request: HttpRequest, filters: api.ListFilters, number: str, extra: dict
) -> HttpResponse:
    # The map and the cards are the same for everyone (kept in the shared cache
    # until a project or report changes); a signed-in visitor's page is
    # rendered around them.
    parts = public_cache.kept(
        "list", (filters, number), lambda: _map_and_cards(filters, number)
    )
    return render(
        request,
        "monitoring/project_list.html",
        {
            "parts": mark_safe(parts),  # noqa: S308 - our own templates' output
            "selected": filters,
            "lines": INVESTMENT_LINE_LABELS.items(),
            "statuses": PROJECT_STATUS_LABELS.items(),
            "upz_choices": api.locality_upz(),
            "credit": api.SOURCE_CREDIT,
            **extra,
        },
    )


def _map_and_cards(filters: api.ListFilters, number: str) -> str:
    page = api.page_of_projects(filters, number)
    return render_to_string(
        "monitoring/_project_map_and_cards.html",
        {
            "map": api.upz_map(filters),
            "page": page,
            "filters": filters,
            "query": filters.query(),
            "upz_query": filters.query(upz=None),
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
            "sources": FIGURE_SOURCE_LABELS,
        },
    )


def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_locality()
    if not request.user.is_authenticated and not request.GET:
        return public_cache.kept_page(
            request,
            "project-whole",
            (code,),
            lambda extra: _project_page(request, code, extra),
            # Its own version: a change to another project keeps this page.
            project=code,
        )
    return _project_page(request, code, {})


def _project_page(request: HttpRequest, code: str, extra: dict) -> HttpResponse:
    project, reports = public_cache.kept(
        "project",
        (code,),
        lambda: (api.get_project(code), api.published_reports(code)),
        project=code,
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
            **extra,
        },
    )
