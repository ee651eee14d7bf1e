"""Open data of the active locality: its projects and its published reports as
plain rows, the same keys for CSV columns, JSON downloads and the REST API.

Only what is already public on ``/seguimiento/`` goes out: official figures, the
latest published observation and the gap flag; published reports with the
reviewer's redacted text. Never drafts, returned reports, authors, reviewers,
the author's own text or a photo's place (personal data stays in the platform).
Values are strings (decimals with a dot, dates in ISO 8601), or None when
unknown; ``brecha`` is a boolean and ``fotos`` a list of addresses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .data import ProjectData, ReportData, ReportStatus, Verdict
from .models import CitizenReport, ReportPhoto
from .projects import list_projects
from .review import comparison

PROJECT_COLUMNS = (
    "codigo",
    "nombre",
    "linea",
    "linea_nombre",
    "concepto_gasto",
    "presupuesto",
    "upz",
    "upz_nombre",
    "barrio",
    "barrio_nombre",
    "fecha_inicio",
    "fecha_fin",
    "estado",
    "avance_oficial",
    "fuente_avance",
    "fecha_avance",
    "avance_observado",
    "fecha_observacion",
    "diferencia",
    "brecha",
    "contrato_secop",
    "url_secop",
    "ocid",
    "propuesta_gab",
    "resultado_decidim",
)

REPORT_COLUMNS = (
    "reporte",
    "proyecto",
    "proyecto_nombre",
    "avance_observado",
    "veredicto",
    "observaciones",
    "fecha_envio",
    "fecha_publicacion",
    "fotos",
)

# Builds a photo's public address from its uuid (the views know the host).
PhotoUrl = Callable[[str], str]


def _text(value: Decimal | date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def project_row(project: ProjectData) -> dict[str, Any]:
    gap = comparison(project.progress, project.observed_progress, project.observed_at)
    return {
        "codigo": project.code,
        "nombre": project.name,
        "linea": project.line.value,
        "linea_nombre": str(project.line.label),
        "concepto_gasto": project.spending_concept,
        "presupuesto": _text(project.budget),
        "upz": project.upz_code,
        "upz_nombre": project.upz_name,
        "barrio": project.barrio_code,
        "barrio_nombre": project.barrio_name,
        "fecha_inicio": _text(project.starts_on),
        "fecha_fin": _text(project.ends_on),
        "estado": project.status.value,
        "avance_oficial": _text(project.progress),
        "fuente_avance": project.progress_source.value,
        "fecha_avance": _text(project.progress_as_of),
        "avance_observado": _text(project.observed_progress),
        "fecha_observacion": _text(project.observed_at),
        "diferencia": _text(gap.difference),
        "brecha": gap.is_gap,
        "contrato_secop": project.secop_contract_id,
        "url_secop": project.secop_url,
        "ocid": project.ocid,
        "propuesta_gab": project.gab_proposal,
        "resultado_decidim": project.decidim_result_id,
    }


def project_rows(*, line: str | None = None, status: str | None = None) -> list[dict]:
    """Every project of the locality (filters as on the public page)."""
    page = list_projects(line=line, status=status)
    return [project_row(project) for project in page.projects]


def report_row(report: ReportData, photo_url: PhotoUrl) -> dict[str, Any]:
    return {
        "reporte": report.report_uuid,
        "proyecto": report.project_code,
        "proyecto_nombre": report.project_name,
        "avance_observado": _text(report.observed_progress),
        "veredicto": report.verdict.value,
        "observaciones": report.public_observations,
        "fecha_envio": _text(report.submitted_at),
        "fecha_publicacion": _text(report.reviewed_at),
        "fotos": [photo_url(photo.photo_uuid) for photo in report.photos],
    }


def published_report_rows(
    photo_url: PhotoUrl, *, project_code: str | None = None
) -> list[dict]:
    """The locality's published reports, newest first (two queries, plain values:
    a locality's thousands of reports are read without building a model each)."""
    rows = CitizenReport.objects.filter(status=ReportStatus.PUBLISHED).order_by(
        "-submitted_at", "pk"
    )
    if project_code:
        rows = rows.filter(project__code=project_code)
    reports = list(
        rows.values(
            "pk",
            "uuid",
            "project__code",
            "project__name",
            "observed_progress",
            "verdict",
            "public_observations",
            "submitted_at",
            "reviewed_at",
        )
    )
    photos: dict[int, list[str]] = {}
    for report_id, photo_uuid in (
        ReportPhoto.objects.filter(report__in=rows)
        .order_by("report_id", "position", "pk")
        .values_list("report_id", "uuid")
    ):
        photos.setdefault(report_id, []).append(photo_url(str(photo_uuid)))
    return [
        {
            "reporte": str(row["uuid"]),
            "proyecto": row["project__code"],
            "proyecto_nombre": row["project__name"],
            "avance_observado": _text(Decimal(row["observed_progress"])),
            "veredicto": Verdict(row["verdict"]).value,
            "observaciones": row["public_observations"],
            "fecha_envio": _text(row["submitted_at"]),
            "fecha_publicacion": _text(row["reviewed_at"]),
            "fotos": photos.get(row["pk"], []),
        }
        for row in reports
    ]


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


def as_csv(rows: Iterable[dict], columns: tuple[str, ...]) -> str:
    """UTF-8 CSV, comma separated, header first; lists are space separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row[column]) for column in columns])
    return out.getvalue()
