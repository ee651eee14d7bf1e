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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .file_errors import DataFileRefused, megabytes
from .limits import int_limit
from .xlsx import read_xlsx

__all__ = [
    "DataFileRefused",
    "RawTable",
    "check_upload_size",
    "read_file",
    "write_clean_csv",
]

_DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {
    ";": gettext_lazy("punto y coma"),
    ",": gettext_lazy("coma"),
    "\t": gettext_lazy("tabulador"),
    "|": gettext_lazy("barra"),
}


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


def check_upload_size(size: int) -> None:
    """Refuse a file bigger than ``OPEN_DATA_MAX_UPLOAD_BYTES`` before reading it."""
    maximum = int_limit("OPEN_DATA_MAX_UPLOAD_BYTES")
    if size > maximum:
        raise DataFileRefused(
            _(
                "El archivo pesa %(size)s y el máximo es %(max)s. Quite columnas o "
                "filas que no necesite, o guárdelo como Parquet (ocupa mucho "
                "menos), y súbalo de nuevo."
            )
            % {"size": megabytes(size), "max": megabytes(maximum)}
        )


def read_file(data: bytes, *, filename: str, folder: Path) -> RawTable:
    """Check a CSV, XLSX or Parquet file and write its readable form in ``folder``."""
    check_upload_size(len(data))
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataFileRefused(
            _(
                "El archivo está vacío. Suba un CSV, XLSX o Parquet con una fila de "
                "encabezados y al menos una fila de datos."
            )
        )
    lower = filename.lower()
    if data[:4] == b"PAR1" or lower.endswith(".parquet"):
        return _read_parquet(data, folder)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        raise DataFileRefused(
            _(
                "Los archivos .xls (Excel 97-2003) no se pueden leer. En Excel use "
                "«Guardar como» → «Libro de Excel (.xlsx)» o «CSV UTF-8» y súbalo de nuevo."
            )
        )
    if data[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        header, rows = read_xlsx(data)
        return write_clean_csv(header, rows, folder, decimal_hint=".")
    if not lower.endswith((".csv", ".txt", ".tsv")):
        raise DataFileRefused(
            _(
                "«%(name)s» no es CSV, XLSX ni Parquet. Guárdelo en uno de esos "
                "formatos y súbalo de nuevo."
            )
            % {"name": filename}
        )
    text, notes = _decode(data)
    header, rows, delimiter = _parse_csv(text)
    head = list(itertools.islice(rows, 200))
    hint = "," if delimiter == ";" or _has_decimal_commas(head) else "."
    table = write_clean_csv(
        header, itertools.chain(head, rows), folder, decimal_hint=hint
    )
    table.notes[:0] = [
        *notes,
        _("Separador detectado: %(name)s.") % {"name": _DELIMITER_NAMES[delimiter]},
    ]
    return table


# --- CSV ---------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:200].count(b"\x00") > 10:
        raise DataFileRefused(
            _(
                "El archivo parece UTF-16 (caracteres nulos entre letras). En Excel use "
                "«Guardar como» → «CSV UTF-8 (delimitado por comas)» y súbalo de nuevo."
            )
        )
    try:
        return data.decode("utf-8-sig"), [_("Codificación: UTF-8.")]
    except UnicodeDecodeError:
        pass
    if mixed := _mixed_lines(data):
        return mixed
    # Excel in Spanish saves "CSV" as Windows-1252 (Latin-1 plus a few signs).
    try:
        return data.decode("cp1252"), [_("Codificación: Windows-1252 (Latin-1).")]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [_("Codificación: Latin-1 (ISO-8859-1).")]


def _mixed_lines(data: bytes) -> tuple[str, list[str]] | None:
    """A file pasted together from a UTF-8 export and an Excel one: each line
    read in its own encoding (decoding it all as Windows-1252 would turn every
    «á» of the UTF-8 lines into «Ã¡»). A byte 0x0A is never inside a UTF-8
    character, so splitting on it is safe in both encodings."""
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    utf8, legacy, text = [], [], []
    for number, line in enumerate(lines, start=1):
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            legacy.append(number)
            decoded = line.decode("cp1252", errors="replace")
        else:
            if not line.isascii():
                utf8.append(number)
        text.append(decoded)
    if not utf8:
        return None
    note = _(
        "Codificación mezclada: %(utf8)s líneas en UTF-8 y %(legacy)s en "
        "Windows-1252 (por ejemplo la línea %(first)s); cada línea se leyó en la "
        "suya. Revise las tildes y eñes."
    ) % {"utf8": len(utf8), "legacy": len(legacy), "first": legacy[0]}
    return "\n".join(text), [note]


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
            _(
                "El archivo tiene caracteres nulos: parece un archivo binario, no un CSV. "
                "Ábralo en una hoja de cálculo y guárdelo como «CSV UTF-8»."
            )
        )
    delimiter = _choose_delimiter(text)
    # strict: an unclosed quote is an error, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DataFileRefused(_("No se pudo leer la fila de encabezados.")) from exc
    if len(header) < 2:
        raise DataFileRefused(
            _(
                "Solo se encontró una columna: el separador no es coma, punto y coma, "
                "tabulador ni barra. Guarde el archivo como «CSV UTF-8» o "
                "«CSV (delimitado por punto y coma)» y súbalo de nuevo."
            )
        )

    def rows() -> Iterator[list[str]]:
        try:
            for row in reader:
                if any(c.strip() for c in row):
                    yield row
        except csv.Error as exc:
            raise DataFileRefused(
                _(
                    "El CSV está mal formado cerca de la línea %(line)s (%(detail)s). "
                    "Revise comillas sin cerrar o comillas en medio de un valor."
                )
                % {"line": reader.line_num, "detail": exc}
            ) from exc

    return header, rows(), delimiter


_DECIMAL_COMMA = re.compile(r"^\s*\$?\s*-?\d+(\.\d{3})*,\d+\s*%?\s*$")


def _has_decimal_commas(rows: list[list[str]]) -> bool:
    return any(_DECIMAL_COMMA.match(cell) for row in rows[:200] for cell in row)


# --- Parquet -----------------------------------------------------------------


def _read_parquet(data: bytes, folder: Path) -> RawTable:
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise DataFileRefused(
            _(
                "El archivo dice ser Parquet pero no lo es (le faltan las marcas PAR1). "
                "Expórtelo de nuevo como Parquet, o súbalo como CSV."
            )
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
            notes.append(
                _("La columna %(index)s no tenía nombre: se llamó «%(name)s».")
                % {"index": index, "name": name}
            )
        base, n = name, 2
        while name.lower() in {existing.lower() for existing in names}:
            name, n = f"{base}_{n}", n + 1
        if name != base:
            notes.append(
                _("Había dos columnas «%(base)s»: la segunda se llamó «%(name)s».")
                % {"base": base, "name": name}
            )
        names.append(name)
    return names, notes


def write_clean_csv(
    header: list[str], rows: Iterable[list[str]], folder: Path, *, decimal_hint: str
) -> RawTable:
    """Write the rows as a clean UTF-8 CSV, one row at a time (big files stream)."""
    width = len(header)
    if width > int_limit("OPEN_DATA_MAX_COLUMNS"):
        raise DataFileRefused(
            _(
                "El archivo tiene %(width)s columnas; el máximo es %(max)s. Quite "
                "las que no necesite."
            )
            % {"width": width, "max": int_limit("OPEN_DATA_MAX_COLUMNS")}
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
                    _(
                        "El archivo tiene más de %(max)s filas, el máximo. Filtre "
                        "las filas que necesita y súbalo de nuevo."
                    )
                    % {"max": formats.number_format(maximum, force_grouping=True)}
                )
            if len(row) > width:
                long_rows.append(line)
                continue
            short += len(row) < width
            writer.writerow([c.strip() for c in row] + [""] * (width - len(row)))
    if long_rows:
        lines = ", ".join(str(n) for n in long_rows[:5])
        raise DataFileRefused(
            _(
                "%(count)s filas tienen más valores que columnas el encabezado "
                "(%(width)s), por ejemplo las líneas %(lines)s. Suele ser un "
                "separador de más dentro de un valor: encierre ese valor entre "
                "comillas o quite el separador, y súbalo de nuevo."
            )
            % {"count": len(long_rows), "width": width, "lines": lines}
        )
    if not count:
        raise DataFileRefused(
            _(
                "El archivo solo tiene encabezados: no hay filas de datos. Agregue los "
                "datos debajo de la fila de encabezados."
            )
        )
    if short:
        notes.append(
            _(
                "%(count)s filas tenían menos valores que columnas: se completaron "
                "con valores vacíos."
            )
            % {"count": short}
        )
    return RawTable(
        path=path, kind="csv", columns=names, decimal_hint=decimal_hint, notes=notes
    )
