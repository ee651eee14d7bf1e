"""Reading a participants file: CSV (UTF-8, Windows-1252 or Latin-1) or XLSX.

Gives the header and the non-empty rows with their line numbers (1 is the
header), as text. A file that cannot be read at all raises ``FileProblem`` with
a message that says how to fix it; nothing is imported then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

Rows = Iterator[tuple[int, list[str]]]


class FileProblem(Exception):
    """The whole file is refused (translated message); nothing is imported."""


def read_table(content: bytes, filename: str) -> tuple[list[str], Rows]:
    """The header and the rows of a CSV or XLSX file."""
    if not content or not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(
            _(
                "El archivo está vacío. Suba un CSV o XLSX con una fila de "
                "encabezados y una fila por participante."
            )
        )
    lower = filename.lower()
    if lower.endswith(".xls"):
        raise FileProblem(
            _(
                "Los archivos .xls (Excel 97-2003) no se pueden leer. En Excel use "
                "«Guardar como» → «Libro de Excel (.xlsx)» o «CSV UTF-8» y súbalo "
                "de nuevo."
            )
        )
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if not lower.endswith((".csv", ".txt")):
        raise FileProblem(
            _(
                "El archivo «%(filename)s» no es CSV ni XLSX. Guárdelo en uno de esos "
                "formatos y súbalo de nuevo."
            )
            % {"filename": filename}
        )
    return _read_csv(content)


def _read_csv(content: bytes) -> tuple[list[str], Rows]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Spanish saves "CSV" as Windows-1252 (Latin-1 plus a few signs).
        text = (
            content.decode("cp1252", errors="strict")
            if _is_cp1252(content)
            else content.decode("latin-1")
        )
    if "\x00" in text:
        raise FileProblem(
            _(
                "El archivo tiene caracteres nulos: parece UTF-16 o un archivo "
                "binario. Guárdelo como «CSV UTF-8» y súbalo de nuevo."
            )
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise FileProblem(_("No se pudo leer la fila de encabezados del CSV.")) from exc

    def rows() -> Rows:
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                if any(c.strip() for c in cells):
                    yield line, [c.strip() for c in cells]
        except csv.Error as exc:
            raise FileProblem(
                _(
                    "El CSV está mal formado cerca de la línea %(line)s (%(error)s). "
                    "Revise comillas sin cerrar."
                )
                % {"line": line + 1, "error": exc}
            ) from exc

    return header, rows()


def _is_cp1252(content: bytes) -> bool:
    try:
        content.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(content: bytes) -> tuple[list[str], Rows]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FileProblem(
            _(
                "El archivo XLSX está dañado o no es un libro de Excel. Ábralo en "
                "Excel o LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
            )
        ) from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(iterator)]
    except StopIteration as exc:
        raise FileProblem(
            _(
                "La primera hoja del XLSX está vacía. Ponga los encabezados en la fila 1."
            )
        ) from exc
    while header and not header[-1]:
        header.pop()

    def rows() -> Rows:
        for line, values in enumerate(iterator, start=2):
            cells = [_cell_text(v) for v in values]
            while len(cells) > len(header) and not cells[-1]:
                cells.pop()
            if any(cells):
                yield line, cells
        book.close()

    return header, rows()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
