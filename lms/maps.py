"""The city's reference boundaries drawn as inline SVG paths, on the server.

Both public maps (a locality's UPZ in citizen monitoring, the 20 localities in
the open-data labs) are SVG in the page: a phone reads them without JavaScript,
tiles or a CDN, offline, and a screen reader gets each area's title. The
geometry is GEOS's, through shapely: fitting lon/lat onto the drawing (an
affine transform), dropping what does not show at the drawn size
(topology-preserving Douglas-Peucker) and finding where a figure goes (the pole
of inaccessibility, which stays inside a bent shape where a centroid may not).
This module only writes path text; it knows nothing of the project (a leaf of
the import-linter layers, like ``lms.spreadsheets``).

Bogotá spans a few tens of kilometres near the equator, so a plane projection
(longitude shrunk by the cosine of the middle latitude, so distances are true in
both directions) is exact enough; the reference files are EPSG:4686, which
matches WGS84 within about a metre.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

__all__ = ["Drawn", "Frame", "bounds_of", "draw", "fit", "geometry", "label_point"]

Bounds = tuple[float, float, float, float]  # west, south, east, north


def geometry(geojson_geometry: dict) -> BaseGeometry:
    """A GeoJSON geometry (Polygon or MultiPolygon) as a shapely one, in 2D."""
    return shape(geojson_geometry)


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a lon/lat box goes on the drawing: x = a·lon + x0, y = -s·lat + y0
    (north up), and the drawing's size in SVG units."""

    a: float  # SVG units per degree of longitude (shrunk by the latitude)
    scale: float  # SVG units per degree of latitude
    x0: float
    y0: float
    width: float
    height: float

    def place(self, shapes: BaseGeometry) -> BaseGeometry:
        return affinity.affine_transform(
            shapes, [self.a, 0.0, 0.0, -self.scale, self.x0, self.y0]
        )


def fit(
    bounds: Bounds,
    *,
    width: float,
    height: float | None = None,
    padding: float = 0.0,
    origin: tuple[float, float] = (0.0, 0.0),
) -> Frame:
    """The frame that fits ``bounds`` in ``width`` (and ``height``, if given)
    less ``padding`` on each side, with its top-left corner at ``origin``."""
    west, south, east, north = bounds
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (width - 2 * padding) / span_x
    if height is not None:
        scale = min(scale, (height - 2 * padding) / span_y)
    return Frame(
        a=shrink * scale,
        scale=scale,
        x0=origin[0] + padding - west * shrink * scale,
        y0=origin[1] + padding + north * scale,
        width=span_x * scale + 2 * padding,
        height=span_y * scale + 2 * padding,
    )


@dataclass(frozen=True, slots=True)
class Drawn:
    """One area as drawn: the ``d`` of its path and where its figure goes."""

    path: str
    label_x: float
    label_y: float


def draw(
    shapes: BaseGeometry, frame: Frame, *, tolerance: float, decimals: int = 0
) -> Drawn | None:
    """``shapes`` (lon/lat) placed in ``frame``, simplified to ``tolerance`` SVG
    units and rounded to ``decimals``; None if nothing of it shows at this size."""
    placed = frame.place(shapes).simplify(tolerance, preserve_topology=True)
    rounded = (
        _rounded(ring.coords, decimals)
        for polygon in _polygons(placed)
        for ring in (polygon.exterior, *polygon.interiors)
    )
    rings = [points for points in rounded if points]
    if not rings:
        return None
    x, y = label_point(placed)
    return Drawn(_path(rings, decimals), round(x, decimals), round(y, decimals))


def label_point(shapes: BaseGeometry) -> tuple[float, float]:
    """A point well inside the largest part of ``shapes``, for its figure."""
    largest = max(_polygons(shapes), key=lambda polygon: polygon.area)
    size = math.sqrt(largest.area) or 1.0
    point = polylabel(largest, tolerance=size / 50)
    return point.x, point.y


def bounds_of(shapes: Iterable[BaseGeometry]) -> Bounds:
    """The lon/lat box around all of ``shapes``."""
    return unary_union(list(shapes)).bounds


def _polygons(shapes: BaseGeometry) -> Iterator[Polygon]:
    if isinstance(shapes, Polygon):
        if not shapes.is_empty:
            yield shapes
    elif isinstance(shapes, MultiPolygon):
        yield from (polygon for polygon in shapes.geoms if not polygon.is_empty)
    elif hasattr(shapes, "geoms"):  # a collection left by simplification
        for part in shapes.geoms:
            yield from _polygons(part)


def _rounded(coords, decimals: int) -> list[tuple[float, float]]:
    """The ring's points rounded, repeats dropped, open (the path's «z» closes
    it); empty if fewer than three distinct points are left."""
    points: list[tuple[float, float]] = []
    for x, y, *_z in coords:
        point = (round(x, decimals), round(y, decimals))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points if len(set(points)) >= 3 else []


def _path(rings: list[list[tuple[float, float]]], decimals: int) -> str:
    """Each ring from an absolute start, then relative steps (shorter), closed
    with «z». Holes are drawn by the even-odd rule, whatever their direction."""

    def number(value: float) -> str:
        text = f"{value:.{decimals}f}"
        return "0" if text in {"-0", "-0.0"} else text

    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.append(f"{number(nx - x)} {number(ny - y)}")
            x, y = nx, ny
        parts.append(f"M{number(ring[0][0])} {number(ring[0][1])}l{' '.join(steps)}z")
    # «1 -2» and «1-2» read the same; the shorter goes out.
    return "".join(parts).replace(" -", "-")
