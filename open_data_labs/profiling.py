"""The profile of a snapshot: per column what a learner should know before analysing.

Per column: type, missing and distinct values, minimum and maximum, a small
histogram (numbers, dates) or the most frequent values (text). Flags point at
what a good data-quality tool would: outliers (1.5 times the interquartile range),
impossible ratios (a percentage above 100, a part bigger than its total), totals
mixed with the parts, and places that are not one of Bogotá's 20 localities
(or localities that are missing). Numbers are written the Colombian way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from typing import Any

import duckdb

from . import places
from .data import (
    Bin,
    ColumnData,
    ColumnProfile,
    ColumnType,
    Flag,
    FlagKind,
    SnapshotProfile,
)
from .engine import ident

__all__ = ["compute_profile", "format_number", "profile_from_json", "profile_to_json"]

PROFILE_FORMAT = 1
_BINS = 10
_PERCENT_NAME = re.compile(r"(^|_)(porcentaje|porc|pct|percent)(_|$)|%")
_UNIVERSE_NAME = re.compile(r"potencial|censo|habilitad|inscrit|poblacion")


def format_number(value: float | int | None) -> str:
    """1234567.5 → "1.234.567,5" (es-CO); integers without decimals."""
    if value is None:
        return "—"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9%]+", "_", text.lower()).strip("_")


def _shown(value: Any, kind: ColumnType) -> str | None:
    if value is None:
        return None
    if kind.is_numeric:
        return format_number(value)
    return str(value)


def compute_profile(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[ColumnData]
) -> SnapshotProfile:
    """Profile ``table`` (a DuckDB relation over the snapshot's Parquet)."""
    row_count = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    labels = [c.name for c in columns if c.type is ColumnType.TEXT][:2]
    profiles = [_column(con, table, column, labels) for column in columns]
    table_flags = _wide_flags(columns) + _ratio_flags(con, table, columns)
    return SnapshotProfile(
        row_count=row_count, columns=tuple(profiles), flags=tuple(table_flags)
    )


def _column(
    con: duckdb.DuckDBPyConnection, table: str, column: ColumnData, labels: list[str]
) -> ColumnProfile:
    col = ident(column.name)
    missing, distinct, low, high = con.execute(
        f"SELECT count(*) - count({col}), count(DISTINCT {col}), "
        f"min({col}), max({col}) FROM {table}"
    ).fetchone()
    histogram: tuple[Bin, ...] = ()
    top: tuple[Bin, ...] = ()
    flags: list[Flag] = []
    if column.type.is_numeric and low is not None:
        histogram = _histogram(con, table, col, float(low), float(high))
        flags += _outliers(con, table, column, labels)
        flags += _share_flags(con, table, column)
    elif column.type in (ColumnType.DATE, ColumnType.TIMESTAMP) and low is not None:
        histogram = _by_year(con, table, col)
    else:
        top = _top_values(con, table, col)
        if column.type is ColumnType.TEXT:
            flags += _place_flags(con, table, column, int(distinct))
    return ColumnProfile(
        name=column.name,
        type=column.type,
        unit=column.unit,
        missing=int(missing),
        distinct=int(distinct),
        minimum=_shown(low, column.type),
        maximum=_shown(high, column.type),
        histogram=histogram,
        top_values=top,
        flags=tuple(flags),
    )


def _histogram(
    con: duckdb.DuckDBPyConnection, table: str, col: str, low: float, high: float
) -> tuple[Bin, ...]:
    if low == high:
        count = con.execute(f"SELECT count({col}) FROM {table}").fetchone()[0]
        return (Bin(format_number(low), int(count)),)
    width = (high - low) / _BINS
    rows = dict(
        con.execute(
            f"SELECT least(CAST(floor(({col} - ?) / ?) AS INTEGER), {_BINS - 1}) "
            f"AS _tramo_, count(*) FROM {table} WHERE {col} IS NOT NULL "
            "GROUP BY _tramo_",
            [low, width],
        ).fetchall()
    )
    return tuple(
        Bin(
            f"{format_number(low + i * width)} a {format_number(low + (i + 1) * width)}",
            int(rows.get(i, 0)),
        )
        for i in range(_BINS)
    )


def _by_year(con: duckdb.DuckDBPyConnection, table: str, col: str) -> tuple[Bin, ...]:
    rows = con.execute(
        f"SELECT year({col}) AS _anio_, count(*) FROM {table} "
        f"WHERE {col} IS NOT NULL GROUP BY _anio_ ORDER BY _anio_ LIMIT 30"
    ).fetchall()
    return tuple(Bin(str(y), int(n)) for y, n in rows)


def _top_values(
    con: duckdb.DuckDBPyConnection, table: str, col: str
) -> tuple[Bin, ...]:
    rows = con.execute(
        f"SELECT CAST({col} AS VARCHAR) AS _valor_, count(*) AS _filas_ "
        f"FROM {table} WHERE {col} IS NOT NULL GROUP BY _valor_ "
        "ORDER BY _filas_ DESC, _valor_ LIMIT 8"
    ).fetchall()
    return tuple(Bin(str(v), int(n)) for v, n in rows)


def _label_sql(labels: list[str]) -> str:
    if not labels:
        return "''"
    parts = [f"coalesce(CAST({ident(name)} AS VARCHAR), '')" for name in labels]
    return " || ' · ' || ".join(parts)


def _outliers(
    con: duckdb.DuckDBPyConnection,
    table: str,
    column: ColumnData,
    labels: list[str],
) -> list[Flag]:
    col = ident(column.name)
    q1, q3, n, smallest, largest = con.execute(
        f"SELECT quantile_cont({col}, 0.25), quantile_cont({col}, 0.75), "
        f"count({col}), min({col}), max({col}) FROM {table}"
    ).fetchone()
    if n < 8 or q1 is None or q3 == q1:
        return []
    q1, q3 = float(q1), float(q3)  # DECIMAL columns of uploaded Parquet
    spread = 1.5 * (q3 - q1)
    low, high = q1 - spread, q3 + spread
    count, examples = con.execute(
        f"SELECT count(*), list(_e_ ORDER BY _d_ DESC)[1:5] FROM (SELECT "
        f"abs({col} - ?) AS _d_, CAST({col} AS VARCHAR) || "
        f"CASE WHEN {_label_sql(labels)} = '' THEN '' ELSE ' (' || "
        f"{_label_sql(labels)} || ')' END AS _e_ FROM {table} "
        f"WHERE {col} < ? OR {col} > ?)",
        [(q1 + q3) / 2, low, high],
    ).fetchone()
    if not count:
        return []
    shown = tuple(_pretty_example(e) for e in (examples or []))
    return [
        Flag(
            FlagKind.OUTLIER,
            column.name,
            f"{format_number(count)} valores de «{column.name}» están lejos del resto "
            f"({_fence(low, high, float(smallest), float(largest))}, según la regla "
            "de 1,5 veces el rango intercuartílico). Pueden ser errores de digitación, "
            "totales mezclados con las partes o casos reales: revíselos antes de "
            "sacar promedios.",
            shown,
        )
    ]


def _fence(low: float, high: float, smallest: float, largest: float) -> str:
    if smallest >= low:
        return f"mayores que {format_number(round(high, 2))}"
    if largest <= high:
        return f"menores que {format_number(round(low, 2))}"
    return f"fuera de {format_number(round(low, 2))} a {format_number(round(high, 2))}"


def _pretty_example(example: str) -> str:
    number, _, rest = example.partition(" ")
    try:
        return " ".join(filter(None, [format_number(float(number)), rest]))
    except ValueError:
        return example


def _share_flags(
    con: duckdb.DuckDBPyConnection, table: str, column: ColumnData
) -> list[Flag]:
    if column.unit != "%" and not _PERCENT_NAME.search(_plain(column.name)):
        return []
    col = ident(column.name)
    count, examples = con.execute(
        f"SELECT count(*), list(CAST({col} AS VARCHAR))[1:5] FROM {table} "
        f"WHERE {col} > 100 OR {col} < 0"
    ).fetchone()
    if not count:
        return []
    return [
        Flag(
            FlagKind.SHARE_OVER_100,
            column.name,
            f"«{column.name}» es un porcentaje, pero {format_number(count)} valores "
            "son mayores que 100 o negativos: ninguna parte es más del 100 % de su "
            "total. Revise cómo se calculó.",
            tuple(_pretty_example(e) for e in examples),
        )
    ]


def _ratio_flags(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[ColumnData]
) -> list[Flag]:
    numbers = [
        c
        for c in columns
        if c.type.is_numeric
        and c.unit != "%"
        and not _PERCENT_NAME.search(_plain(c.name))
    ]
    universes = [c for c in numbers if _UNIVERSE_NAME.search(_plain(c.name))]
    totals = [
        c
        for c in numbers
        if c not in universes and ("total" in _plain(c.name) or places.is_total(c.name))
    ]
    parts = [c for c in numbers if c not in universes and c not in totals]
    pairs = [(p, t) for t in totals + universes for p in parts]
    pairs += [(t, u) for u in universes for t in totals]
    flags = []
    for part, whole in pairs[:40]:
        p, w = ident(part.name), ident(whole.name)
        count = con.execute(f"SELECT count(*) FROM {table} WHERE {p} > {w}").fetchone()[
            0
        ]
        if count:
            flags.append(
                Flag(
                    FlagKind.PART_OVER_TOTAL,
                    part.name,
                    f"En {format_number(count)} filas «{part.name}» es mayor que "
                    f"«{whole.name}»: una parte no puede superar su total. Puede "
                    "ser un error de digitación o columnas que no se refieren a lo "
                    "mismo.",
                )
            )
    return flags


def _place_flags(
    con: duckdb.DuckDBPyConnection, table: str, column: ColumnData, distinct: int
) -> list[Flag]:
    if distinct > 1000:
        return []
    col = ident(column.name)
    values = [
        str(v)
        for (v,) in con.execute(
            f"SELECT DISTINCT {col} FROM {table} WHERE {col} IS NOT NULL"
        ).fetchall()
    ]
    matched = {v: places.locality_name(v) for v in values}
    found = {name for name in matched.values() if name}
    named_as_place = _plain(column.name) in {"localidad", "lugar", "localidades"}
    if len(found) < 3 and not named_as_place:
        return []
    totals = sorted(v for v in values if not matched[v] and places.is_total(v))
    others = sorted(v for v in values if not matched[v] and v not in totals)
    return _place_messages(
        column.name, totals, others, found, f"la columna «{column.name}»"
    )


def _place_messages(
    where: str, totals: list[str], others: list[str], found: set[str], said: str
) -> list[Flag]:
    flags = []
    if totals:
        flags.append(
            Flag(
                FlagKind.TOTAL_AMONG_PARTS,
                where,
                f"En {said} hay totales entre los lugares. Si suma o promedia los "
                "lugares, el total se cuenta dos veces: quítelo antes de analizar.",
                tuple(totals[:5]),
            )
        )
    if others:
        flags.append(
            Flag(
                FlagKind.NOT_A_LOCALITY,
                where,
                f"En {said} hay {len(others)} "
                f"{'lugar que no es' if len(others) == 1 else 'lugares que no son'} "
                "ninguna de las 20 "
                "localidades de Bogotá (pueden ser puestos especiales, zonas o "
                "errores de escritura). Decida si los incluye en la comparación.",
                tuple(others[:8]),
            )
        )
    missing = sorted(set(places.official_localities().values()) - found)
    if missing and len(found) >= 10:
        flags.append(
            Flag(
                FlagKind.MISSING_LOCALITIES,
                where,
                f"{'Falta' if len(missing) == 1 else 'Faltan'} {len(missing)} de las "
                f"20 localidades en {said}. Una "
                "comparación entre localidades quedaría incompleta: busque por qué "
                "no están.",
                tuple(missing),
            )
        )
    return flags


def _wide_flags(columns: list[ColumnData]) -> list[Flag]:
    """A wide table: one numeric column per place (before turning it)."""
    numeric = [c.name for c in columns if c.type.is_numeric]
    found = {places.locality_name(name) for name in numeric} - {None}
    if len(found) < 3:
        return []
    totals = [n for n in numeric if not places.locality_name(n) and places.is_total(n)]
    others = [n for n in numeric if not places.locality_name(n) and n not in totals]
    return _place_messages(
        "(tabla)", totals, others, {f for f in found if f}, "las columnas de lugares"
    )


def profile_to_json(profile: SnapshotProfile) -> dict[str, Any]:
    return {"format": PROFILE_FORMAT, **asdict(profile)}


def _flag(data: dict[str, Any]) -> Flag:
    return Flag(
        kind=FlagKind(data["kind"]),
        column=data["column"],
        message=data["message"],
        examples=tuple(data["examples"]),
    )


def profile_from_json(data: dict[str, Any] | None) -> SnapshotProfile | None:
    """The stored profile, or None when missing or of an older format."""
    if not data or data.get("format") != PROFILE_FORMAT:
        return None
    return SnapshotProfile(
        row_count=data["row_count"],
        columns=tuple(
            ColumnProfile(
                name=c["name"],
                type=ColumnType(c["type"]),
                unit=c["unit"],
                missing=c["missing"],
                distinct=c["distinct"],
                minimum=c["minimum"],
                maximum=c["maximum"],
                histogram=tuple(Bin(**b) for b in c["histogram"]),
                top_values=tuple(Bin(**b) for b in c["top_values"]),
                flags=tuple(_flag(f) for f in c["flags"]),
            )
            for c in data["columns"]
        ),
        flags=tuple(_flag(f) for f in data["flags"]),
    )
