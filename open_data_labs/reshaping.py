"""New versions made from a stored one: "turn the table" and type corrections.

Both write a new snapshot (``derived_from`` the one they read) instead of changing
the stored file: an exercise pinned to version n keeps the rows and the types
its expected answers were computed on, and the new version says what changed.
Also the read-only views of a version: its first rows and its profile.
"""

from __future__ import annotations

import duckdb
from django.utils.translation import gettext as _

from . import places, profiling, typing_rules
from .data import (
    ColumnData,
    ColumnType,
    Origin,
    SnapshotData,
    SnapshotProfile,
    TablePreview,
    TurnSuggestion,
)
from .engine import connect, ident, literal
from .labels import column_type_label
from .models import Snapshot as _Snapshot
from .profiling import format_number
from .snapshots import (
    Provenance,
    get_snapshot,
    local_path,
    snapshot_path,
    store_table,
)

__all__ = [
    "ReshapeRefused",
    "get_profile",
    "preview_snapshot",
    "preview_turn",
    "retype_column",
    "suggest_turn",
    "turn_table",
]


class ReshapeRefused(ValueError):
    """The requested change cannot be made; the message says why (Spanish)."""


def _source(dataset_key: str, version: int) -> str:
    return f"read_parquet({literal(str(snapshot_path(dataset_key, version)))})"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("sí") if value else _("no")
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def preview_snapshot(
    dataset_key: str,
    version: int,
    *,
    limit: int = 20,
    snapshot: SnapshotData | None = None,
) -> TablePreview:
    """The first rows of a version, as text written the Colombian way.

    ``snapshot``: that version, when the caller (a page) has already read it.
    """
    if snapshot is None or (snapshot.dataset_key, snapshot.version) != (
        dataset_key,
        version,
    ):
        snapshot = get_snapshot(dataset_key, version)
    source = f"read_parquet({literal(str(local_path(snapshot)))})"
    with connect() as con:
        rows = con.execute(f"SELECT * FROM {source} LIMIT ?", [limit]).fetchall()
    return TablePreview(
        columns=snapshot.columns,
        rows=tuple(tuple(_cell(v) for v in row) for row in rows),
        row_count=snapshot.row_count,
    )


def get_profile(dataset_key: str, version: int) -> SnapshotProfile:
    """The version's profile (computed once when stored, recomputed if outdated)."""
    row = _Snapshot.objects.select_related("dataset").get(
        dataset__key=dataset_key, version=version
    )
    stored = profiling.profile_from_json(row.profile)
    if stored is not None:
        return stored
    snapshot = get_snapshot(dataset_key, version)
    with connect() as con:
        profile = profiling.compute_profile(
            con, _source(dataset_key, version), list(snapshot.columns)
        )
    row.profile = profiling.profile_to_json(profile)
    row.save(update_fields=["profile"])
    return profile


def suggest_turn(dataset_key: str, version: int) -> TurnSuggestion:
    """Which columns to turn into rows: the numeric ones named like places."""
    columns = get_snapshot(dataset_key, version).columns
    numeric = [c.name for c in columns if c.type.is_numeric]
    placed = [n for n in numeric if places.locality_name(n) or places.is_total(n)]
    others = tuple(c.name for c in columns if c.name not in numeric)
    if len(placed) >= 3:
        reason = _(
            "%(count)s columnas numéricas tienen nombre de localidad o de total: "
            "es una tabla ancha, con una columna por lugar. Se proponen todas las "
            "columnas numéricas; quite las que no sean lugares."
        ) % {"count": len(placed)}
        return TurnSuggestion(others, tuple(numeric), reason)
    return TurnSuggestion(
        others,
        (),
        _(
            "No se reconocieron columnas con nombre de localidad: elija usted las "
            "columnas que son un lugar (o un año, o una categoría) cada una."
        ),
    )


def _turn_plan(
    snapshot: SnapshotData,
    id_columns: list[str],
    value_columns: list[str],
    names_to: str,
    values_to: str,
) -> tuple[str, list[ColumnData]]:
    by_name = {c.name: c for c in snapshot.columns}
    unknown = [n for n in id_columns + value_columns if n not in by_name]
    if unknown:
        raise ReshapeRefused(
            _("Estas columnas no existen: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if len(value_columns) < 2:
        raise ReshapeRefused(
            _(
                "Elija al menos dos columnas para voltear (por ejemplo, una por localidad)."
            )
        )
    if set(id_columns) & set(value_columns):
        raise ReshapeRefused(
            _(
                "Una columna no puede quedarse y voltearse a la vez: elija una sola opción "
                "para cada columna."
            )
        )
    names_to, values_to = names_to.strip(), values_to.strip()
    if not names_to or not values_to or names_to.lower() == values_to.lower():
        raise ReshapeRefused(
            _(
                "Escriba dos nombres distintos: uno para la columna de los lugares y "
                "otro para la de los valores."
            )
        )
    if {names_to.lower(), values_to.lower()} & {n.lower() for n in id_columns}:
        raise ReshapeRefused(
            _("Los nombres nuevos ya son de columnas que se quedan: elija otros.")
        )
    kinds = {by_name[n].type for n in value_columns}
    if not all(k.is_numeric for k in kinds) and len(kinds) > 1:
        raise ReshapeRefused(
            _(
                "Las columnas a voltear deben ser todas números o todas texto; estas "
                "no: %(columns)s. Corrija el tipo de la que está mal y vuelva a "
                "intentarlo."
            )
            % {
                "columns": ", ".join(
                    f"{n} ({column_type_label(by_name[n].type)})" for n in value_columns
                )
            }
        )
    kind = kinds.pop() if len(kinds) == 1 else ColumnType.DECIMAL
    cast = {"entero": "BIGINT", "decimal": "DOUBLE"}.get(kind.value, "VARCHAR")
    select = ", ".join(
        [ident(n) for n in id_columns]
        + [f"CAST({ident(n)} AS {cast}) AS {ident(n)}" for n in value_columns]
    )
    sql = (
        f"SELECT * FROM (SELECT {select} FROM {{source}}) AS wide "
        f"UNPIVOT INCLUDE NULLS ({ident(values_to)} FOR {ident(names_to)} IN "
        f"({', '.join(ident(n) for n in value_columns)}))"
    )
    columns = [by_name[n] for n in id_columns] + [
        ColumnData(names_to, ColumnType.TEXT),
        ColumnData(values_to, kind, unit=by_name[value_columns[0]].unit),
    ]
    return sql, columns


def preview_turn(
    dataset_key: str,
    version: int,
    *,
    id_columns: list[str],
    value_columns: list[str],
    names_to: str = "lugar",
    values_to: str = "valor",
    limit: int = 12,
) -> TablePreview:
    """What turning the table would give (first rows), without storing anything."""
    snapshot = get_snapshot(dataset_key, version)
    sql, columns = _turn_plan(snapshot, id_columns, value_columns, names_to, values_to)
    source = _source(dataset_key, version)
    with connect() as con:
        rows = con.execute(
            f"SELECT * FROM ({sql.format(source=source)}) LIMIT ?",
            [limit],
        ).fetchall()
    return TablePreview(
        columns=tuple(columns),
        rows=tuple(tuple(_cell(v) for v in row) for row in rows),
        row_count=snapshot.row_count * len(value_columns),
    )


def turn_table(
    dataset_key: str,
    version: int,
    *,
    id_columns: list[str],
    value_columns: list[str],
    names_to: str = "lugar",
    values_to: str = "valor",
    created_by_id: int | None = None,
) -> SnapshotData:
    """Unpivot a wide table (one column per place) into a new, long version.

    Each chosen column becomes rows: its name goes to ``names_to`` and its value
    to ``values_to``; ``id_columns`` repeat on every row; other columns are left
    out. Empty values are kept, so the profile still counts them.
    """
    snapshot = get_snapshot(dataset_key, version)
    sql, columns = _turn_plan(snapshot, id_columns, value_columns, names_to, values_to)
    source = _source(dataset_key, version)

    def build(con: duckdb.DuckDBPyConnection) -> tuple[list[ColumnData], list[str]]:
        con.execute(f"CREATE TABLE typed AS {sql.format(source=source)}")
        return columns, [
            _(
                "Tabla volteada desde la versión %(version)s: %(count)s columnas "
                "(%(names)s) pasaron a las columnas «%(names_to)s» y «%(values_to)s»."
            )
            % {
                "version": version,
                "count": len(value_columns),
                "names": ", ".join(value_columns[:6])
                + ("…" if len(value_columns) > 6 else ""),
                "names_to": names_to,
                "values_to": values_to,
            }
        ]

    return store_table(dataset_key, build, _derived(snapshot, version, created_by_id))


def _derived(
    snapshot: SnapshotData, version: int, created_by_id: int | None
) -> Provenance:
    return Provenance(
        origin=Origin.DERIVED,
        detail=_("versión %(version)s") % {"version": version},
        source_url=snapshot.source_url,
        licence=snapshot.licence,
        retrieved_on=snapshot.retrieved_on,
        derived_from=version,
        created_by_id=created_by_id,
    )


def retype_column(
    dataset_key: str,
    version: int,
    column: str,
    new_type: ColumnType,
    *,
    created_by_id: int | None = None,
) -> SnapshotData:
    """A new version where ``column`` has ``new_type`` (a staff correction).

    Values that cannot be read as the new type become empty; the new version's
    notes say how many, so nobody loses data without knowing.
    """
    snapshot = get_snapshot(dataset_key, version)
    by_name = {c.name: c for c in snapshot.columns}
    if column not in by_name:
        raise ReshapeRefused(
            _("La columna «%(column)s» no existe en la versión %(version)s.")
            % {"column": column, "version": version}
        )
    current = by_name[column]
    if current.type is new_type:
        raise ReshapeRefused(
            _("«%(column)s» ya es %(type)s.")
            % {"column": column, "type": column_type_label(new_type).lower()}
        )
    if current.type is not ColumnType.TEXT and not (
        new_type is ColumnType.TEXT or (current.type.is_numeric and new_type.is_numeric)
    ):
        raise ReshapeRefused(
            _(
                "No se puede pasar de %(old)s a %(new)s. Pásela primero a texto y "
                "luego al tipo que quiere."
            )
            % {
                "old": column_type_label(current.type).lower(),
                "new": column_type_label(new_type).lower(),
            }
        )
    source = _source(dataset_key, version)

    def build(con: duckdb.DuckDBPyConnection) -> tuple[list[ColumnData], list[str]]:
        con.execute(f"CREATE TABLE src AS SELECT * FROM {source}")
        choice = _choice(con, current, new_type)
        expr = (
            typing_rules.cast_sql(column, choice)
            if current.type is ColumnType.TEXT
            else _number_cast(column, new_type)
        )
        select = ", ".join(
            f"{expr} AS {ident(c.name)}" if c.name == column else ident(c.name)
            for c in snapshot.columns
        )
        con.execute(f"CREATE TABLE typed AS SELECT {select} FROM src")
        before, after = con.execute(
            f"SELECT (SELECT count({ident(column)}) FROM src), "
            f"(SELECT count({ident(column)}) FROM typed)"
        ).fetchone()
        columns = [
            typing_rules.column_data(c.name, choice) if c.name == column else c
            for c in snapshot.columns
        ]
        note = _(
            "Tipo de «%(column)s» corregido: %(old)s → %(new)s (desde la versión "
            "%(version)s)."
        ) % {
            "column": column,
            "old": column_type_label(current.type).lower(),
            "new": column_type_label(new_type).lower(),
            "version": version,
        }
        lost = int(before) - int(after)
        if lost:
            note += " " + _(
                "%(count)s valores no se pudieron leer y quedaron vacíos."
            ) % {"count": format_number(lost)}
        return columns, [note]

    return store_table(dataset_key, build, _derived(snapshot, version, created_by_id))


def _choice(
    con: duckdb.DuckDBPyConnection, current: ColumnData, new_type: ColumnType
) -> typing_rules.Choice:
    if current.type is ColumnType.TEXT:
        return typing_rules.choose(con, "src", current.name, new_type, decimal_hint=",")
    return typing_rules.Choice(
        new_type, unit=current.unit if new_type.is_numeric else ""
    )


def _number_cast(column: str, new_type: ColumnType) -> str:
    col = ident(column)
    if new_type is ColumnType.TEXT:
        return f"CAST({col} AS VARCHAR)"
    if new_type is ColumnType.INTEGER:
        return f"CAST(round({col}) AS BIGINT)"
    return f"CAST({col} AS DOUBLE)"
