"""Bulk import of participants from CSV (UTF-8 or Latin-1) or XLSX (internal).

Reached only through ``lms.accounts.api``. The file is read whole and checked
before anything is written; valid new rows are inserted in batches inside one
transaction, so a failure stores nothing. Imported accounts get an unusable
password: hashing 50,000 Argon2 passwords would take hours, and people choose
their own through the password-reset mail anyway.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import validation
from .data import ImportPreview, ImportResult, RowError
from .identity_keys import new_username
from .models import User

COLUMNS = [
    "nombres",
    "apellidos",
    "correo",
    "tipo_documento",
    "numero_documento",
    "localidad",
    "fecha_nacimiento",
]
_ALIASES = {
    "nombre": "nombres",
    "apellido": "apellidos",
    "correo_electronico": "correo",
    "email": "correo",
    "e_mail": "correo",
    "tipo_de_documento": "tipo_documento",
    "tipo_doc": "tipo_documento",
    "numero_de_documento": "numero_documento",
    "no_documento": "numero_documento",
    "documento": "numero_documento",
    "localidad_de_residencia": "localidad",
    "fecha_de_nacimiento": "fecha_nacimiento",
}
_LOOKUP_CHUNK = 5000
Resolver = Callable[[str], str]


class FileProblem(Exception):
    """The whole file is refused (Spanish message); nothing is imported."""


@dataclass
class _Analysis:
    header: list[str] = field(default_factory=list)
    new: list[dict[str, Any]] = field(default_factory=list)
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(default_factory=dict)  # line → cells
    file_error: str | None = None

    def reject(self, line: int, cells: list[str], column: str, message: str) -> None:
        self.errors.append(RowError(line=line, column=column, message=message))
        self.rejected.setdefault(line, cells)


def preview_file(
    content: bytes, *, filename: str, resolve_locality: Resolver
) -> ImportPreview:
    analysis = _analyse(content, filename, resolve_locality)
    return ImportPreview(
        columns=analysis.header,
        valid_count=len(analysis.new),
        duplicate_count=analysis.existing,
        errors=analysis.errors,
        rejected_lines=sorted(analysis.rejected),
        file_error=analysis.file_error,
    )


@transaction.atomic
def import_file(
    content: bytes, *, filename: str, resolve_locality: Resolver, batch_size: int
) -> ImportResult:
    analysis = _analyse(content, filename, resolve_locality)
    result = ImportResult(
        created=0,
        already_registered=analysis.existing,
        rejected=len(analysis.rejected),
        errors=analysis.errors,
        file_error=analysis.file_error,
    )
    if analysis.file_error or not analysis.new:
        return result
    now = timezone.now()
    try:
        with transaction.atomic():
            for start in range(0, len(analysis.new), batch_size):
                User.objects.bulk_create(
                    [
                        _new_user(fields, now)
                        for fields in analysis.new[start : start + batch_size]
                    ],
                    batch_size=batch_size,
                )
    except IntegrityError:
        # Someone registered with one of these documents or emails meanwhile.
        return ImportResult(
            created=0,
            already_registered=analysis.existing,
            rejected=len(analysis.rejected),
            errors=analysis.errors,
            file_error=(
                "Mientras se importaba, alguien se registró con un documento o correo "
                "del archivo. No se guardó nada: vuelva a importar el mismo archivo."
            ),
        )
    return ImportResult(
        created=len(analysis.new),
        already_registered=analysis.existing,
        rejected=len(analysis.rejected),
        errors=analysis.errors,
    )


def rejected_rows_csv(
    content: bytes, *, filename: str, resolve_locality: Resolver
) -> bytes:
    analysis = _analyse(content, filename, resolve_locality)
    messages: dict[int, list[str]] = {}
    for error in analysis.errors:
        messages.setdefault(error.line, []).append(f"{error.column}: {error.message}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*analysis.header, "linea", "errores"])
    for line in sorted(analysis.rejected):
        writer.writerow([*analysis.rejected[line], line, " | ".join(messages[line])])
    return out.getvalue().encode("utf-8-sig")


def _new_user(fields: dict[str, Any], now: datetime) -> User:
    return User(
        username=new_username(),
        # Unusable, and different per person (as make_password(None) does).
        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
        date_joined=now,
        **fields,
    )


def _analyse(content: bytes, filename: str, resolve_locality: Resolver) -> _Analysis:
    analysis = _Analysis()
    try:
        header, rows = _read(content, filename)
        analysis.header = header
        columns = _map_header(header)
    except FileProblem as exc:
        analysis.file_error = str(exc)
        return analysis
    resolve = _memoized(resolve_locality)
    today = timezone.localdate()
    seen_documents: dict[tuple[str, str], int] = {}
    seen_emails: dict[str, int] = {}
    candidates: list[tuple[int, list[str], dict[str, Any]]] = []
    any_row = False
    for line, cells in rows:
        any_row = True
        if len(cells) > len(header):
            analysis.reject(
                line,
                cells,
                "(fila)",
                f"La fila tiene {len(cells)} valores y el encabezado {len(header)} "
                "columnas. Quite los valores de más o revise separadores sueltos.",
            )
            continue
        cells = cells + [""] * (len(header) - len(cells))
        values = {name: cells[index] for name, index in columns.items()}
        fields = _check_row(values, today, resolve, line, cells, analysis)
        if fields is None:
            continue
        key = (fields["document_type"], fields["document_number"])
        if key in seen_documents:
            analysis.reject(
                line,
                cells,
                "numero_documento",
                f"Documento repetido: ya está en la línea {seen_documents[key]}. "
                "Deje una sola fila por persona.",
            )
            continue
        if fields["email"] in seen_emails:
            analysis.reject(
                line,
                cells,
                "correo",
                f"Correo repetido: ya está en la línea {seen_emails[fields['email']]}. "
                "Cada persona necesita su propio correo.",
            )
            continue
        seen_documents[key] = line
        seen_emails[fields["email"]] = line
        candidates.append((line, cells, fields))
    if not any_row:
        analysis.file_error = (
            "El archivo solo tiene la fila de encabezados: no hay participantes "
            "para importar. Agregue una fila por persona debajo de los encabezados."
        )
        return analysis
    _split_existing(candidates, analysis)
    return analysis


def _check_row(values, today, resolve, line, cells, analysis) -> dict[str, Any] | None:
    fields: dict[str, Any] = {}
    ok = True

    def run(column: str, target: str, check: Callable[[], Any]) -> None:
        nonlocal ok
        try:
            fields[target] = check()
        except ValidationError as exc:
            ok = False
            analysis.reject(line, cells, column, exc.messages[0])

    run(
        "nombres",
        "first_name",
        lambda: validation.clean_name(values["nombres"], what="nombres"),
    )
    run(
        "apellidos",
        "last_name",
        lambda: validation.clean_name(values["apellidos"], what="apellidos"),
    )
    run("correo", "email", lambda: validation.clean_email(values["correo"]))
    run(
        "tipo_documento",
        "document_type",
        lambda: validation.clean_document_type(values["tipo_documento"]),
    )
    if "document_type" in fields:
        run(
            "numero_documento",
            "document_number",
            lambda: validation.clean_document_number(
                fields["document_type"], values["numero_documento"]
            ),
        )
    run("localidad", "residence_locality_id", lambda: resolve(values["localidad"]))
    run(
        "fecha_nacimiento",
        "birth_date",
        lambda: validation.clean_birth_date(
            validation.parse_date(values["fecha_nacimiento"]), today=today
        ),
    )
    return fields if ok else None


def _split_existing(candidates, analysis: _Analysis) -> None:
    """Rows already registered (same document, same email) are counted, not added;
    a document or an email held by a different account is an error."""
    for start in range(0, len(candidates), _LOOKUP_CHUNK):
        chunk = candidates[start : start + _LOOKUP_CHUNK]
        numbers = {fields["document_number"] for _, _, fields in chunk}
        emails = {fields["email"] for _, _, fields in chunk}
        by_document = {
            (t, n): (e or "").lower()
            for t, n, e in User.objects.filter(document_number__in=numbers).values_list(
                "document_type", "document_number", "email"
            )
        }
        taken_emails = set(
            User.objects.filter(email__in=emails).values_list("email", flat=True)
        )
        for line, cells, fields in chunk:
            key = (fields["document_type"], fields["document_number"])
            if key in by_document:
                if by_document[key] == fields["email"]:
                    analysis.existing += 1
                else:
                    analysis.reject(
                        line,
                        cells,
                        "numero_documento",
                        "Ya existe una cuenta con este documento y otro correo. Una "
                        "persona tiene una sola cuenta: si es la misma, corrija el "
                        "correo en el archivo; si no, revise el número.",
                    )
            elif fields["email"] in taken_emails:
                analysis.reject(
                    line,
                    cells,
                    "correo",
                    "Este correo ya pertenece a otra cuenta (con otro documento). "
                    "Use el correo propio de esta persona.",
                )
            else:
                analysis.new.append(fields)


def _memoized(resolve: Resolver) -> Resolver:
    known: dict[str, str] = {}

    def cached(raw: str) -> str:
        if raw not in known:
            known[raw] = resolve(raw)  # a ValidationError is raised again next time
        return known[raw]

    return cached


def _map_header(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        name = validation.fold(raw).replace(" ", "_")
        name = _ALIASES.get(name, name)
        if name in columns:
            raise FileProblem(
                f"La columna «{raw}» aparece dos veces. Deje una sola y vuelva a subir "
                "el archivo."
            )
        if name in COLUMNS:
            columns[name] = index
        elif name:
            unknown.append(raw)
    expected = ", ".join(COLUMNS)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise FileProblem(
            f"Faltan columnas: {', '.join(missing)}. La primera fila debe tener "
            f"exactamente estos encabezados: {expected}."
        )
    if unknown:
        raise FileProblem(
            f"Columnas que no se reconocen: {', '.join(unknown)}. Quítelas del archivo "
            f"(no guardamos datos que no necesitamos); las columnas son: {expected}."
        )
    return columns


def _read(
    content: bytes, filename: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    if not content or not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(
            "El archivo está vacío. Suba un CSV o XLSX con una fila de encabezados y "
            "una fila por participante."
        )
    lower = filename.lower()
    if lower.endswith(".xls"):
        raise FileProblem(
            "Los archivos .xls (Excel 97-2003) no se pueden leer. En Excel use "
            "«Guardar como» → «Libro de Excel (.xlsx)» o «CSV UTF-8» y súbalo de nuevo."
        )
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if not lower.endswith((".csv", ".txt")):
        raise FileProblem(
            f"El archivo «{filename}» no es CSV ni XLSX. Guárdelo en uno de esos "
            "formatos y súbalo de nuevo."
        )
    return _read_csv(content)


def _read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
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
            "El archivo tiene caracteres nulos: parece UTF-16 o un archivo binario. "
            "Guárdelo como «CSV UTF-8» y súbalo de nuevo."
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise FileProblem("No se pudo leer la fila de encabezados del CSV.") from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                if any(c.strip() for c in cells):
                    yield line, [c.strip() for c in cells]
        except csv.Error as exc:
            raise FileProblem(
                f"El CSV está mal formado cerca de la línea {line + 1} ({exc}). "
                "Revise comillas sin cerrar."
            ) from exc

    return header, rows()


def _is_cp1252(content: bytes) -> bool:
    try:
        content.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook  # only needed for spreadsheets

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FileProblem(
            "El archivo XLSX está dañado o no es un libro de Excel. Ábralo en Excel "
            "o LibreOffice, guárdelo de nuevo como .xlsx y súbalo."
        ) from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(iterator)]
    except StopIteration as exc:
        raise FileProblem(
            "La primera hoja del XLSX está vacía. Ponga los encabezados en la fila 1."
        ) from exc
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
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
