"""The UPZ map on the public list: drawn on the server (inline SVG, no script),
the number of projects per UPZ with the list's filters, a link per UPZ that
filters the list, and the same figures as a table."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from monitoring import api
from monitoring.upz_map import locality_shapes
from tenants import api as tenants_api

from .conftest import kennedy_project

KENNEDY_UPZ = {
    "UPZ44", "UPZ45", "UPZ46", "UPZ47", "UPZ48", "UPZ78",
    "UPZ79", "UPZ80", "UPZ81", "UPZ82", "UPZ83", "UPZ113",
}  # fmt: skip


def _inside(x: float, y: float, path: str) -> bool:
    """Even-odd test of a point against a path as ``upz_map`` writes it
    (``M x y l dx dy … z`` per ring)."""
    crossings = 0
    for ring in re.findall(r"M([^z]+)z", path):
        start, _l, steps = ring.partition("l")
        sx, sy = (int(n) for n in re.findall(r"-?\d+", start))
        points = [(sx, sy)]
        numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            points.append((points[-1][0] + dx, points[-1][1] + dy))
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


def test_every_locality_has_its_upz_drawn_small_with_figures_inside():
    total = 0
    for code in range(1, 21):
        shapes = locality_shapes(code)
        assert shapes is not None, code
        assert shapes.width <= 600 and shapes.height <= 640
        assert shapes.upz and shapes.outline.startswith("M")
        for upz in shapes.upz:
            # The figure of each UPZ sits inside its own shape.
            assert _inside(upz.label_x, upz.label_y, upz.path), (code, upz.code)
            assert 0 <= upz.label_x <= shapes.width
            assert 0 <= upz.label_y <= shapes.height
        size = len(shapes.outline) + sum(len(u.path) for u in shapes.upz)
        assert size < 20_000, (code, size)  # bytes of path data on the page
        total += len(shapes.upz)
    assert total == 116  # 112 UPZ and 4 rural UPR, each drawn once
    assert {u.code for u in locality_shapes(8).upz} == KENNEDY_UPZ


def test_the_map_counts_projects_per_upz_and_links_to_the_filtered_list(
    client_a, in_town_a
):
    kennedy_project("K-1", name="Parque uno", upz_code="UPZ82", barrio_code="")
    kennedy_project("K-2", name="Parque dos", upz_code="UPZ82", barrio_code="")
    kennedy_project(
        "K-3", name="Huerta tres", line="ambiental", upz_code="UPZ46", barrio_code=""
    )
    connection.set_schema_to_public()

    html = client_a.get("/seguimiento/").text

    assert "<script" not in html  # the map needs no JavaScript
    svg = re.search(r"<svg class=\"map\".*?</svg>", html, re.S).group(0)
    links = re.findall(r'<a href="\?upz=(UPZ\d+)#proyectos" aria-label="([^"]+)"', svg)
    assert {code for code, _label in links} == KENNEDY_UPZ
    labels = dict(links)
    assert labels["UPZ82"] == "Patio Bonito (UPZ82): 2 proyectos"
    assert labels["UPZ46"] == "Castilla (UPZ46): 1 proyecto"
    assert labels["UPZ44"] == "Americas (UPZ44): 0 proyectos"
    assert ">2</text>" in svg and ">1</text>" in svg
    # The same figures as a table, for whoever does not read the map.
    table = re.search(r"<table>.*?</table>", html, re.S).group(0)
    assert re.search(
        r"Patio Bonito</a> <span class=\"meta\">UPZ82</span></th><td>2<", table
    )
    assert "Proyectos por UPZ" in html and "Ver el mapa como tabla" in html

    chosen = client_a.get("/seguimiento/?upz=UPZ82").text
    assert "Parque uno" in chosen and "Parque dos" in chosen
    assert "Huerta tres" not in chosen
    assert "2 proyectos" in chosen
    assert '<option value="UPZ82" selected>' in chosen
    assert 'aria-current="true"><path class="c4 selected"' in chosen
    assert 'href="?#proyectos">Ver los proyectos de todas las UPZ' in chosen


def test_the_map_counts_with_the_line_and_status_filters(client_a, in_town_a):
    kennedy_project("K-1", upz_code="UPZ82", barrio_code="")
    kennedy_project("K-2", line="ambiental", upz_code="UPZ82", barrio_code="")
    kennedy_project("K-3", line="ambiental", upz_code="UPZ46", barrio_code="")
    connection.set_schema_to_public()

    html = client_a.get("/seguimiento/?linea=ambiental").text

    assert "Patio Bonito (UPZ82): 1 proyecto" in html
    assert "Castilla (UPZ46): 1 proyecto" in html
    # Each UPZ keeps the line chosen (and the page starts over).
    assert 'href="?linea=ambiental&amp;upz=UPZ46#proyectos"' in html
    both = client_a.get("/seguimiento/?linea=ambiental&upz=UPZ46").text
    assert both.count('class="card"') == 1


@pytest.mark.parametrize(
    "query",
    [
        "upz=UPZ1",  # Usaquén's, not Kennedy's
        "upz=%3Cscript%3E",
        "linea=nada&estado=nada&upz=nada",
        "upz=upz82&pagina=abc",
    ],
)
def test_unknown_filters_show_every_project(client_a, in_town_a, query):
    kennedy_project("K-1", upz_code="UPZ82", barrio_code="")
    kennedy_project("K-2", upz_code="UPZ46", barrio_code="")
    connection.set_schema_to_public()

    page = client_a.get(f"/seguimiento/?{query}")

    assert page.status_code == 200
    cards = page.text.count('class="card"')
    # «upz82» is read as UPZ82 (codes are written in capitals).
    assert cards == (1 if query.startswith("upz=upz82") else 2)
    assert "<script>" not in page.text


def test_the_list_with_the_map_stays_small_and_bounded(
    client_a, town_a, django_assert_max_num_queries
):
    with tenants_api.in_locality(town_a):
        for n in range(60):
            kennedy_project(
                f"K-{n:02d}",
                line=list(api.InvestmentLine)[n % 5],
                upz_code=sorted(KENNEDY_UPZ)[n % 12],
                barrio_code="",
            )
    client_a.get("/seguimiento/")  # warm the locality lookups
    with tenants_api.in_locality(town_a):
        from monitoring import public_cache

        public_cache.bump()  # the page itself, not its kept copy
    connection.set_schema_to_public()
    with django_assert_max_num_queries(6):
        page = client_a.get("/seguimiento/?upz=UPZ82&pagina=1")
    assert page.text.count('class="card"') == 5
    first = client_a.get("/seguimiento/").content
    assert first.count(b'class="card"') == 50
    # 50 cards and the map, uncompressed: well under the 150 KB a page may weigh.
    assert len(first) < 100_000, len(first)
