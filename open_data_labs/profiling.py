"""The profile of a snapshot: per column what a learner should know before analysing.

Per column: type, missing and distinct values, minimum and maximum, a small
histogram (numbers, dates) or the most frequent values (text). Flags point at
what a good data-quality tool would: outliers (1.5 times the interquartile range),
impossible ratios (a percentage above 100, a part bigger than its total), totals
mixed with the parts, and places that are not one of Bogotá's 20 localities
(or localities that are missing). Numbers are written the Colombian way.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import duckdb

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
from .profile_flags import (
    format_number,
    outlier_flags,
    place_flags,
    ratio_flags,
    share_flags,
    wide_flags,
)

__all__ = ["compute_profile", "format_number", "profile_from_json", "profile_to_json"]

PROFILE_FORMAT = 1
_BINS = 10


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
    table_flags = wide_flags(columns) + ratio_flags(con, table, columns)
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
        flags += outlier_flags(con, table, column, labels)
        flags += share_flags(con, table, column)
    elif column.type in (ColumnType.DATE, ColumnType.TIMESTAMP) and low is not None:
        histogram = _by_year(con, table, col)
    else:
        top = _top_values(con, table, col)
        if column.type is ColumnType.TEXT:
            flags += place_flags(con, table, column, int(distinct))
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
