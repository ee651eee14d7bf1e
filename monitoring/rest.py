"""Read-only REST API of a locality's monitoring open data (django-ninja),
mounted at /api/seguimiento/. Public: no sign-in, like the /seguimiento/ pages,
and scoped to the locality of the host (the campus answers 404). The rows and
their keys are those of the CSV and JSON downloads (``monitoring.open_data``).
OpenAPI: /api/seguimiento/openapi.json, docs at /api/seguimiento/docs.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from . import api
from .open_data_views import photo_url_for

rest_api = NinjaAPI(
    title=gettext_lazy("Escuela de Participación · seguimiento ciudadano"),
    version="1.0.0",
    description=gettext_lazy(
        "Proyectos de inversión de la localidad con su avance oficial y el "
        "observado, y los reportes ciudadanos publicados. Solo lectura."
    ),
    urls_namespace="monitoring_api",
)


class ProjectOut(Schema):
    codigo: str
    nombre: str
    linea: str
    linea_nombre: str
    concepto_gasto: str
    presupuesto: str
    upz: str
    upz_nombre: str
    barrio: str
    barrio_nombre: str
    fecha_inicio: str | None
    fecha_fin: str | None
    estado: str
    avance_oficial: str | None
    fuente_avance: str
    fecha_avance: str | None
    avance_observado: str | None
    fecha_observacion: str | None
    diferencia: str | None
    brecha: bool
    contrato_secop: str
    url_secop: str
    ocid: str
    propuesta_gab: str
    resultado_decidim: str


class ReportOut(Schema):
    reporte: str
    proyecto: str
    proyecto_nombre: str
    avance_observado: str
    veredicto: str
    observaciones: str
    fecha_envio: str
    fecha_publicacion: str | None
    fotos: list[str]


class Message(Schema):
    detail: str


# What an operation may answer besides success, each with a Spanish "detail";
# declared so clients, and the schema fuzzing, know them.
ERRORS = {400: Message, 404: Message}


class Page(LimitOffsetPagination):
    """``limit`` (1 to 500, 100 by default) and ``offset``; answers ``items``
    and ``count``."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0)


@rest_api.exception_handler(ValidationError)
def _invalid_query(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Only the paging numbers can be invalid (the filters are free text).
    return rest_api.create_response(
        request,
        {
            "detail": gettext(
                "«limit» es un número entero de 1 a 500 y «offset» un número "
                "entero desde 0."
            )
        },
        status=400,
    )


def _require_locality() -> None:
    if not api.serves_projects():
        raise HttpError(
            404,
            gettext("El seguimiento de proyectos está en el sitio de cada localidad."),
        )


@rest_api.get("/proyectos", response={200: list[ProjectOut], **ERRORS})
@paginate(Page)
def list_projects(
    request: HttpRequest, linea: str | None = None, estado: str | None = None
):
    """The locality's projects, official and observed progress side by side
    (filters as on the public page; unknown values are ignored)."""
    _require_locality()
    return api.project_rows(line=linea, status=estado)


@rest_api.get("/proyectos/{codigo}", response={200: ProjectOut, **ERRORS})
def project(request: HttpRequest, codigo: str):
    """One project by its code in this locality."""
    _require_locality()
    project = api.get_project(codigo)
    if project is None:
        raise HttpError(
            404, gettext("Esta localidad no tiene un proyecto con ese código.")
        )
    return api.project_row(project)


@rest_api.get("/reportes", response={200: list[ReportOut], **ERRORS})
@paginate(Page)
def list_reports(request: HttpRequest, proyecto: str | None = None):
    """Published citizen reports, newest first (the reviewer's redacted text;
    never drafts, returned reports or who wrote them)."""
    _require_locality()
    return api.published_report_rows(photo_url_for(request), project_code=proyecto)
