"""Dashboard pages and downloads: thin callers of ``reporting.api``.

``/tablero/`` shows the city's dashboard at the campus and the locality's own
dashboard on a locality's site. Access is decided by ``api.access_*``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants import api as tenants_api

from . import api, charts, exports
from .data import Dashboard, Filters

_AGE_KEYS = {band.key for band in api.AGE_BANDS}


def _filters(request: HttpRequest) -> Filters:
    """The filters asked for; an unknown gender or age group is ignored (the
    page shows only the choices it offers)."""
    age = request.GET.get("edad", "").strip()
    gender = request.GET.get("genero", "").strip()
    return Filters(
        course_key=request.GET.get("curso", "").strip()[:120],
        gender=gender if gender in dict(api.gender_choices()) else "",
        age_group=age if age in _AGE_KEYS else "",
    )


def _denied(request: HttpRequest, error: api.DashboardAccessDenied) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "reporting/denied.html", {"message": str(error)}, status=403)


def _load(request: HttpRequest, schema: str | None) -> Dashboard:
    """Check access and build; ``schema`` None means the city."""
    filters = _filters(request)
    if schema is None:
        api.access_city_dashboard_for_person(request.user)
        return api.build_city_dashboard(filters=filters)
    api.access_locality_dashboard_for_person(request.user, schema)
    return api.build_locality_dashboard(schema, filters=filters)


def _scope(request: HttpRequest, schema_name: str | None) -> str | None:
    here = tenants_api.current_schema()
    if schema_name:
        return schema_name
    return None if here == settings.CITY_CAMPUS_SCHEMA else here


def _drawn(draw: Callable[..., str], data: Any, title: str, **kwargs: Any):
    """A chart drawn on first use in the template (None when there is no data)."""

    @functools.cache
    def chart() -> str | None:
        return draw(data, title=title, **kwargs) if data else None

    return chart


def _locality_path() -> str:
    """The start of a locality's dashboard address, to which the page adds each
    schema name (a slug, so nothing to quote) and a slash: the city page links
    every locality in up to four tables, and one ``reverse`` per link was a
    sixth of its template's time."""
    return reverse("reporting:locality", args=["x"]).removesuffix("x/")


def dashboard(request: HttpRequest, schema_name: str | None = None) -> HttpResponse:
    schema = _scope(request, schema_name)
    try:
        board = _load(request, schema)
    except api.DashboardAccessDenied as error:
        return _denied(request, error)
    localities = tenants_api.list_localities(include_campus=False)
    codes = {loc.schema_name: loc.code for loc in localities}
    at_campus = tenants_api.current_schema() == settings.CITY_CAMPUS_SCHEMA
    language = translation.get_language()
    # The figures and charts part of the page is cached per build (template
    # fragment); the charts are drawn only when that fragment is rendered.
    context = {
        "board": board,
        "board_version": "|".join(
            map(
                str,
                (board.scope, board.filters, board.built_at, at_campus, language),
            )
        ),
        "is_city": schema is None,
        "at_campus": at_campus,
        "query": request.GET.urlencode(),
        "age_bands": api.AGE_BANDS,
        "genders": api.gender_choices(),
        "min_cell": api.MIN_CELL,
        "suppressed": exports.SUPPRESSED,
        "funnel_svg": _drawn(
            charts.funnel, board.figures, _("Embudo de participación")
        ),
        "line_svg": _drawn(
            charts.line,
            board.weeks,
            _("Personas inscritas y formadas por semana (acumulado)"),
            target=board.target.people if board.target else None,
        ),
        "locality_svg": _drawn(
            charts.bars, board.localities, _("Personas formadas por localidad")
        ),
        "map_svg": _drawn(
            charts.tile_map,
            [r for r in board.localities if codes.get(r.key) in charts.TILES],
            _("Avance de cada localidad hacia su meta"),
            codes=codes,
        ),
        "course_svg": _drawn(
            charts.bars, board.courses, _("Personas formadas por curso")
        ),
        "civic_svg": _drawn(
            charts.civic_funnel,
            board.civic,
            _("Del certificado al rol"),
            trained=board.figures.completed,
            suppressed=exports.SUPPRESSED,
        ),
        "funnel_stages": charts.FUNNEL_STAGES,
        "can_edit_targets": schema is None
        and request.user.has_perm("reporting.change_targets"),
        "localities": localities,
        "locality_path": _locality_path(),
        "recount": api.last_recount(),
        # Citizen monitoring (workshops' barrios, the monitoring funnel): two
        # small public tables, read per view, outside the cached fragment.
        "monitoring": api.build_monitoring_panels(schema or "", localities),
    }
    return render(request, "reporting/dashboard.html", context)


def export(
    request: HttpRequest, fmt: str, schema_name: str | None = None
) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Formato desconocido: use .csv o .xlsx."))
    schema = _scope(request, schema_name)
    try:
        board = _load(request, schema)
    except api.DashboardAccessDenied as error:
        return _denied(request, error)
    name = f"tablero-{slugify(board.scope_name)}-{board.today:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(board),
            content_type="application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            exports.to_csv(board), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
def save_target(request: HttpRequest) -> HttpResponse:
    try:
        api.access_city_dashboard_for_person(request.user)
    except api.DashboardAccessDenied as error:
        return _denied(request, error)
    if not request.user.has_perm("reporting.change_targets"):
        return _denied(
            request,
            api.DashboardAccessDenied(
                _("Su cuenta puede ver el tablero pero no cambiar las metas.")
            ),
        )
    raw_date = request.POST.get("fecha", "").strip()
    try:
        target_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        messages.error(
            request, _("La fecha meta no es válida; use el formato AAAA-MM-DD.")
        )
        return redirect("reporting:dashboard")
    schema = request.POST.get("localidad", "").strip()
    try:
        api.set_target(
            schema, people=request.POST.get("personas"), target_date=target_date
        )
    except api.TargetError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Meta guardada."))
    return redirect("reporting:dashboard")
