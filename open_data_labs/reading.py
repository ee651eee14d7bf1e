"""Reading Colombian files: CSV (any delimiter, UTF-8 or Windows-1252), XLSX, Parquet.

Every check runs before anything is stored. A CSV or a sheet becomes a clean
UTF-8 CSV of text cells (comma-delimited, every cell quoted) in a temporary
folder; typing happens afterwards in DuckDB (``typing_rules``), so codes such as
"01" or "11001" are never turned into numbers by a reader that guesses. Each
refusal is a ``DataFileRefused`` with a Spanish message that says what is wrong
and how to fix it.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .limits import int_limit

__all__ = [
    "DataFileRefused",
    "RawTable",
    "check_upload_size",
    "read_file",
    "write_clean_csv",
]

_DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {";": "punto y coma", ",": "coma", "\t": "tabulador", "|": "barra"}


class DataFileRefused(ValueError):
    """The file cannot become a snapshot; the message says why and what to do."""


@dataclass
class RawTable:
    """A file made readable: a UTF-8 CSV of text, or a Parquet file as uploaded.

    ``decimal_hint`` is "," when the file looks Colombian (";" delimiter, or
    decimal commas) and "." otherwise; typing uses it only for values such as
    "1.234" that read either way.
    """

    path: Path
    kind: str  # "csv" or "parquet"
    columns: list[str] = field(default_factory=list)
    decimal_hint: str = "."
    notes: list[str] = field(default_factory=list)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_upload_size(size: int) -> None:
    """Refuse a file bigger than ``OPEN_DATA_MAX_UPLOAD_BYTES`` before reading it."""
    maximum = int_limit("OPEN_DATA_MAX_UPLOAD_BYTES")
    if size > maximum:
        raise DataFileRefused(
            f"El archivo pesa {_mb(size)} y el máximo es {_mb(maximum)}. Quite "
            "columnas o filas que no necesite, o guárdelo como Parquet (ocupa mucho "
            "menos), y súbalo de nuevo."
        )


def read_file(data: bytes, *, filename: str, folder: Path) -> RawTable:
    """Check a CSV, XLSX or Parquet file and write its readable form in ``folder``."""
    check_upload_size(len(data))
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataFileRefused(
            "El archivo está vacío. Suba un CSV, XLSX o Parquet con una fila de "
            "encabezados y al menos una fila de datos."
        )
    lower = filename.lower()
    if data[:4] == b"PAR1" or lower.endswith(".parquet"):
        return _read_parquet(data, folder)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        raise DataFileRefused(
            "Los archivos .xls (Excel 97-2003) no se pueden leer. En Excel use "
            "«Guardar como» → «Libro de Excel (.xlsx)» o «CSV UTF-8» y súbalo de nuevo."
        )
    if data[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        header, rows = _read_xlsx(data)
        return write_clean_csv(header, rows, folder, decimal_hint=".")
    if not lower.endswith((".csv", ".txt", ".tsv")):
        raise DataFileRefused(
            f"«{filename}» no es CSV, XLSX ni Parquet. Guárdelo en uno de esos "
            "formatos y súbalo de nuevo."
        )
    text, notes = _decode(data)
    header, rows, delimiter = _parse_csv(text)
    head = list(itertools.islice(rows, 200))
    hint = "," if delimiter == ";" or _has_decimal_commas(head) else "."
    table = write_clean_csv(
        header, itertools.chain(head, rows), folder, decimal_hint=hint
    )
    table.notes[:0] = [*notes, f"Separador detectado: {_DELIMITER_NAMES[delimiter]}."]
    return table


# --- CSV ---------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:200].count(b"\x00") > 10:
        raise DataFileRefused(
            "El archivo parece UTF-16 (caracteres nulos entre letras). En Excel use "
            "«Guardar como» → «CSV UTF-8 (delimitado por comas)» y súbalo de nuevo."
        )
    try:
        return data.decode("utf-8-sig"), ["Codificación: UTF-8."]
    except UnicodeDecodeError:
        pass
    # Excel in Spanish saves "CSV" as Windows-1252 (Latin-1 plus a few signs).
    try:
        return data.decode("cp1252"), ["Codificación: Windows-1252 (Latin-1)."]
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["Codificación: Latin-1 (ISO-8859-1)."]


def _choose_delimiter(text: str) -> str:
    sample = text[: 64 * 1024].splitlines()[:50]
    best, best_score = ",", (-1, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_csv(text: str) -> tuple[list[str], Iterator[list[str]], str]:
    if "\x00" in text:
        raise DataFileRefused(
            "El archivo tiene caracteres nulos: parece un archivo binario, no un CSV. "
            "Ábralo en una hoja de cálculo y guárdelo como «CSV UTF-8»."
        )
    delimiter = _choose_delimiter(text)
    # strict: an unclosed quote is an error, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DataFileRefused("No se pudo leer la fila de encabezados.") from exc
    if len(header) < 2:
        raise DataFileRefused(
            "Solo se encontró una columna: el separador no es coma, punto y coma, "
            "tabulador ni barra. Guarde el archivo como «CSV UTF-8» o "
            "«CSV (delimitado por punto y coma)» y súbalo de nuevo."
        )

    def rows() -> Iterator[list[str]]:
        try:
            for row in reader:
                if any(c.strip() for c in row):
                    yield row
        except csv.Error as exc:
            raise DataFileRefused(
                f"El CSV está mal formado cerca de la línea {reader.line_num} ({exc}). "
                "Revise comillas sin cerrar o comillas en medio de un valor."
            ) from exc

    return header, rows(), delimiter


_DECIMAL_COMMA = re.compile(r"^\s*\$?\s*-?\d+(\.\d{3})*,\d+\s*%?\s*$")


def _has_decimal_commas(rows: list[list[str]]) -> bool:
    return any(_DECIMAL_COMMA.match(cell) for row in rows[:200] for cell in row)


# --- XLSX --------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DataFileRefused(
            "El XLSX está dañado (no es un archivo zip válido). Ábralo en Excel o "
            "LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
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
            f"El XLSX se descomprime a {_mb(total)}: demasiado para una hoja de datos "
            "(o es un archivo hecho para bloquear el servidor). Guarde solo la tabla "
            "que necesita como CSV y súbala."
        )
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise DataFileRefused(
            "El archivo es un zip pero no un libro de Excel (.xlsx). Guárdelo desde "
            "Excel o LibreOffice como .xlsx o CSV y súbalo."
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


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    _check_zip(data)
    from openpyxl import load_workbook  # only needed for spreadsheets

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
            "El XLSX está dañado o no es un libro de Excel. Ábralo en Excel o "
            "LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
        ) from exc
    rows = [r for r in rows if any(r)]
    if not rows:
        raise DataFileRefused(
            "La primera hoja del XLSX está vacía. Ponga los encabezados en la fila 1 "
            "y los datos debajo."
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


# --- Parquet -----------------------------------------------------------------


def _read_parquet(data: bytes, folder: Path) -> RawTable:
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise DataFileRefused(
            "El archivo dice ser Parquet pero no lo es (le faltan las marcas PAR1). "
            "Expórtelo de nuevo como Parquet, o súbalo como CSV."
        )
    path = folder / "upload.parquet"
    path.write_bytes(data)
    return RawTable(path=path, kind="parquet")


# --- Clean CSV ---------------------------------------------------------------


def _column_names(header: list[str]) -> tuple[list[str], list[str]]:
    names: list[str] = []
    notes: list[str] = []
    for index, raw in enumerate(header, start=1):
        name = unicodedata.normalize("NFC", raw).strip().strip("\ufeff")
        name = re.sub(r"\s+", " ", name)
        if not name:
            name = f"columna_{index}"
            notes.append(f"La columna {index} no tenía nombre: se llamó «{name}».")
        base, n = name, 2
        while name.lower() in {existing.lower() for existing in names}:
            name, n = f"{base}_{n}", n + 1
        if name != base:
            notes.append(f"Había dos columnas «{base}»: la segunda se llamó «{name}».")
        names.append(name)
    return names, notes


def write_clean_csv(
    header: list[str], rows: Iterable[list[str]], folder: Path, *, decimal_hint: str
) -> RawTable:
    """Write the rows as a clean UTF-8 CSV, one row at a time (big files stream)."""
    width = len(header)
    if width > int_limit("OPEN_DATA_MAX_COLUMNS"):
        raise DataFileRefused(
            f"El archivo tiene {width} columnas; el máximo es "
            f"{int_limit('OPEN_DATA_MAX_COLUMNS')}. Quite las que no necesite."
        )
    names, notes = _column_names(header)
    maximum = int_limit("OPEN_DATA_MAX_ROWS")
    count = short = 0
    long_rows: list[int] = []
    path = folder / "clean.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(names)
        for line, row in enumerate(rows, start=2):
            # A delimiter at the end of every line (common in exports) adds empty
            # cells.
            while len(row) > width and not row[-1].strip():
                row.pop()
            count += 1
            if count > maximum:
                raise DataFileRefused(
                    f"El archivo tiene más de {maximum:,} filas, el máximo. Filtre "
                    "las filas que necesita y súbalo de nuevo."
                )
            if len(row) > width:
                long_rows.append(line)
                continue
            short += len(row) < width
            writer.writerow([c.strip() for c in row] + [""] * (width - len(row)))
    if long_rows:
        lines = ", ".join(str(n) for n in long_rows[:5])
        raise DataFileRefused(
            f"{len(long_rows)} filas tienen más valores que columnas el encabezado "
            f"({width}), por ejemplo las líneas {lines}. Suele ser un separador "
            "de más dentro de un valor: encierre ese valor entre comillas o quite el "
            "separador, y súbalo de nuevo."
        )
    if not count:
        raise DataFileRefused(
            "El archivo solo tiene encabezados: no hay filas de datos. Agregue los "
            "datos debajo de la fila de encabezados."
        )
    if short:
        notes.append(
            f"{short} filas tenían menos valores que columnas: se completaron con "
            "valores vacíos."
        )
    return RawTable(
        path=path, kind="csv", columns=names, decimal_hint=decimal_hint, notes=notes
    )
