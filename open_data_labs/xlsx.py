"""Reading the first sheet of an XLSX file, after checking the zip it is.

An XLSX is a zip of XML parts: sizes and compression ratios are checked before
openpyxl opens it (zip bombs), and openpyxl reads it in read-only mode with
defusedxml. Cells become text as a person reads them (dates as ISO dates), and
typing happens later in DuckDB like for every other file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .file_errors import DataFileRefused, megabytes
from .limits import int_limit

__all__ = ["read_xlsx"]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DataFileRefused(
            _(
                "El XLSX está dañado (no es un archivo zip válido). Ábralo en Excel o "
                "LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
            )
        ) from exc
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    ratio_limit = int_limit("OPEN_DATA_MAX_XLSX_RATIO")
    if total > int_limit("OPEN_DATA_MAX_XLSX_UNCOMPRESSED") or any(
        info.file_size > ratio_limit * max(info.compress_size, 1)
        and info.file_size > 1024 * 1024
        for info in infos
    ):
        raise DataFileRefused(
            _(
                "El XLSX se descomprime a %(size)s: demasiado para una hoja de datos "
                "(o es un archivo hecho para bloquear el servidor). Guarde solo la "
                "tabla que necesita como CSV y súbala."
            )
            % {"size": megabytes(total)}
        )
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise DataFileRefused(
            _(
                "El archivo es un zip pero no un libro de Excel (.xlsx). Guárdelo desde "
                "Excel o LibreOffice como .xlsx o CSV y súbalo."
            )
        )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    _check_zip(data)

    try:
        # openpyxl parses the sheets with defusedxml (installed), so no entity
        # expansion; the zip sizes were checked above.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            [_cell_text(v) for v in values]
            for values in sheet.iter_rows(values_only=True)
        ]
        book.close()
    except Exception as exc:
        raise DataFileRefused(
            _(
                "El XLSX está dañado o no es un libro de Excel. Ábralo en Excel o "
                "LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
            )
        ) from exc
    rows = [r for r in rows if any(r)]
    if not rows:
        raise DataFileRefused(
            _(
                "La primera hoja del XLSX está vacía. Ponga los encabezados en la fila 1 "
                "y los datos debajo."
            )
        )
    header = rows[0]
    while header and not header[-1]:
        header.pop()
    body = []
    for row in rows[1:]:
        while len(row) > len(header) and not row[-1]:
            row.pop()
        body.append(row)
    return header, body
