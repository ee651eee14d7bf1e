"""Spanish refusals of learner queries: statements that are not queries, and
what DuckDB answered (syntax with its position, unknown columns, tables and
functions, files, memory).

``check_statement`` runs before any connection exists: DuckDB's own parser
splits the text, and only one query statement is admitted (``SELECT``,
``WITH``, ``FROM``, ``VALUES``...). ``explain_error`` turns DuckDB's English
errors into a message a learner can act on, with a ``QueryProblem``.
"""

from __future__ import annotations

import re

import duckdb
from django.utils.translation import gettext as _

from .data import QueryProblem
from .limits import int_limit, limit

__all__ = ["QueryRefused", "check_statement", "explain_error"]


class QueryRefused(ValueError):
    """A learner query that was refused or stopped; ``str()`` is Spanish."""

    def __init__(self, message: str, problem: QueryProblem):
        super().__init__(message)
        self.problem = problem


def check_statement(sql: str) -> None:
    """Admit exactly one query statement; refuse the rest with a Spanish reason."""
    text = sql.strip()
    if not text.rstrip(";").strip():
        raise QueryRefused(
            _("Escriba una consulta, por ejemplo: SELECT * FROM datos LIMIT 10"),
            QueryProblem.EMPTY,
        )
    longest = int_limit("OPEN_DATA_QUERY_MAX_SQL_CHARS")
    if len(text) > longest:
        raise QueryRefused(
            _("La consulta es demasiado larga: el máximo es %(max)s caracteres.")
            % {"max": longest},
            QueryProblem.TOO_LONG,
        )
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.ParserException as exc:
        raise _syntax_refusal(str(exc), text) from exc
    if len(statements) > 1:
        raise QueryRefused(
            _(
                "Escriba una sola consulta: se encontraron %(count)s sentencias "
                "separadas por «;»."
            )
            % {"count": len(statements)},
            QueryProblem.SEVERAL_STATEMENTS,
        )
    kind = statements[0].type.name
    if kind != "SELECT":
        raise _statement_refusal(kind)


def _statement_refusal(kind: str) -> QueryRefused:
    if kind in {"SET", "VARIABLE_SET", "PRAGMA", "RESET"}:
        return QueryRefused(
            _(
                "Las consultas no pueden cambiar la configuración (SET, PRAGMA, "
                "RESET): los límites de tiempo, memoria y filas son fijos."
            ),
            QueryProblem.CHANGES_SETTINGS,
        )
    if kind in {"COPY", "EXPORT", "COPY_DATABASE", "ATTACH", "DETACH"}:
        return QueryRefused(
            _(
                "Las consultas no pueden leer ni escribir archivos ni abrir otras "
                "bases de datos (COPY, EXPORT, ATTACH): solo consultan la tabla "
                "«datos» de esta versión."
            ),
            QueryProblem.FILE_OR_NETWORK,
        )
    if kind in {"LOAD", "EXTENSION", "UPDATE_EXTENSIONS"}:
        return QueryRefused(
            _("Las consultas no pueden instalar ni cargar extensiones."),
            QueryProblem.EXTENSION,
        )
    if kind in {"INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "MERGE_INTO"}:
        return QueryRefused(
            _(
                "Los datos son de solo lectura: no se pueden crear, cambiar ni "
                "borrar tablas o filas. Use SELECT para consultarlos."
            ),
            QueryProblem.READ_ONLY,
        )
    return QueryRefused(
        _(
            "Solo se permiten consultas que leen datos: SELECT (también con WITH, "
            "o empezando por FROM)."
        ),
        QueryProblem.NOT_A_SELECT,
    )


_COLUMN = re.compile(r'Referenced column "(?P<name>[^"]+)" not found')
_TABLE = re.compile(r"Table with name (?P<name>\S+) does not exist")
_FUNCTION = re.compile(r"Function with name (?P<name>\S+) does not exist")


def explain_error(exc: duckdb.Error, sql: str, columns: list[str]) -> QueryRefused:
    """A Spanish refusal for what DuckDB answered to a learner query."""
    text = str(exc)
    if isinstance(exc, duckdb.ParserException):
        return _syntax_refusal(text, sql)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return QueryRefused(
            _(
                "La consulta necesitó más memoria de la permitida (%(memory)s). "
                "Agrupe o filtre para trabajar con menos filas a la vez."
            )
            % {"memory": limit("OPEN_DATA_QUERY_MEMORY")},
            QueryProblem.MEMORY,
        )
    if isinstance(exc, duckdb.PermissionException):
        return QueryRefused(
            _(
                "Las consultas solo pueden leer la tabla «datos» de esta versión: "
                "no pueden abrir archivos, direcciones de internet, otras bases "
                "de datos ni extensiones."
            ),
            QueryProblem.FILE_OR_NETWORK,
        )
    if found := _COLUMN.search(text):
        return _column_refusal(found["name"], columns)
    if found := _TABLE.search(text):
        return QueryRefused(
            _(
                "La tabla «%(name)s» no existe: los datos de esta versión están en "
                "la tabla «datos» (por ejemplo: SELECT * FROM datos)."
            )
            % {"name": found["name"]},
            QueryProblem.UNKNOWN_TABLE,
        )
    if found := _FUNCTION.search(text):
        return QueryRefused(
            _("La función «%(name)s» no existe o no está permitida aquí.")
            % {"name": found["name"]},
            QueryProblem.UNKNOWN_FUNCTION,
        )
    if isinstance(exc, duckdb.ConversionException):
        return QueryRefused(
            _(
                "Un valor no se pudo convertir al tipo pedido. Revise las "
                "comparaciones entre texto y números. Detalle de DuckDB: %(detail)s"
            )
            % {"detail": text.splitlines()[0]},
            QueryProblem.BAD_VALUE,
        )
    return QueryRefused(
        _("La consulta no se pudo ejecutar. Detalle de DuckDB: %(detail)s")
        % {"detail": text.splitlines()[0]},
        QueryProblem.OTHER,
    )


def _column_refusal(name: str, columns: list[str]) -> QueryRefused:
    message = _(
        "La columna «%(name)s» no existe en esta tabla. Sus columnas son: "
        "%(columns)s. Los nombres con espacios, tildes o mayúsculas van entre "
        'comillas dobles, por ejemplo "%(example)s".'
    ) % {
        "name": name,
        "columns": ", ".join(f"«{c}»" for c in columns),
        "example": columns[0] if columns else "columna",
    }
    return QueryRefused(message, QueryProblem.UNKNOWN_COLUMN)


_LINE = re.compile(r"^LINE (?P<line>\d+): (?P<snippet>.*)$", re.MULTILINE)


def _syntax_refusal(text: str, sql: str) -> QueryRefused:
    """Where the parser stopped: line, column and the text there."""
    near = re.search(r'at or near "(?P<token>[^"]*)"', text)
    at_end = "at end of input" in text
    position = _position(text, sql)
    if position is None:
        message = _(
            "La consulta tiene un error de sintaxis. Revise comas, comillas y "
            "paréntesis."
        )
    elif at_end or not near:
        message = _(
            "Error de sintaxis al final de la consulta (línea %(line)s): falta "
            "algo, por ejemplo un paréntesis o el nombre de una columna."
        ) % {"line": position[0]}
    else:
        message = _(
            "Error de sintaxis en la línea %(line)s, columna %(column)s, cerca de "
            "«%(token)s». Revise comas, comillas y paréntesis antes de ese punto."
        ) % {"line": position[0], "column": position[1], "token": near["token"]}
    return QueryRefused(message, QueryProblem.SYNTAX)


def _position(text: str, sql: str) -> tuple[int, int] | None:
    found = _LINE.search(text)
    if not found:
        return None
    line = int(found["line"])
    lines = text[found.end() + 1 :].splitlines()
    caret_line = lines[0] if lines else ""
    caret = caret_line.find("^")
    if caret < 0:
        return line, 1
    prefix = len(f"LINE {line}: ")
    snippet = found["snippet"]
    offset = caret - prefix
    # DuckDB shortens long lines around the error with "..." at the start.
    shown = snippet[3:] if snippet.startswith("...") else snippet
    if snippet.startswith("..."):
        offset -= 3
    source_lines = sql.strip().splitlines() or [""]
    source = source_lines[min(line, len(source_lines)) - 1]
    start = source.find(shown[:40]) if shown else 0
    return line, max(start, 0) + offset + 1
