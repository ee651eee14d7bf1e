"""The map of a locality's UPZ, drawn on the server as inline SVG.

A phone reads it without JavaScript, a tile server or a map library: the
boundaries are copies of ``shared/reference/bogota-localidades.geojson`` and
``bogota-upz.geojson`` (SDP/IDECA, simplified to about 11 m, EPSG:4686)
shipped in ``monitoring/data/``, drawn by ``lms.maps`` (shapely). Each
locality is fitted, simplified to what shows at the map's size and written as
path text once per process: a locality's map is a few kilobytes.

What changes per visit (how many projects each UPZ has, which one is chosen) is
put on these shapes by ``project_pages.upz_map``; this module knows no project.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lms import maps

from .reference import place_name

_DATA = Path(__file__).resolve().parent / "data"
# The map's box in SVG units: wide enough for a desktop column, scaled down to
# the width of a phone by CSS; one unit is 15-80 m on the ground.
MAX_WIDTH = 600
MAX_HEIGHT = 640
PADDING = 6
# Detail closer than this to a simplified line adds nothing visible at the
# map's size.
TOLERANCE = 0.6


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
        maps.geometry(feature["geometry"])
        for feature in _features("bogota-localidades.geojson")
        if feature["properties"]["locality_code"] == locality_code
    ]
    units = [
        (feature["properties"], maps.geometry(feature["geometry"]))
        for feature in _features("bogota-upz.geojson")
        if feature["properties"]["locality_code"] == locality_code
    ]
    if not outline or not units:
        return None
    frame = maps.fit(
        maps.bounds_of([*outline, *(shapes for _p, shapes in units)]),
        width=MAX_WIDTH,
        height=MAX_HEIGHT,
        padding=PADDING,
    )
    drawn_upz = []
    for properties, shapes in units:
        drawn = maps.draw(shapes, frame, tolerance=TOLERANCE)
        if drawn is None:
            continue  # smaller than a unit at this size
        drawn_upz.append(
            UpzShape(
                code=properties["upz_code"].strip().upper(),
                name=place_name(properties["upz_name"]),
                path=drawn.path,
                label_x=int(drawn.label_x),
                label_y=int(drawn.label_y),
            )
        )
    paths = [maps.draw(shapes, frame, tolerance=TOLERANCE) for shapes in outline]
    return LocalityShapes(
        width=math.ceil(frame.width),
        height=math.ceil(frame.height),
        outline="".join(drawn.path for drawn in paths if drawn),
        upz=tuple(sorted(drawn_upz, key=lambda s: s.code)),
    )
