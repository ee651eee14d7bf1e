"""The shared map drawing (``lms.maps``): the reference boundaries fitted in
the drawing, simplified, written as short paths, each with its figure inside.

The paths are read back here by an independent parser (even-odd rule), so a
figure that lands outside its area, a ring that drifts through rounding, or a
drawing that overflows its box fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from shapely.geometry import Polygon

from lms import maps

ROOT = Path(__file__).resolve().parent.parent
LOCALITIES = ROOT / "open_data_labs" / "geo" / "bogota-localidades.geojson"
UPZ = ROOT / "monitoring" / "data" / "bogota-upz.geojson"
NUMBER = r"-?\d+(?:\.\d+)?"


def rings_of(path: str) -> list[list[tuple[float, float]]]:
    """The rings of a path written as ``M x y l dx dy … z`` per ring."""
    rings = []
    for ring in re.findall(r"M([^z]+)z", path):
        start, _l, steps = ring.partition("l")
        x, y = (float(n) for n in re.findall(NUMBER, start))
        points = [(x, y)]
        numbers = [float(n) for n in re.findall(NUMBER, steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            points.append((points[-1][0] + dx, points[-1][1] + dy))
        rings.append(points)
    return rings


def inside(x: float, y: float, path: str) -> bool:
    crossings = 0
    for points in rings_of(path):
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@pytest.mark.parametrize("decimals", [0, 1])
def test_every_locality_fits_its_box_with_its_figure_inside(decimals):
    shapes = [maps.geometry(f["geometry"]) for f in _features(LOCALITIES)]
    frame = maps.fit(maps.bounds_of(shapes), width=300, height=700, padding=4)
    assert frame.width <= 300.001 and frame.height <= 700.001
    size = 0
    for shape in shapes:
        drawn = maps.draw(shape, frame, tolerance=0.6, decimals=decimals)
        assert drawn is not None
        assert inside(drawn.label_x, drawn.label_y, drawn.path)
        for points in rings_of(drawn.path):
            for x, y in points:
                assert -0.6 <= x <= frame.width + 0.6
                assert -0.6 <= y <= frame.height + 0.6
        size += len(drawn.path)
    # The city on a phone: small enough to inline, yet every locality drawn.
    assert size < 20_000, size


def test_rounding_does_not_drift_along_a_ring():
    """Relative steps between rounded points: the last point of a long ring is
    where the projection puts it, not the sum of rounding errors."""
    upz = max(
        (maps.geometry(f["geometry"]) for f in _features(UPZ)),
        key=lambda shape: len(shape.wkt),
    )
    frame = maps.fit(upz.bounds, width=600, height=640)
    drawn = maps.draw(upz, frame, tolerance=0.01, decimals=1)
    placed = frame.place(upz).simplify(0.01, preserve_topology=True)
    expected = {
        (round(x, 1), round(y, 1))
        for polygon in getattr(placed, "geoms", [placed])
        for ring in (polygon.exterior, *polygon.interiors)
        for x, y in ring.coords
    }
    rings = rings_of(drawn.path)
    assert sum(len(ring) for ring in rings) > 200  # a long ring, many steps
    for ring in rings:
        for x, y in ring[-3:]:
            assert (round(x, 1), round(y, 1)) in expected


def test_a_bent_shape_keeps_its_figure_inside():
    """A U-shaped area: its centroid falls in the gap, its figure must not."""
    u_shape = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    frame = maps.fit(u_shape.bounds, width=300, height=300)
    centroid = frame.place(u_shape.centroid)
    drawn = maps.draw(u_shape, frame, tolerance=0.5)
    assert not inside(centroid.x, centroid.y, drawn.path)
    assert inside(drawn.label_x, drawn.label_y, drawn.path)


def test_a_shape_smaller_than_the_drawing_unit_is_not_drawn():
    tiny = Polygon([(0, 0), (1e-6, 0), (1e-6, 1e-6)])
    frame = maps.fit((0.0, 0.0, 1.0, 1.0), width=100, height=100)
    assert maps.draw(tiny, frame, tolerance=0.6) is None
