"""The map of a locality's UPZ, drawn on the server as inline SVG.

A phone reads it without JavaScript, a tile server or a map library: the
boundaries are copies of ``shared/reference/bogota-localidades.geojson`` and
``bogota-upz.geojson`` (SDP/IDECA, simplified to about 11 m, EPSG:4686, which
matches WGS84 within about 1 m) shipped in ``monitoring/data/``. A locality is
small (a few kilometres), so a plane projection is exact enough: longitude is
shrunk by the cosine of the locality's middle latitude, which keeps distances
true in both directions. Each shape is projected once per process, simplified
to what shows at the map's size (Douglas-Peucker, then whole units) and kept as
the ``d`` of an SVG path: a locality's map is a few kilobytes.

What changes per visit (how many projects each UPZ has, which one is chosen) is
put on these shapes by ``project_pages.upz_map``; this module knows no project.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .reference import place_name

_DATA = Path(__file__).resolve().parent / "data"
# The map's box in SVG units: wide enough for a desktop column, scaled down to
# the width of a phone by CSS; one unit is 15-80 m on the ground.
MAX_WIDTH = 600
MAX_HEIGHT = 640
PADDING = 6
# Points closer than this to the line through their neighbours add nothing
# visible at the map's size.
TOLERANCE = 0.6

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True, slots=True)
class UpzShape:
    """One UPZ (or rural UPR) as drawn: its path and where its figure goes."""

    code: str
    name: str
    path: str
    label_x: int
    label_y: int


@dataclass(frozen=True, slots=True)
class LocalityShapes:
    """A locality's outline and its UPZ, in the same SVG units."""

    width: int
    height: int
    outline: str
    upz: tuple[UpzShape, ...]


@cache
def _features(filename: str) -> tuple[dict, ...]:
    with (_DATA / filename).open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["features"])


@cache
def locality_shapes(locality_code: int) -> LocalityShapes | None:
    """The outline and UPZ of a locality (by official code), or None if the
    boundary files do not have it."""
    outline = [
        ring
        for feature in _features("bogota-localidades.geojson")
        if feature["properties"]["locality_code"] == locality_code
        for ring in _rings(feature["geometry"])
    ]
    units = [
        (feature["properties"], _rings(feature["geometry"]))
        for feature in _features("bogota-upz.geojson")
        if feature["properties"]["locality_code"] == locality_code
    ]
    if not outline or not units:
        return None
    project, width, height = _projection(
        [point for ring in outline for point in ring]
        + [point for _p, rings in units for ring in rings for point in ring]
    )
    shapes = []
    for properties, rings in units:
        drawn = _drawn_rings(rings, project)
        if not drawn:
            continue  # smaller than a unit at this size
        x, y = _label_point(drawn)
        shapes.append(
            UpzShape(
                code=properties["upz_code"].strip().upper(),
                name=place_name(properties["upz_name"]),
                path=_path(drawn),
                label_x=round(x),
                label_y=round(y),
            )
        )
    return LocalityShapes(
        width=width,
        height=height,
        outline=_path(_drawn_rings(outline, project)),
        upz=tuple(sorted(shapes, key=lambda s: s.code)),
    )


def _rings(geometry: dict) -> list[Ring]:
    """Every ring (outer and holes) of a Polygon or MultiPolygon; holes are
    drawn by the even-odd rule, so their direction does not matter."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [
        [(lon, lat) for lon, lat, *_z in ring] for poly in polygons for ring in poly
    ]


def _projection(points: list[Point]):
    """A function from (lon, lat) to SVG units that fits ``points`` in the box,
    north up, with the box's width and height."""
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = min((MAX_WIDTH - 2 * PADDING) / span_x, (MAX_HEIGHT - 2 * PADDING) / span_y)

    def project(lon: float, lat: float) -> Point:
        return (
            PADDING + (lon - west) * shrink * scale,
            PADDING + (north - lat) * scale,
        )

    width = math.ceil(span_x * scale + 2 * PADDING)
    height = math.ceil(span_y * scale + 2 * PADDING)
    return project, width, height


def _drawn_rings(rings: list[Ring], project) -> list[list[tuple[int, int]]]:
    drawn = []
    for ring in rings:
        simple = _simplify([project(lon, lat) for lon, lat in ring], TOLERANCE)
        whole: list[tuple[int, int]] = []
        for x, y in simple:
            point = (round(x), round(y))
            if not whole or whole[-1] != point:
                whole.append(point)
        if len(whole) > 1 and whole[0] == whole[-1]:
            whole.pop()  # the path's «z» closes it
        if len(set(whole)) >= 3:
            drawn.append(whole)
    return drawn


def _simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, without recursion (a ring may have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _distance(points[i], points[first], points[last])
            if distance > farthest:
                farthest, index = distance, i
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _distance(point: Point, start: Point, end: Point) -> float:
    """Distance from ``point`` to the segment ``start``-``end``."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """An SVG path: each ring from an absolute start, then relative steps
    (shorter), closed with «z»."""
    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for nx, ny in ring[1:]:
            steps.append(f"{nx - x} {ny - y}")
            x, y = nx, ny
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{' '.join(steps)}z")
    # «1 -2» and «1-2» read the same; the shorter goes out.
    return "".join(parts).replace(" -", "-")


def _label_point(rings: list[list[tuple[int, int]]]) -> Point:
    """A point well inside the shape for its figure: on a few horizontal lines
    through it, the middle of the widest stretch that lies inside (a centroid
    may fall outside a bent UPZ)."""
    ys = [y for ring in rings for _x, y in ring]
    top, bottom = min(ys), max(ys)
    best, best_width = _centroid(rings), -1.0
    for share in (0.5, 0.4, 0.6, 0.3, 0.7):
        line = top + (bottom - top) * share + 0.5  # never exactly on a vertex
        crossings = sorted(_crossings(rings, line))
        for left, right in zip(crossings[::2], crossings[1::2], strict=False):
            if right - left > best_width:
                best, best_width = ((left + right) / 2, line), right - left
    return best


def _crossings(rings: list[list[tuple[int, int]]], y: float) -> list[float]:
    xs = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 <= y) != (y2 <= y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return xs


def _centroid(rings: list[list[tuple[int, int]]]) -> Point:
    points = [point for ring in rings for point in ring]
    return (
        sum(x for x, _y in points) / len(points),
        sum(y for _x, y in points) / len(points),
    )
