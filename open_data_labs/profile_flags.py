"""The profile's flags: suspicious values explained in plain words.

Outliers (1.5 times the interquartile range), percentages over 100, a part larger
than its total, totals among places, places that are not one of the 20
localities, localities missing. Each flag carries a message (computed once, in
the language active when the version was stored, and kept with the profile) and
a few examples. Numbers inside stored messages are written as es-CO does.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import places
from .data import ColumnData, Flag, FlagKind
from .engine import ident

__all__ = [
    "format_number",
    "outlier_flags",
    "place_flags",
    "plain_name",
    "ratio_flags",
    "share_flags",
    "wide_flags",
]

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


def plain_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9%]+", "_", text.lower()).strip("_")


def _label_sql(labels: list[str]) -> str:
    if not labels:
        return "''"
    parts = [f"coalesce(CAST({ident(name)} AS VARCHAR), '')" for name in labels]
    return " || ' · ' || ".join(parts)


def outlier_flags(
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
            _(
                "%(count)s valores de «%(column)s» están lejos del resto "
                "(%(fence)s, según la regla de 1,5 veces el rango "
                "intercuartílico). Pueden ser errores de digitación, totales "
                "mezclados con las partes o casos reales: revíselos antes de sacar "
                "promedios."
            )
            % {
                "count": format_number(count),
                "column": column.name,
                "fence": _fence(low, high, float(smallest), float(largest)),
            },
            shown,
        )
    ]


def _fence(low: float, high: float, smallest: float, largest: float) -> str:
    bounds = {
        "low": format_number(round(low, 2)),
        "high": format_number(round(high, 2)),
    }
    if smallest >= low:
        return _("mayores que %(high)s") % bounds
    if largest <= high:
        return _("menores que %(low)s") % bounds
    return _("fuera de %(low)s a %(high)s") % bounds


def _pretty_example(example: str) -> str:
    number, _space, rest = example.partition(" ")
    try:
        return " ".join(filter(None, [format_number(float(number)), rest]))
    except ValueError:
        return example


def share_flags(
    con: duckdb.DuckDBPyConnection, table: str, column: ColumnData
) -> list[Flag]:
    if column.unit != "%" and not _PERCENT_NAME.search(plain_name(column.name)):
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
            _(
                "«%(column)s» es un porcentaje, pero %(count)s valores son mayores "
                "que 100 o negativos: ninguna parte es más del 100 %% de su total. "
                "Revise cómo se calculó."
            )
            % {"column": column.name, "count": format_number(count)},
            tuple(_pretty_example(e) for e in examples),
        )
    ]


def ratio_flags(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[ColumnData]
) -> list[Flag]:
    numbers = [
        c
        for c in columns
        if c.type.is_numeric
        and c.unit != "%"
        and not _PERCENT_NAME.search(plain_name(c.name))
    ]
    universes = [c for c in numbers if _UNIVERSE_NAME.search(plain_name(c.name))]
    totals = [
        c
        for c in numbers
        if c not in universes
        and ("total" in plain_name(c.name) or places.is_total(c.name))
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
                    _(
                        "En %(count)s filas «%(part)s» es mayor que «%(whole)s»: una "
                        "parte no puede superar su total. Puede ser un error de "
                        "digitación o columnas que no se refieren a lo mismo."
                    )
                    % {
                        "count": format_number(count),
                        "part": part.name,
                        "whole": whole.name,
                    },
                )
            )
    return flags


def place_flags(
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
    named_as_place = plain_name(column.name) in {"localidad", "lugar", "localidades"}
    if len(found) < 3 and not named_as_place:
        return []
    totals = sorted(v for v in values if not matched[v] and places.is_total(v))
    others = sorted(v for v in values if not matched[v] and v not in totals)
    return _place_messages(
        column.name,
        totals,
        others,
        found,
        _("la columna «%(column)s»") % {"column": column.name},
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
                _(
                    "En %(where)s hay totales entre los lugares. Si suma o promedia "
                    "los lugares, el total se cuenta dos veces: quítelo antes de "
                    "analizar."
                )
                % {"where": said},
                tuple(totals[:5]),
            )
        )
    if others:
        flags.append(
            Flag(
                FlagKind.NOT_A_LOCALITY,
                where,
                ngettext(
                    "En %(where)s hay %(count)s lugar que no es ninguna de las 20 "
                    "localidades de Bogotá (pueden ser puestos especiales, zonas o "
                    "errores de escritura). Decida si los incluye en la comparación.",
                    "En %(where)s hay %(count)s lugares que no son ninguna de las 20 "
                    "localidades de Bogotá (pueden ser puestos especiales, zonas o "
                    "errores de escritura). Decida si los incluye en la comparación.",
                    len(others),
                )
                % {"where": said, "count": len(others)},
                tuple(others[:8]),
            )
        )
    missing = sorted(set(places.official_localities().values()) - found)
    if missing and len(found) >= 10:
        flags.append(
            Flag(
                FlagKind.MISSING_LOCALITIES,
                where,
                ngettext(
                    "Falta %(count)s de las 20 localidades en %(where)s. Una "
                    "comparación entre localidades quedaría incompleta: busque por "
                    "qué no están.",
                    "Faltan %(count)s de las 20 localidades en %(where)s. Una "
                    "comparación entre localidades quedaría incompleta: busque por "
                    "qué no están.",
                    len(missing),
                )
                % {"where": said, "count": len(missing)},
                tuple(missing),
            )
        )
    return flags


def wide_flags(columns: list[ColumnData]) -> list[Flag]:
    """A wide table: one numeric column per place (before turning it)."""
    numeric = [c.name for c in columns if c.type.is_numeric]
    found = {places.locality_name(name) for name in numeric} - {None}
    if len(found) < 3:
        return []
    totals = [n for n in numeric if not places.locality_name(n) and places.is_total(n)]
    others = [n for n in numeric if not places.locality_name(n) and n not in totals]
    return _place_messages(
        "(tabla)",
        totals,
        others,
        {f for f in found if f},
        _("las columnas de lugares"),
    )
