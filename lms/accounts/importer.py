"""Bulk import of participants from a CSV or XLSX file (staff, in a locality).

The file is read whole and checked before anything is written; valid new rows
are inserted in batches inside one transaction, so a failure stores nothing.
Rows whose person already has an account (same document and email) are
counted, not duplicated, so importing a file twice creates nothing the second
time. Imported accounts get an unusable password: hashing 50,000 Argon2
passwords would take hours, and people choose their own through the
password-reset mail («¿Olvidó su contraseña?») anyway.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from . import validation
from .changes import announce_changed
from .data import ImportPreview, ImportResult, RowError
from .identity_keys import new_username
from .models import User as _User
from .residence import resolve_locality
from .spreadsheets import FileProblem, read_table

__all__ = ["import_participants", "preview_participants", "rejected_rows_csv"]

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


def preview_participants(content: bytes, *, filename: str) -> ImportPreview:
    """Check a CSV/XLSX file of participants without storing anything."""
    with tenants_api.in_public_schema():
        analysis = _analyse(content, filename)
    return ImportPreview(
        columns=analysis.header,
        valid_count=len(analysis.new),
        duplicate_count=analysis.existing,
        errors=analysis.errors,
        rejected_lines=sorted(analysis.rejected),
        file_error=analysis.file_error,
    )


def import_participants(
    content: bytes, *, filename: str, batch_size: int = 2000
) -> ImportResult:
    """Create accounts for the valid rows of a file, in one transaction.

    Imported accounts have no usable password: people activate them with
    «¿Olvidó su contraseña?» using their email.
    """
    with tenants_api.in_public_schema():
        result = _import(content, filename, batch_size)
    if result.created:
        announce_changed(None)  # many people at once: receivers resync later
    return result


def rejected_rows_csv(content: bytes, *, filename: str) -> bytes:
    """The rows an import refuses, as CSV (UTF-8 with BOM, for Excel), with why."""
    with tenants_api.in_public_schema():
        analysis = _analyse(content, filename)
    messages: dict[int, list[str]] = {}
    for error in analysis.errors:
        messages.setdefault(error.line, []).append(f"{error.column}: {error.message}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*analysis.header, "linea", "errores"])
    for line in sorted(analysis.rejected):
        writer.writerow([*analysis.rejected[line], line, " | ".join(messages[line])])
    return out.getvalue().encode("utf-8-sig")


@transaction.atomic
def _import(content: bytes, filename: str, batch_size: int) -> ImportResult:
    analysis = _analyse(content, filename)
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
                _User.objects.bulk_create(
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
            file_error=_(
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


def _new_user(fields: dict[str, Any], now: datetime) -> _User:
    return _User(
        username=new_username(),
        # Unusable, and different per person (as make_password(None) does).
        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(24),
        date_joined=now,
        **fields,
    )


def _analyse(content: bytes, filename: str) -> _Analysis:
    analysis = _Analysis()
    try:
        header, rows = read_table(content, filename)
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
                _(
                    "La fila tiene %(cells)s valores y el encabezado %(columns)s "
                    "columnas. Quite los valores de más o revise separadores sueltos."
                )
                % {"cells": len(cells), "columns": len(header)},
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
                _(
                    "Documento repetido: ya está en la línea %(line)s. Deje una sola "
                    "fila por persona."
                )
                % {"line": seen_documents[key]},
            )
            continue
        if fields["email"] in seen_emails:
            analysis.reject(
                line,
                cells,
                "correo",
                _(
                    "Correo repetido: ya está en la línea %(line)s. Cada persona "
                    "necesita su propio correo."
                )
                % {"line": seen_emails[fields["email"]]},
            )
            continue
        seen_documents[key] = line
        seen_emails[fields["email"]] = line
        candidates.append((line, cells, fields))
    if not any_row:
        analysis.file_error = _(
            "El archivo solo tiene la fila de encabezados: no hay participantes "
            "para importar. Agregue una fila por persona debajo de los encabezados."
        )
        return analysis
    _split_existing(candidates, analysis)
    return analysis


def _check_row(
    values: dict[str, str],
    today: date,
    resolve: Resolver,
    line: int,
    cells: list[str],
    analysis: _Analysis,
) -> dict[str, Any] | None:
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
        lambda: validation.clean_name(values["nombres"], what=_("nombres")),
    )
    run(
        "apellidos",
        "last_name",
        lambda: validation.clean_name(values["apellidos"], what=_("apellidos")),
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


def _split_existing(
    candidates: list[tuple[int, list[str], dict[str, Any]]], analysis: _Analysis
) -> None:
    """Rows already registered (same document, same email) are counted, not added;
    a document or an email held by a different account is an error."""
    for start in range(0, len(candidates), _LOOKUP_CHUNK):
        chunk = candidates[start : start + _LOOKUP_CHUNK]
        numbers = {fields["document_number"] for _, _, fields in chunk}
        emails = {fields["email"] for _, _, fields in chunk}
        by_document = {
            (t, n): (e or "").lower()
            for t, n, e in _User.objects.filter(
                document_number__in=numbers
            ).values_list("document_type", "document_number", "email")
        }
        taken_emails = set(
            _User.objects.filter(email__in=emails).values_list("email", flat=True)
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
                        _(
                            "Ya existe una cuenta con este documento y otro correo. "
                            "Una persona tiene una sola cuenta: si es la misma, "
                            "corrija el correo en el archivo; si no, revise el número."
                        ),
                    )
            elif fields["email"] in taken_emails:
                analysis.reject(
                    line,
                    cells,
                    "correo",
                    _(
                        "Este correo ya pertenece a otra cuenta (con otro documento). "
                        "Use el correo propio de esta persona."
                    ),
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
                _(
                    "La columna «%(column)s» aparece dos veces. Deje una sola y vuelva "
                    "a subir el archivo."
                )
                % {"column": raw}
            )
        if name in COLUMNS:
            columns[name] = index
        elif name:
            unknown.append(raw)
    expected = ", ".join(COLUMNS)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise FileProblem(
            _(
                "Faltan columnas: %(missing)s. La primera fila debe tener exactamente "
                "estos encabezados: %(expected)s."
            )
            % {"missing": ", ".join(missing), "expected": expected}
        )
    if unknown:
        raise FileProblem(
            _(
                "Columnas que no se reconocen: %(unknown)s. Quítelas del archivo (no "
                "guardamos datos que no necesitamos); las columnas son: %(expected)s."
            )
            % {"unknown": ", ".join(unknown), "expected": expected}
        )
    return columns
