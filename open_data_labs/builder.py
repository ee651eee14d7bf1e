"""The guided builder's safe query model: steps in, parameterised SQL out.

A ``BuilderQuery`` names columns, comparisons, groups, a measure and an order;
it never carries SQL. ``compile_builder`` checks every name against the
snapshot's real columns and quotes it with ``engine.ident``; every value the
learner typed is read by the column's type (Colombian numbers and dates too) and
goes in as a query parameter. The same SQL with the values written inline is
kept for the learner to read, one clause per step card, with a Spanish sentence
saying what the step does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .data import (
    MEASURE_SORT,
    TABLE_NAME,
    BuilderQuery,
    ColumnData,
    ColumnType,
    CompiledQuery,
    Filter,
    FilterOp,
    Measure,
    QueryProblem,
    StepExplanation,
)
from .engine import ident, literal
from .labels import column_type_label, filter_op_label
from .refusals import QueryRefused

__all__ = ["MAX_BUILDER_ROWS", "compile_builder", "measure_alias", "output_columns"]

MAX_BUILDER_ROWS = 1_000

_OPERATORS = {
    FilterOp.EQUALS: "=",
    FilterOp.NOT_EQUALS: "<>",
    FilterOp.GREATER: ">",
    FilterOp.GREATER_OR_EQUAL: ">=",
    FilterOp.LESS: "<",
    FilterOp.LESS_OR_EQUAL: "<=",
}
_FUNCTIONS = {
    Measure.SUM: "sum",
    Measure.AVERAGE: "avg",
    Measure.MINIMUM: "min",
    Measure.MAXIMUM: "max",
}


@dataclass(frozen=True)
class _Clause:
    sql: str  # with ? for values
    shown: str  # with the values written inline
    params: tuple[object, ...] = ()


def measure_alias(query: BuilderQuery) -> str:
    """Name of the computed column (an SQL identifier, also the table header)."""
    if query.measure in (None, Measure.COUNT):
        return "filas"
    return f"{query.measure.value}_{query.measure_column}"


def output_columns(query: BuilderQuery, columns: tuple[ColumnData, ...]) -> list[str]:
    """The result's column names, in order (what "sort by" may name)."""
    if query.group_by:
        return [*query.group_by, measure_alias(query)]
    if query.measure is not None:
        return [measure_alias(query)]
    return list(query.columns) or [c.name for c in columns]


def compile_builder(
    query: BuilderQuery, columns: tuple[ColumnData, ...]
) -> CompiledQuery:
    """Check the steps against the snapshot's columns; SQL, parameters, sentences.

    Raises ``QueryRefused`` (Spanish) for a column that does not exist, a value
    that cannot be read as the column's type, or a sum of a text column.
    """
    types = {c.name: c.type for c in columns}
    for name in (
        *query.columns,
        *(f.column for f in query.filters),
        *query.group_by,
        *([query.measure_column] if query.measure_column else []),
        *([query.share_column] if query.share_column else []),
    ):
        _check_column(name, types)
    select = _select_clause(query, types)
    where = [_condition(f, types[f.column]) for f in query.filters]
    group = _Clause(*([", ".join(ident(g) for g in query.group_by)] * 2))
    order = _order_clause(query, columns)
    limit = max(1, min(query.limit, MAX_BUILDER_ROWS))
    sql, shown, params = _assemble(select, where, group, order, limit)
    steps = _explain(query, select, where, group, order, limit)
    return CompiledQuery(sql=sql, params=params, display_sql=shown, steps=steps)


def _check_column(name: str, types: dict[str, ColumnType]) -> None:
    if name not in types:
        raise QueryRefused(
            _("La columna «%(name)s» no está en esta versión de los datos.")
            % {"name": name},
            QueryProblem.UNKNOWN_COLUMN,
        )


def _select_clause(query: BuilderQuery, types: dict[str, ColumnType]) -> _Clause:
    measure = query.measure or (Measure.COUNT if query.group_by else None)
    if measure is None:
        chosen = ", ".join(ident(c) for c in query.columns) or "*"
        return _Clause(chosen, chosen)
    if measure is Measure.COUNT:
        computed = f"count(*) AS {ident(measure_alias(query))}"
    else:
        if not query.measure_column:
            raise QueryRefused(
                _("Elija la columna que quiere calcular."), QueryProblem.BAD_VALUE
            )
        kind = types[query.measure_column]
        if measure.needs_number and not kind.is_numeric:
            raise QueryRefused(
                _(
                    "Para sumar, promediar o sacar un porcentaje elija una columna "
                    "de números: «%(name)s» es %(type)s."
                )
                % {"name": query.measure_column, "type": column_type_label(kind)},
                QueryProblem.BAD_VALUE,
            )
        if measure is Measure.SHARE:
            return _share_clause(query)
        computed = (
            f"{_FUNCTIONS[measure]}({ident(query.measure_column)}) "
            f"AS {ident(measure_alias(query))}"
        )
    listed = ", ".join([*(ident(g) for g in query.group_by), computed])
    return _Clause(listed, listed)


def _share_clause(query: BuilderQuery) -> _Clause:
    """The part's sum over the whole's, times 100, rounded to 2 decimals."""
    part, whole = query.share_part.strip(), query.share_whole.strip()
    if not query.share_column or not part or not whole:
        raise QueryRefused(
            _(
                "Para un porcentaje elija la columna que dice qué se cuenta y "
                "escriba cómo empiezan los valores de la parte y del total."
            ),
            QueryProblem.BAD_VALUE,
        )
    value, kind = ident(query.measure_column), ident(query.share_column)
    alias = ident(measure_alias(query))

    def computed(part_value: str, whole_value: str) -> str:
        def rows(start: str) -> str:
            test = f"starts_with(lower(CAST({kind} AS VARCHAR)), lower({start}))"
            return f"sum({value}) FILTER (WHERE {test})"

        share = f"100.0 * {rows(part_value)} / nullif({rows(whole_value)}, 0)"
        return f"round({share}, 2) AS {alias}"

    groups = [ident(g) for g in query.group_by]
    return _Clause(
        ", ".join([*groups, computed("?", "?")]),
        ", ".join([*groups, computed(literal(part), literal(whole))]),
        (part, whole),
    )


def _condition(rule: Filter, kind: ColumnType) -> _Clause:
    column = ident(rule.column)
    if rule.op is FilterOp.IS_EMPTY:
        return _Clause(f"{column} IS NULL", f"{column} IS NULL")
    if rule.op is FilterOp.IS_NOT_EMPTY:
        return _Clause(f"{column} IS NOT NULL", f"{column} IS NOT NULL")
    if rule.op is FilterOp.CONTAINS:
        text = rule.value.strip()
        test = f"contains(lower(CAST({column} AS VARCHAR)), lower(%s))"
        return _Clause(test % "?", test % literal(text), (text,))
    value = read_value(rule.value, kind, column=rule.column)
    operator = _OPERATORS[rule.op]
    return _Clause(
        f"{column} {operator} ?", f"{column} {operator} {_shown(value)}", (value,)
    )


def _order_clause(query: BuilderQuery, columns: tuple[ColumnData, ...]) -> _Clause:
    if not query.sort_by:
        if not query.group_by:
            return _Clause("", "")
        keys = ", ".join(ident(g) for g in query.group_by)
        return _Clause(keys, keys)
    target = measure_alias(query) if query.sort_by == MEASURE_SORT else query.sort_by
    if target not in output_columns(query, columns):
        raise QueryRefused(
            _(
                "Solo se puede ordenar por una columna del resultado; «%(name)s» "
                "no está en él."
            )
            % {"name": target},
            QueryProblem.UNKNOWN_COLUMN,
        )
    key = f"{ident(target)} {'DESC' if query.descending else 'ASC'}"
    return _Clause(key, key)


def _assemble(select, where, group, order, limit):
    def build(part: str) -> str:
        text = f"SELECT {getattr(select, part)}\nFROM {TABLE_NAME}"
        if where:
            text += "\nWHERE " + " AND ".join(getattr(w, part) for w in where)
        if group.sql:
            text += f"\nGROUP BY {getattr(group, part)}"
        if order.sql:
            text += f"\nORDER BY {getattr(order, part)}"
        return text + f"\nLIMIT {limit}"

    # In the order of their ? marks: the SELECT's (a percentage), then WHERE's.
    params = (*select.params, *(p for w in where for p in w.params))
    return build("sql"), build("shown"), params


_BOOLEANS = {"si": True, "sí": True, "true": True, "no": False, "false": False}
_NUMBER_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+")


def read_value(text: str, kind: ColumnType, *, column: str) -> object:
    """The learner's value read as the column's type (Colombian formats)."""
    value = text.strip()
    try:
        if kind.is_numeric:
            return _number(value)
        if kind in (ColumnType.DATE, ColumnType.TIMESTAMP):
            return _date(value)
        if kind is ColumnType.BOOLEAN:
            return _BOOLEANS[value.lower()]
    except (ValueError, KeyError) as exc:
        raise QueryRefused(
            _(
                "«%(value)s» no se puede comparar con «%(column)s», que es "
                "%(type)s. Ejemplos: 1.234 o 12,5 para números; 31/12/2024 para "
                "fechas; sí o no."
            )
            % {"value": value, "column": column, "type": column_type_label(kind)},
            QueryProblem.BAD_VALUE,
        ) from exc
    return value


def _number(value: str) -> int | float:
    clean = value.replace("$", "").replace("%", "").replace(" ", "")
    if "," in clean:
        clean = clean.replace(".", "").replace(",", ".")
    elif _NUMBER_GROUPED.fullmatch(clean):
        clean = clean.replace(".", "")
    number = float(clean)
    return int(number) if number.is_integer() and "." not in clean else number


def _date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(value)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | float):
        return repr(value)
    return literal(str(value))


def _explain(query, select, where, group, order, limit) -> tuple[StepExplanation, ...]:
    def quoted(names) -> str:
        return ", ".join(f"«{n}»" for n in names)

    if query.group_by or query.measure is not None:
        columns = _("Al agrupar o calcular, el resultado muestra solo esas columnas.")
    elif query.columns:
        columns = _("Muestra solo las columnas %(names)s.") % {
            "names": quoted(query.columns)
        }
    else:
        columns = _("Muestra todas las columnas.")
    filters = (
        " ".join(_filter_sentence(f) for f in query.filters)
        if query.filters
        else _("Sin filtro: usa todas las filas.")
    )
    groups = (
        _("Junta las filas que tienen igual %(names)s: una fila por cada valor.")
        % {"names": quoted(query.group_by)}
        if query.group_by
        else _("Sin grupos: cada fila del resultado es una fila de los datos.")
    )
    sort = _sort_sentence(query, order, limit)
    where_sql = " AND ".join(w.shown for w in where)
    return (
        StepExplanation("columnas", _("Columnas"), columns, f"SELECT {select.shown}"),
        StepExplanation(
            "filtro", _("Filtrar"), filters, f"WHERE {where_sql}" if where else ""
        ),
        StepExplanation(
            "grupos",
            _("Agrupar"),
            groups,
            f"GROUP BY {group.shown}" if group.sql else "",
        ),
        StepExplanation(
            "calculo", _("Calcular"), _measure_sentence(query), select.shown
        ),
        StepExplanation(
            "orden",
            _("Ordenar"),
            sort,
            (f"ORDER BY {order.shown}\n" if order.sql else "") + f"LIMIT {limit}",
        ),
    )


def _filter_sentence(rule: Filter) -> str:
    if rule.op.needs_value:
        return _("Deja las filas en que «%(column)s» %(op)s «%(value)s».") % {
            "column": rule.column,
            "op": filter_op_label(rule.op),
            "value": rule.value.strip(),
        }
    return _("Deja las filas en que «%(column)s» %(op)s.") % {
        "column": rule.column,
        "op": filter_op_label(rule.op),
    }


def _measure_sentence(query: BuilderQuery) -> str:
    measure = query.measure or (Measure.COUNT if query.group_by else None)
    if measure is None:
        return _("Sin cálculo: muestra las filas tal como están.")
    where = _("en cada grupo") if query.group_by else _("en todas las filas")
    if measure is Measure.COUNT:
        return _("Cuenta las filas %(where)s (columna «filas»).") % {"where": where}
    sentences = {
        Measure.SUM: _("Suma «%(column)s» %(where)s."),
        Measure.AVERAGE: _("Calcula el promedio de «%(column)s» %(where)s."),
        Measure.MINIMUM: _("Busca el valor más bajo de «%(column)s» %(where)s."),
        Measure.MAXIMUM: _("Busca el valor más alto de «%(column)s» %(where)s."),
    }
    if measure is Measure.SHARE:
        return _(
            "Calcula el porcentaje %(where)s: la suma de «%(column)s» en las filas "
            "cuyo «%(kind)s» empieza por «%(part)s», dividida por la suma en las "
            "que empieza por «%(whole)s», por 100."
        ) % {
            "where": where,
            "column": query.measure_column,
            "kind": query.share_column,
            "part": query.share_part.strip(),
            "whole": query.share_whole.strip(),
        }
    return sentences[measure] % {"column": query.measure_column, "where": where}


def _sort_sentence(query: BuilderQuery, order: _Clause, limit: int) -> str:
    rows = ngettext(
        "Muestra como máximo %(count)s fila.",
        "Muestra como máximo %(count)s filas.",
        limit,
    ) % {"count": limit}
    if not order.sql:
        return _("Deja las filas en el orden del archivo.") + " " + rows
    if not query.sort_by:
        return _("Ordena por los grupos, de la A a la Z.") + " " + rows
    target = measure_alias(query) if query.sort_by == MEASURE_SORT else query.sort_by
    direction = _("de mayor a menor") if query.descending else _("de menor a mayor")
    return (
        _("Ordena por «%(column)s», %(direction)s.")
        % {"column": target, "direction": direction}
        + " "
        + rows
    )
