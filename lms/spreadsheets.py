"""Reading an uploaded table: CSV (UTF-8, Windows-1252 or Latin-1) or XLSX.

Staff upload the same kinds of file to import participants (``lms.accounts``)
and investment projects (``monitoring``): what each format allows, and the
messages that say how to fix a file, are the same for both, so they are read
here. It imports nothing of the project (a leaf of the import-linter layers).

``read_table`` gives the header, as text, and the non-empty rows with their line
numbers (1 is the header). CSV cells are text; XLSX cells come as Excel typed
them (numbers, dates), and ``cell_text`` writes one as text. A file that cannot
be read at all raises ``FileProblem`` with a translated message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

Rows = Iterator[tuple[int, list[Any]]]


class FileProblem(Exception):
    """The whole file is refused (translated message); nothing is imported."""


def read_table(
    content: bytes, filename: str, *, empty_message: str
) -> tuple[list[str], Rows]:
    """The header and the rows of a CSV or XLSX file; ``empty_message`` says
    what an empty file should have held."""
    if not content or not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(empty_message)
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


def cell_text(value: Any) -> str:
    """A cell as text: dates in ISO form, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
    # Colombian Excel separates with ";" because the comma is the decimal mark.
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
        try:
            header = [cell_text(v) for v in next(iterator)]
        except StopIteration as exc:
            raise FileProblem(
                _(
                    "La primera hoja del XLSX está vacía. Ponga los encabezados en "
                    "la fila 1."
                )
            ) from exc
        while header and not header[-1]:
            header.pop()
        rows = []
        for line, values in enumerate(iterator, start=2):
            cells = list(values)
            # Excel reports the cells it once formatted: empty ones past the
            # header are not values of the row.
            while len(cells) > len(header) and not cell_text(cells[-1]):
                cells.pop()
            if any(cell_text(v) for v in cells):
                rows.append((line, cells))
    finally:
        # A read-only workbook keeps the file open until closed: read it whole.
        book.close()
    return header, iter(rows)
