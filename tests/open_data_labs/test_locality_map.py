"""The map of the 20 localities: a result keyed by locality, drawn on the server.

The turnout per place of the real Registraduría file (a percentage per place in
the guided builder) is coloured on the map of Bogotá's localities, with the same
values in a table; places that are not localities are listed, not coloured; a
result with a locality in several rows, or without localities, gets no colours.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from open_data_labs import api
from open_data_labs.data import ColumnType, QueryColumn, QueryResult
from open_data_labs.lab_views import cell
from open_data_labs.locality_map import PALETTE, locality_map

from .conftest import registraduria_bytes

TURNOUT = [
    ("g", "lugar"),
    ("m", "porcentaje"),
    ("mc", "votos"),
    ("pc", "columna_1"),
    ("pp", "Total Votantes"),
    ("pt", "Potencial"),
    ("o", "__medida__"),
]


@pytest.fixture
def turned(in_town_a, data_folders):
    """The Registraduría file in Kennedy, one row per place and count (v2)."""
    api.create_dataset("Senado 2018 por localidad", key="senado")
    api.upload_snapshot("senado", registraduria_bytes(), filename="senado.csv")
    plan = api.suggest_turn("senado", 1)
    api.turn_table(
        "senado",
        1,
        id_columns=list(plan.id_columns),
        value_columns=list(plan.value_columns),
        names_to="lugar",
        values_to="votos",
    )
    return "senado"


def _builder(client, params) -> str:
    page = client.get(f"/datos/senado/v2/laboratorio/?{urlencode(params)}")
    assert page.status_code == 200
    return page.text


def test_turnout_per_place_is_drawn_on_the_map_with_its_table(turned, client_a):
    text = _builder(client_a, TURNOUT)
    start = text.index('<figure class="lab-map"')
    figure = text[start : text.index("</figure>", start)]
    # Twenty areas, each with its name and value for a screen reader.
    assert len(re.findall(r"<path d=\"M", figure)) == 20
    assert "<title>15. Antonio Nariño: 21,42</title>" in figure
    assert "<title>19. Ciudad Bolívar: sin dato</title>" in figure
    # The file writes CANDELARIA and MARTIRES: still those localities.
    assert "17. La Candelaria: 45,95" in figure
    assert "14. Los Mártires: 45,64" in figure
    # Five colour classes, the darkest for the highest turnout (Teusaquillo).
    assert set(re.findall(r'fill="(#[0-9a-f]{6})"', figure)) >= set(PALETTE)
    assert re.search(r'fill="#a50f15"[^>]*data-localidad="Teusaquillo"', figure)
    # The table beside it, highest first; totals and others listed, not drawn.
    table = figure[figure.index("<table>") :]
    names = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert names[0] == "Teusaquillo" and names[-1] == "Antonio Nariño"
    assert len(names) == 19
    assert "Sin dato en el resultado: Ciudad Bolívar." in figure
    assert "CARCELES (47,47), CORFERIAS (11,80), Total Bogota (48,31)" in figure
    assert "<script" not in text


def test_a_locality_in_several_rows_is_not_guessed(turned, client_a):
    # The long table as it is: six rows per place.
    text = _builder(client_a, [])
    assert '<figure class="lab-map"' not in text
    assert "aparece en varias filas del resultado: agrupe por «lugar»" in text


def test_a_result_without_localities_has_no_map(turned, client_a):
    text = _builder(client_a, [("g", "columna_1"), ("m", "sumar"), ("mc", "votos")])
    assert "lab-map" not in text


def _result(rows, place="lugar", value="valor") -> QueryResult:
    return QueryResult(
        dataset_key="x",
        version=1,
        sha256="0" * 64,
        sql="",
        columns=(
            QueryColumn(place, ColumnType.TEXT),
            QueryColumn(value, ColumnType.INTEGER),
        ),
        rows=tuple(rows),
        is_truncated=False,
        max_rows=1000,
        elapsed_ms=1.0,
    )


def test_two_classes_use_both_ends_of_the_palette():
    drawn = locality_map(
        _result([("Kennedy", 1), ("Bosa", 1), ("Suba", 9), ("Usme", 9)]), str
    )
    fills = {a.name: a.fill for a in drawn.areas}
    assert fills["Kennedy"] == PALETTE[0] and fills["Suba"] == PALETTE[-1]
    assert fills["Sumapaz"] == "#e6e6e6"
    assert [(c.low, c.high) for c in drawn.legend] == [("1", "1"), ("9", "9")]


def test_fewer_than_three_localities_are_not_a_map():
    assert locality_map(_result([("Kennedy", 1), ("Bosa", 2)]), cell) is None
    assert (
        locality_map(_result([("Madrid", 1), ("Soacha", 2), ("Chía", 3)]), cell) is None
    )


def test_sumapaz_is_drawn_in_its_inset():
    drawn = locality_map(_result([("Sumapaz", 3), ("Usme", 2), ("Bosa", 1)]), cell)
    x, y, width, height = drawn.inset
    sumapaz = next(a for a in drawn.areas if a.name == "Sumapaz")
    assert x <= sumapaz.label_x <= x + width and y <= sumapaz.label_y <= y + height
    assert 0 < x + width <= drawn.width and 0 < y + height <= drawn.height


def test_every_locality_figure_lies_inside_its_area():
    from tests.test_maps import inside

    drawn = locality_map(_result([("Sumapaz", 3), ("Usme", 2), ("Bosa", 1)]), cell)
    assert len(drawn.areas) == 20
    for area in drawn.areas:
        assert inside(area.label_x, area.label_y, area.path), area.name
