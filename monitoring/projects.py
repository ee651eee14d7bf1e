"""The project registry of the active locality: create, read, list, filter.

Reached only through ``monitoring.api``. Every function acts on the active
schema; the locality's UPZ and barrio lists come from the schema's locality, so
a code of another locality is refused, never stored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import validation
from .data import (
    FigureSource,
    InvestmentLine,
    ProjectData,
    ProjectPage,
    ProjectStatus,
    ReportStatus,
    TimelineEntry,
)
from .models import CitizenReport, InvestmentProject
from .reference import LocalityPlaces, NotALocality, places_of


class ProjectError(ValueError):
    """A project cannot be saved; ``errors`` maps field → Spanish message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def locality_places() -> LocalityPlaces:
    """The active locality's UPZ and barrios, or ``ProjectError`` on the campus."""
    try:
        return places_of(tenants_api.current_schema())
    except (NotALocality, tenants_api.LocalityNotFound) as exc:
        raise ProjectError(
            {
                "__all__": _(
                    "Los proyectos de inversión son de una localidad: regístrelos "
                    "en el sitio de la localidad, no en el campus."
                )
            }
        ) from exc


def serves_projects() -> bool:
    """Whether the active schema is a locality (the campus has no projects)."""
    try:
        places_of(tenants_api.current_schema())
    except (NotALocality, tenants_api.LocalityNotFound):
        return False
    return True


def check_place(
    upz_code: Any, barrio_code: Any, places: LocalityPlaces
) -> tuple[str, str]:
    """Clean UPZ and barrio together (the barrio must lie in the UPZ)."""
    errors: dict[str, str] = {}
    upz = ""
    try:
        upz = validation.clean_upz(upz_code, places)
    except ValidationError as exc:
        errors["upz_code"] = exc.messages[0]
    barrio = ""
    if str(barrio_code or "").strip():
        try:
            barrio = validation.clean_barrio(barrio_code, upz, places)
        except ValidationError as exc:
            errors["barrio_code"] = exc.messages[0]
    if errors:
        raise ProjectError(errors)
    return upz, barrio


@transaction.atomic
def create_project(
    code: str,
    name: str,
    *,
    line: InvestmentLine | str,
    spending_concept: str,
    budget: Decimal | str | int,
    upz_code: str,
    barrio_code: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    status: ProjectStatus | str = ProjectStatus.PLANNED,
    progress: Decimal | str | int | None = None,
    progress_as_of: date | None = None,
    secop_contract_id: str = "",
    secop_url: str = "",
    ocid: str = "",
    gab_proposal: str = "",
    decidim_result_id: str = "",
) -> ProjectData:
    """Register a project in the active locality.

    Raises ``ProjectError`` (Spanish messages per field) for an unknown line or
    status, a UPZ or barrio of another locality, money or progress that cannot
    be read, or a code the locality already uses.
    """
    fields = clean_fields(
        {
            "code": code,
            "name": name,
            "line": line,
            "spending_concept": spending_concept,
            "budget": budget,
            "upz_code": upz_code,
            "barrio_code": barrio_code,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "status": status,
            "progress": progress,
            "progress_as_of": progress_as_of,
            "secop_contract_id": secop_contract_id,
            "secop_url": secop_url,
            "ocid": ocid,
            "gab_proposal": gab_proposal,
            "decidim_result_id": decidim_result_id,
        },
        locality_places(),
    )
    if InvestmentProject.objects.filter(code=fields["code"]).exists():
        raise ProjectError({"code": duplicate_code_message(fields["code"])})
    try:
        with transaction.atomic():
            project = InvestmentProject.objects.create(**fields)
    except IntegrityError as exc:  # created meanwhile by someone else
        raise ProjectError({"code": duplicate_code_message(fields["code"])}) from exc
    return to_data(project)


def duplicate_code_message(code: str) -> str:
    return _(
        "Ya hay un proyecto con el código %(code)s en esta localidad. Cada proyecto "
        "tiene su propio código: corríjalo, o edite el proyecto existente."
    ) % {"code": code}


def clean_fields(values: dict[str, Any], places: LocalityPlaces) -> dict[str, Any]:
    """Validate a project's fields; ``ProjectError`` lists every problem at once."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}

    def run(name: str, check) -> None:
        try:
            fields[name] = check()
        except ValidationError as exc:
            errors[name] = exc.messages[0]

    run("code", lambda: _required(values.get("code"), _("El código"), 40))
    run("name", lambda: _required(values.get("name"), _("El nombre"), 255))
    run("line", lambda: validation.clean_line(values.get("line")).value)
    run(
        "spending_concept",
        lambda: _required(
            values.get("spending_concept"), _("El concepto de gasto"), 255
        ),
    )
    run("budget", lambda: validation.parse_cop(values.get("budget")))
    run(
        "status", lambda: validation.clean_status(values.get("status") or "por_iniciar")
    )
    progress = values.get("progress")
    if progress not in (None, ""):
        run("progress", lambda: validation.parse_percent(progress))
        fields["progress_source"] = FigureSource.LOCAL_OFFICE.value
    for name, what in (
        ("starts_on", _("La fecha de inicio")),
        ("ends_on", _("La fecha de terminación")),
        ("progress_as_of", _("La fecha del avance")),
    ):
        raw = values.get(name)
        if raw not in (None, ""):
            run(name, lambda raw=raw, what=what: validation.parse_date(raw, what=what))
    for name, size in (
        ("secop_contract_id", 40),
        ("secop_url", 200),
        ("ocid", 80),
        ("gab_proposal", 60),
        ("decidim_result_id", 40),
    ):
        fields[name] = str(values.get(name) or "").strip()[:size]
    if fields.get("secop_url") and not fields["secop_url"].startswith("https://"):
        errors["secop_url"] = _(
            "El enlace a SECOP II debe empezar por https:// (cópielo de la barra "
            "de direcciones del proceso)."
        )
    try:
        fields["upz_code"], fields["barrio_code"] = check_place(
            values.get("upz_code"), values.get("barrio_code"), places
        )
    except ProjectError as exc:
        errors.update(exc.errors)
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = _(
            "La fecha de terminación es anterior a la de inicio: revise las dos."
        )
    if errors:
        raise ProjectError(errors)
    return fields


def _required(value: Any, what: str, size: int) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationError(_("%(what)s es obligatorio.") % {"what": what})
    if len(text) > size:
        raise ValidationError(
            _("%(what)s es muy largo: máximo %(size)d caracteres.")
            % {"what": what, "size": size}
        )
    return text


def get_project(code: str) -> ProjectData | None:
    """One project of the active locality by its code, or None."""
    project = with_observation(InvestmentProject.objects.filter(code=code)).first()
    return to_data(project) if project else None


def with_observation(queryset: QuerySet) -> QuerySet:
    """Each project with its latest published citizen observation, in the same
    query (drafts and returned reports never count)."""
    latest = CitizenReport.objects.filter(
        project=OuterRef("pk"), status=ReportStatus.PUBLISHED
    ).order_by("-submitted_at")
    return queryset.annotate(
        observed_progress=Subquery(latest.values("observed_progress")[:1]),
        observed_at=Subquery(latest.values("submitted_at")[:1]),
    )


def list_projects(
    *,
    line: InvestmentLine | str | None = None,
    status: ProjectStatus | str | None = None,
) -> ProjectPage:
    """Projects of the active locality, filtered by line and status (one query).

    Unknown filter values are ignored (a stale link still shows every project).
    """
    line_value = _member(InvestmentLine, line)
    status_value = _member(ProjectStatus, status)
    queryset: QuerySet[InvestmentProject] = with_observation(
        InvestmentProject.objects.all()
    )
    if line_value:
        queryset = queryset.filter(line=line_value)
    if status_value:
        queryset = queryset.filter(status=status_value)
    # The lines in their official order (1 to 5), then by code.
    order = {line: n for n, line in enumerate(InvestmentLine)}
    projects = sorted(
        (to_data(p) for p in queryset), key=lambda p: (order[p.line], p.code)
    )
    return ProjectPage(
        projects=projects, total=len(projects), line=line_value, status=status_value
    )


def _member(enum, value):
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def to_data(project: InvestmentProject) -> ProjectData:
    try:
        places = places_of(tenants_api.current_schema())
        upz = places.upz.get(project.upz_code)
        barrio = places.barrios.get(project.barrio_code)
    except (NotALocality, tenants_api.LocalityNotFound):
        upz = barrio = None
    return ProjectData(
        project_id=project.pk,
        code=project.code,
        name=project.name,
        line=InvestmentLine(project.line),
        spending_concept=project.spending_concept,
        budget=project.budget,
        upz_code=project.upz_code,
        upz_name=upz.name if upz else "",
        barrio_code=project.barrio_code,
        barrio_name=barrio.name if barrio else "",
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        status=ProjectStatus(project.status),
        status_label=project.status_label,
        progress=project.progress,
        progress_source=FigureSource(project.progress_source),
        progress_as_of=project.progress_as_of,
        secop_contract_id=project.secop_contract_id,
        secop_url=project.secop_url,
        contract_value=project.contract_value,
        contract_status=project.contract_status,
        ocid=project.ocid,
        gab_proposal=project.gab_proposal,
        decidim_result_id=project.decidim_result_id,
        timeline=tuple(
            TimelineEntry(
                entry_date=date.fromisoformat(e["date"]) if e.get("date") else None,
                title=e.get("title", ""),
                description=e.get("description", ""),
            )
            for e in project.official_timeline or []
        ),
        observed_progress=getattr(project, "observed_progress", None),
        observed_at=getattr(project, "observed_at", None),
    )
