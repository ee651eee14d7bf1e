"""Import projects from a CSV (UTF-8 or Windows-1252) or XLSX file.

The formats are read by ``lms.spreadsheets``, as the participants import reads
them. The file is read whole and every row checked before anything is written; valid
rows are then inserted inside one transaction, so an error halfway stores
nothing. Each refused row gets Spanish messages per column and goes to a
rejected-rows CSV that staff correct and upload again. A code already in the
registry, or twice in the file, is refused: the file only adds projects, edits
happen in the admin (so a stale spreadsheet cannot overwrite newer figures).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.spreadsheets import FileProblem, cell_text, read_table

from .. import public_cache
from ..data import ImportPreview, ImportResult, RowError
from ..models import InvestmentProject
from ..projects import (
    ProjectError,
    clean_fields,
    duplicate_code_message,
    locality_places,
)
from ..validation import fold

COLUMNS = {
    # column → field; the first six are required.
    "codigo": "code",
    "nombre": "name",
    "linea": "line",
    "concepto_gasto": "spending_concept",
    "presupuesto": "budget",
    "upz": "upz_code",
    "barrio": "barrio_code",
    "fecha_inicio": "starts_on",
    "fecha_fin": "ends_on",
    "estado": "status",
    "avance": "progress",
    "fecha_avance": "progress_as_of",
    "contrato_secop": "secop_contract_id",
    "url_secop": "secop_url",
    "ocid": "ocid",
    "propuesta_gab": "gab_proposal",
    "resultado_decidim": "decidim_result_id",
}
REQUIRED = list(COLUMNS)[:6]
_FIELD_COLUMN = {f: c for c, f in COLUMNS.items()}
_ALIASES = {
    "codigo_proyecto": "codigo",
    "nombre_proyecto": "nombre",
    "linea_de_inversion": "linea",
    "concepto_de_gasto": "concepto_gasto",
    "presupuesto_cop": "presupuesto",
    "valor": "presupuesto",
    "codigo_upz": "upz",
    "barrio_codigo": "barrio",
    "sector_catastral": "barrio",
    "avance_fisico": "avance",
    "id_contrato": "contrato_secop",
    "urlproceso": "url_secop",
}


@dataclass
class _Analysis:
    header: list[str] = field(default_factory=list)
    valid: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(default_factory=dict)
    file_error: str | None = None

    def reject(self, line: int, cells: list[Any], column: str, message: str) -> None:
        self.errors.append(RowError(line=line, column=column, message=message))
        self.rejected.setdefault(line, [cell_text(c) for c in cells])


def preview_file(content: bytes, *, filename: str) -> ImportPreview:
    """What an import of this file would do, without writing anything."""
    analysis = _analyse(content, filename)
    return ImportPreview(
        columns=analysis.header,
        valid_count=len(analysis.valid),
        errors=analysis.errors,
        rejected_lines=sorted(analysis.rejected),
        file_error=analysis.file_error,
    )


@transaction.atomic
def import_file(content: bytes, *, filename: str) -> ImportResult:
    """Add the file's valid rows to the active locality, all or none of them."""
    analysis = _analyse(content, filename)
    rejected_csv = _rejected_csv(analysis)
    if analysis.file_error or not analysis.valid:
        return ImportResult(
            created=0,
            rejected=len(analysis.rejected),
            errors=analysis.errors,
            file_error=analysis.file_error,
            rejected_csv=rejected_csv,
        )
    try:
        with transaction.atomic():
            InvestmentProject.objects.bulk_create(
                [InvestmentProject(**fields) for fields in analysis.valid]
            )
            # bulk_create sends no signals: the public pages must learn of it.
            public_cache.bump_after_commit()
    except IntegrityError:
        return ImportResult(
            created=0,
            rejected=len(analysis.rejected),
            errors=analysis.errors,
            file_error=_(
                "Mientras se importaba, alguien registró un proyecto con uno de los "
                "códigos del archivo. No se guardó nada: vuelva a importar el archivo."
            ),
            rejected_csv=rejected_csv,
        )
    return ImportResult(
        created=len(analysis.valid),
        rejected=len(analysis.rejected),
        errors=analysis.errors,
        rejected_csv=rejected_csv,
    )


def rejected_rows_csv(content: bytes, *, filename: str) -> bytes:
    """The rows an import of this file would refuse now, as they came, with their
    line and what to correct (after an import, use ``ImportResult.rejected_csv``)."""
    return _rejected_csv(_analyse(content, filename))


def _rejected_csv(analysis: _Analysis) -> bytes:
    messages: dict[int, list[str]] = {}
    for error in analysis.errors:
        messages.setdefault(error.line, []).append(f"{error.column}: {error.message}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*analysis.header, "linea", "errores"])
    for line in sorted(analysis.rejected):
        cells = analysis.rejected[line]
        cells = cells + [""] * (len(analysis.header) - len(cells))
        writer.writerow([*cells, line, " | ".join(messages[line])])
    # BOM: Excel in Spanish opens it with the accents right.
    return out.getvalue().encode("utf-8-sig")


def _analyse(content: bytes, filename: str) -> _Analysis:
    analysis = _Analysis()
    try:
        places = locality_places()
        header, rows = _read(content, filename)
        analysis.header = header
        columns = _map_header(header)
    except ProjectError as exc:
        analysis.file_error = str(exc)
        return analysis
    except FileProblem as exc:
        analysis.file_error = str(exc)
        return analysis
    seen: dict[str, int] = {}
    candidates: list[tuple[int, list[Any], dict[str, Any]]] = []
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        values = {COLUMNS[name]: cells[index] for name, index in columns.items()}
        try:
            fields = clean_fields(values, places)
        except ProjectError as exc:
            for name, message in exc.errors.items():
                analysis.reject(line, cells, _FIELD_COLUMN.get(name, "(fila)"), message)
            continue
        if fields["code"] in seen:
            analysis.reject(
                line,
                cells,
                "codigo",
                _(
                    "Código repetido: el %(code)s ya está en la línea %(line)d. "
                    "Deje una sola fila por proyecto."
                )
                % {"code": fields["code"], "line": seen[fields["code"]]},
            )
            continue
        seen[fields["code"]] = line
        candidates.append((line, cells, fields))
    if not seen and not analysis.errors:
        analysis.file_error = _(
            "El archivo solo tiene la fila de encabezados: agregue una fila por "
            "proyecto debajo de ella."
        )
        return analysis
    existing = set(
        InvestmentProject.objects.filter(code__in=list(seen)).values_list(
            "code", flat=True
        )
    )
    for line, cells, fields in candidates:
        if fields["code"] in existing:
            analysis.reject(
                line, cells, "codigo", duplicate_code_message(fields["code"])
            )
        else:
            analysis.valid.append(fields)
    return analysis


def _map_header(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        name = fold(raw).replace(" ", "_")
        name = _ALIASES.get(name, name)
        if name in columns:
            raise FileProblem(
                _(
                    "La columna «%(column)s» aparece dos veces. Deje una sola y "
                    "vuelva a subir el archivo."
                )
                % {"column": raw}
            )
        if name in COLUMNS:
            columns[name] = index
        elif name:
            unknown.append(raw)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileProblem(
            _(
                "Faltan columnas: %(missing)s. La primera fila debe tener los "
                "encabezados %(required)s (obligatorios) y, si quiere, %(optional)s."
            )
            % {
                "missing": ", ".join(missing),
                "required": ", ".join(REQUIRED),
                "optional": ", ".join(c for c in COLUMNS if c not in REQUIRED),
            }
        )
    if unknown:
        raise FileProblem(
            _(
                "Columnas que no se reconocen: %(unknown)s. Quítelas o renómbrelas; "
                "las columnas posibles son: %(columns)s."
            )
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    return columns


def _read(content: bytes, filename: str) -> tuple[list[str], Iterator]:
    header, rows = read_table(
        content,
        filename,
        empty_message=_(
            "El archivo está vacío. Suba un CSV o XLSX con una fila de "
            "encabezados y una fila por proyecto."
        ),
    )
    # Read the whole file now, so a malformed line is a file error before any
    # check. Numbers and dates of an XLSX stay as Excel typed them: 1234567.5 in
    # a cell is a number, not Colombian text where the point separates thousands.
    return header, iter(list(rows))
