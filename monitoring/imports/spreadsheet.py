"""Import projects from a CSV (UTF-8 or Windows-1252) or XLSX file.

The file is read whole and every row checked before anything is written; valid
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
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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


class FileProblem(Exception):
    """The whole file is refused (Spanish message); nothing is imported."""


@dataclass
class _Analysis:
    header: list[str] = field(default_factory=list)
    valid: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(default_factory=dict)
    file_error: str | None = None

    def reject(self, line: int, cells: list[Any], column: str, message: str) -> None:
        self.errors.append(RowError(line=line, column=column, message=message))
        self.rejected.setdefault(line, [_text(c) for c in cells])


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
    if not content or not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(
            _(
                "El archivo está vacío. Suba un CSV o XLSX con una fila de "
                "encabezados y una fila por proyecto."
            )
        )
    lower = filename.lower()
    if lower.endswith(".xls"):
        raise FileProblem(
            _(
                "Los archivos .xls (Excel 97-2003) no se pueden leer. En Excel use "
                "«Guardar como» → «Libro de Excel (.xlsx)» o «CSV UTF-8»."
            )
        )
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if not lower.endswith((".csv", ".txt")):
        raise FileProblem(
            _(
                "El archivo «%(name)s» no es CSV ni XLSX. Guárdelo en uno de esos "
                "formatos y súbalo de nuevo."
            )
            % {"name": filename}
        )
    return _read_csv(content)


def _read_csv(content: bytes) -> tuple[list[str], Iterator]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Spanish saves "CSV" as Windows-1252.
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileProblem(
            _(
                "El archivo tiene caracteres nulos: parece UTF-16 o binario. "
                "Guárdelo como «CSV UTF-8» y súbalo de nuevo."
            )
        )
    first_line = text.split("\n", 1)[0]
    # Colombian Excel separates with ";" because the comma is the decimal mark.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num, [c.strip() for c in cells]
        except csv.Error as exc:
            raise FileProblem(
                _(
                    "El CSV está mal formado cerca de la línea %(line)d "
                    "(%(error)s). Revise comillas sin cerrar."
                )
                % {"line": reader.line_num + 1, "error": exc}
            ) from exc

    return header, _materialised(rows())


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator]:
    from openpyxl import load_workbook  # only spreadsheets need it

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FileProblem(
            _(
                "El archivo XLSX está dañado o no es un libro de Excel. Ábralo en "
                "Excel o LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
            )
        ) from exc
    try:
        iterator = book.worksheets[0].iter_rows(values_only=True)
        header = [_text(v) for v in next(iterator, ())]
        while header and not header[-1]:
            header.pop()
        # Numbers and dates stay as Excel typed them: 1234567.5 in a cell is
        # a number, not Colombian text where the point separates thousands.
        rows = [
            (line, list(values))
            for line, values in enumerate(iterator, start=2)
            if any(_text(v) for v in values)
        ]
    finally:
        book.close()
    return header, iter(rows)


def _materialised(rows: Iterator) -> Iterator:
    # Read the whole file now, so a malformed line is a file error before any check.
    return iter(list(rows))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
