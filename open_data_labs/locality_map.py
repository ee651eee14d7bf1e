"""A map of Bogotá's 20 localities coloured by a query result (a choropleth).

Drawn on the server as inline SVG by ``lms.maps`` (shapely), like the bar
charts: no JavaScript, no tiles or CDN, so it works on a phone, offline and for
a screen reader (each area has a title, and the page shows the same values as a
table). The boundaries are the city's reference
(``geo/bogota-localidades.geojson``, a copy of ``shared/reference/``), drawn
once per process.

A result is mapped when one of its text columns names localities (in any
spelling ``places`` reads: «KENNEDY», «Antonio_Nariño», «La Candelaria») and it
has a number column: the last one, as the bar chart does. Rows that are not a
locality (totals, «CARCELES») are listed beside the map, never coloured; a
locality named in two rows is not guessed at: the learner is told to group.

Sumapaz, which is rural and larger than the other nineteen together, is drawn
in an inset at a smaller scale, in the empty corner east of Usme.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from shapely.geometry import Point

from lms import maps

from .data import QueryResult
from .places import locality_name, normal_place

__all__ = ["LocalityMap", "locality_map"]

GEOJSON = Path(__file__).resolve().parent / "geo" / "bogota-localidades.geojson"
# ColorBrewer «Reds», 5 classes: sequential, readable in grey and by most
# colour-blind readers; the darkest is close to the site's red.
PALETTE = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
NO_DATA = "#e6e6e6"
WIDTH = 300.0  # SVG units of the main map's width
_INSET_NAME = "SUMAPAZ"
# Where the inset goes: the empty corner east of Usme (longitude, latitude).
_INSET_BOX = (-74.049, 4.275, -73.988, 4.505)
# Detail closer than this (SVG units) to a simplified line does not show.
_SIMPLIFY = 0.6
# A map needs at least this many localities in the result to be worth drawing.
MIN_LOCALITIES = 3


@dataclass(frozen=True)
class MapArea:
    name: str
    code: int
    path: str
    label_x: float
    label_y: float
    value: str  # formatted for the reader; "" without a value
    fill: str
    is_dark: bool  # the number label is drawn white on dark fills


@dataclass(frozen=True)
class LegendClass:
    fill: str
    low: str
    high: str


@dataclass(frozen=True)
class LocalityMap:
    """What the template draws: areas, legend, and the rows that are not areas."""

    caption: str
    place_column: str
    value_column: str
    width: float
    height: float
    inset: tuple[float, float, float, float]  # x, y, width, height of its frame
    areas: tuple[MapArea, ...]
    legend: tuple[LegendClass, ...]
    rows: tuple[tuple[int, str, str], ...]  # code, locality, value, by value
    without_value: tuple[str, ...]  # localities the result does not name
    not_localities: tuple[tuple[str, str], ...]  # place, value (totals, others)
    problem: str = ""  # why no colours were drawn (Spanish), if so


@dataclass(frozen=True)
class _Shape:
    name: str  # official name (tenants' reference)
    code: int
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class _Geometry:
    width: float
    height: float
    inset: tuple[float, float, float, float]
    shapes: tuple[_Shape, ...]


@functools.cache
def _geometry() -> _Geometry:
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    shapes = {
        int(f["properties"]["locality_code"]): (
            f["properties"]["locality_name"],
            maps.geometry(f["geometry"]),
        )
        for f in features
    }
    main = {
        code: pair
        for code, pair in shapes.items()
        if normal_place(pair[0]) != _INSET_NAME
    }
    frame = maps.fit(maps.bounds_of(s for _n, s in main.values()), width=WIDTH)
    # The inset: its frame in the main map's units, the shape fitted inside.
    x0, y0 = frame.place(Point(_INSET_BOX[0], _INSET_BOX[3])).coords[0]
    x1, y1 = frame.place(Point(_INSET_BOX[2], _INSET_BOX[1])).coords[0]
    box = (x0, y0, x1 - x0, y1 - y0)
    drawn = []
    for code, (name, shape) in shapes.items():
        where = frame
        if code not in main:
            where = maps.fit(
                shape.bounds,
                width=box[2] - 8,
                height=box[3] - 16,
                origin=(box[0] + 4, box[1] + 12),
            )
        area = maps.draw(shape, where, tolerance=_SIMPLIFY, decimals=1)
        if area is not None:
            drawn.append(
                _Shape(
                    locality_name(name) or name,
                    code,
                    area.path,
                    area.label_x,
                    area.label_y,
                )
            )
    return _Geometry(
        WIDTH, frame.height, box, tuple(sorted(drawn, key=lambda s: s.code))
    )


def _place_column(result: QueryResult) -> int | None:
    """The text column that names the most localities (at least a few)."""
    best, best_count = None, 0
    for i, column in enumerate(result.columns):
        if column.type is not None and column.type.is_numeric:
            continue
        count = sum(
            1
            for row in result.rows
            if isinstance(row[i], str) and locality_name(row[i])
        )
        if count > best_count:
            best, best_count = i, count
    return best if best_count >= MIN_LOCALITIES else None


def _classes(values: list[float]) -> list[float]:
    """Upper bounds of up to five classes by quantile (ties merged)."""
    ordered = sorted(values)
    bounds = []
    for k in range(1, len(PALETTE) + 1):
        bound = ordered[min(len(ordered) - 1, math.ceil(k * len(ordered) / 5) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def locality_map(
    result: QueryResult, format_value: Callable[[object], str]
) -> LocalityMap | None:
    """The choropleth of a result keyed by locality, or None if it is not one.

    ``format_value`` writes a value as the page does (the reader's locale).
    """
    numeric = [i for i, c in enumerate(result.columns) if c.type and c.type.is_numeric]
    place_at = _place_column(result) if numeric and result.rows else None
    if place_at is None:
        return None
    value_at = numeric[-1]
    by_locality: dict[str, float] = {}
    repeated: list[str] = []
    not_localities = []
    for row in result.rows:
        place, value = row[place_at], row[value_at]
        name = locality_name(place) if isinstance(place, str) else None
        if name is None:
            not_localities.append((format_value(place), format_value(value)))
        elif name in by_locality:
            repeated.append(name)
        elif value is not None:
            by_locality[name] = float(value)
    geometry = _geometry()
    problem = ""
    if repeated:
        problem = _(
            "«%(place)s» aparece en varias filas del resultado: agrupe por "
            "«%(column)s» (o filtre) para tener un valor por localidad."
        ) % {"place": repeated[0], "column": result.columns[place_at].name}
        by_locality = {}
    bounds = _classes(list(by_locality.values())) if by_locality else []
    areas, rows = [], []
    for shape in geometry.shapes:
        value = by_locality.get(shape.name)
        index = _class_of(value, bounds)
        fill = NO_DATA if index is None else PALETTE[_spread(index, len(bounds))]
        areas.append(
            MapArea(
                shape.name,
                shape.code,
                shape.path,
                round(shape.label_x, 1),
                round(shape.label_y, 1),
                "" if value is None else format_value(_natural(value)),
                fill,
                index is not None and _spread(index, len(bounds)) >= 3,
            )
        )
        if value is not None:
            rows.append((shape.code, shape.name, value))
    rows.sort(key=lambda r: (-r[2], r[0]))
    value_name = result.columns[value_at].name
    place_name = result.columns[place_at].name
    return LocalityMap(
        caption=_("«%(value)s» por localidad (columna «%(place)s»)")
        % {"value": value_name, "place": place_name},
        place_column=place_name,
        value_column=value_name,
        width=geometry.width,
        height=round(geometry.height, 1),
        inset=tuple(round(v, 1) for v in geometry.inset),  # type: ignore[arg-type]
        areas=tuple(areas),
        legend=_legend(bounds, sorted(by_locality.values()), format_value),
        rows=tuple((c, n, format_value(_natural(v))) for c, n, v in rows),
        without_value=tuple(a.name for a in areas if not a.value),
        not_localities=tuple(sorted(not_localities)),
        problem=problem,
    )


def _natural(value: float) -> float | int:
    return int(value) if value.is_integer() else value


def _class_of(value: float | None, bounds: list[float]) -> int | None:
    if value is None or not bounds:
        return None
    return next(
        (i for i, bound in enumerate(bounds) if value <= bound), len(bounds) - 1
    )


def _spread(index: int, count: int) -> int:
    """Palette position of class ``index`` of ``count``: fewer classes use the
    ends of the palette, so two classes are light and dark, not two lights."""
    if count <= 1:
        return len(PALETTE) - 1
    return round(index * (len(PALETTE) - 1) / (count - 1))


def _legend(
    bounds: list[float], values: list[float], format_value
) -> tuple[LegendClass, ...]:
    legend = []
    low = values[0] if values else 0.0
    for i, high in enumerate(bounds):
        members = [v for v in values if v <= high and (i == 0 or v > bounds[i - 1])]
        first = members[0] if members else low
        legend.append(
            LegendClass(
                PALETTE[_spread(i, len(bounds))],
                format_value(_natural(first)),
                format_value(_natural(high)),
            )
        )
    return tuple(legend)
