"""The typing step of a new snapshot: a raw table of text becomes typed columns.

A reader (``reading.py``) or a portal (``portals.py``) leaves a table of text in
DuckDB; ``type_columns`` decides each column's type with ``typing_rules``
(Colombian numbers, codes with leading zeros kept as text, dates) and writes the
table "typed" that ``snapshots.store_table`` stores as Parquet.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
from django.utils.translation import gettext as _

from . import typing_rules
from .data import ColumnData, ColumnType
from .engine import ident, literal
from .reading import DataFileRefused, RawTable

__all__ = ["Builder", "type_columns", "typed_from_raw"]

# Fills the DuckDB table "typed" in the connection; returns its columns and notes.
Builder = Callable[[duckdb.DuckDBPyConnection], tuple[list[ColumnData], list[str]]]


def typed_from_raw(raw: RawTable) -> Builder:
    def build(con: duckdb.DuckDBPyConnection) -> tuple[list[ColumnData], list[str]]:
        path = literal(str(raw.path))
        try:
            if raw.kind == "parquet":
                con.execute(f"CREATE TABLE raw AS SELECT * FROM read_parquet({path})")
            else:
                con.execute(
                    f"CREATE TABLE raw AS SELECT * FROM read_csv({path}, header=true, "
                    "all_varchar=true, delim=',', quote='\"', escape='\"', "
                    "strict_mode=true)"
                )
        except duckdb.Error as exc:
            raise DataFileRefused(
                _(
                    "No se pudo leer la tabla del archivo (está dañado o truncado). "
                    "Expórtelo de nuevo desde su programa y súbalo."
                )
            ) from exc
        return type_columns(con, "raw", hint=raw.decimal_hint, notes=raw.notes)

    return build


def type_columns(
    con: duckdb.DuckDBPyConnection, table: str, *, hint: str, notes: list[str]
) -> tuple[list[ColumnData], list[str]]:
    described = con.execute(f"DESCRIBE {table}").fetchall()
    selects, columns, notes = [], [], list(notes)
    for name, duck_type, *_rest in described:
        known = typing_rules.type_of_duckdb(duck_type)
        if known is not None:
            cast = {"entero": "BIGINT", "decimal": "DOUBLE"}.get(known.value)
            selects.append(f"CAST({ident(name)} AS {cast})" if cast else ident(name))
            columns.append(ColumnData(name=name, type=known))
            continue
        if duck_type.upper() != "VARCHAR":
            notes.append(
                _("«%(name)s» (%(type)s) se guardó como texto.")
                % {"name": name, "type": duck_type}
            )
            selects.append(f"CAST({ident(name)} AS VARCHAR)")
            columns.append(ColumnData(name=name, type=ColumnType.TEXT))
            continue
        choice = typing_rules.infer(con, table, name, decimal_hint=hint)
        if choice.note:
            notes.append(choice.note)
        selects.append(typing_rules.cast_sql(name, choice))
        columns.append(typing_rules.column_data(name, choice))
    select = ", ".join(
        f"{s} AS {ident(c.name)}" for s, c in zip(selects, columns, strict=True)
    )
    con.execute(f"CREATE TABLE typed AS SELECT {select} FROM {table}")
    return columns, notes
