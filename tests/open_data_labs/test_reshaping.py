"""Turning a wide table into a long one, and correcting a type: new versions."""

from __future__ import annotations

import pytest

from open_data_labs import api
from open_data_labs.data import ColumnType

from .conftest import upload

WIDE = (
    ",KENNEDY,BOSA,CARCELES,Total Bogota\n"
    "Nulos,22087,16235,18,38340\n"
    "Potencial votantes,635825,395687,1165,1032677\n"
)


@pytest.fixture
def wide(dataset):
    upload(dataset.key, WIDE)
    return dataset.key


def test_suggestion_proposes_the_place_columns(wide):
    suggestion = api.suggest_turn(wide, 1)
    assert suggestion.id_columns == ("columna_1",)
    assert suggestion.value_columns == ("KENNEDY", "BOSA", "CARCELES", "Total Bogota")


def test_preview_stores_nothing(wide):
    preview = api.preview_turn(
        wide, 1, id_columns=["columna_1"], value_columns=["KENNEDY", "BOSA"]
    )
    assert preview.rows[:2] == (
        ("Nulos", "KENNEDY", "22.087"),
        ("Nulos", "BOSA", "16.235"),
    )
    assert preview.row_count == 4
    assert len(api.list_snapshots(wide)) == 1


def test_turn_table_makes_a_long_version_derived_from_the_wide_one(wide):
    long = api.turn_table(
        wide,
        1,
        id_columns=["columna_1"],
        value_columns=["KENNEDY", "BOSA", "CARCELES", "Total Bogota"],
        names_to="lugar",
        values_to="votos",
    )
    assert long.version == 2 and long.derived_from_version == 1
    assert long.row_count == 8
    assert [(c.name, c.type) for c in long.columns] == [
        ("columna_1", ColumnType.TEXT),
        ("lugar", ColumnType.TEXT),
        ("votos", ColumnType.INTEGER),
    ]
    assert "volteada desde la versión 1" in long.notes[0]
    # The wide version is untouched.
    assert api.get_snapshot(wide, 1).column_count == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value_columns": ["KENNEDY"]}, "al menos dos"),
        ({"value_columns": ["KENNEDY", "NO_EXISTE"]}, "no existen"),
        (
            {"value_columns": ["KENNEDY", "columna_1"]},
            "todas números o todas texto",
        ),
        ({"value_columns": ["KENNEDY", "BOSA"], "names_to": "valor"}, "distintos"),
        (
            {"value_columns": ["KENNEDY", "BOSA"], "id_columns": ["KENNEDY"]},
            "no puede quedarse",
        ),
    ],
)
def test_turn_refusals_explain_themselves(wide, kwargs, message):
    kwargs.setdefault("id_columns", [])
    with pytest.raises(api.ReshapeRefused, match=message):
        api.turn_table(wide, 1, **kwargs)
    assert len(api.list_snapshots(wide)) == 1


def test_correcting_a_type_is_a_new_version_that_says_what_was_lost(dataset):
    upload(dataset.key, "codigo;monto\n001;1.500\n002;s.d.\n003;2.000,5\n")
    assert api.get_snapshot(dataset.key, 1).columns[1].type is ColumnType.TEXT
    fixed = api.retype_column(dataset.key, 1, "monto", ColumnType.DECIMAL)
    assert fixed.version == 2 and fixed.derived_from_version == 1
    assert fixed.columns[1].type is ColumnType.DECIMAL
    assert "1 valores no se pudieron leer" in fixed.notes[0]
    preview = api.preview_snapshot(dataset.key, 2)
    assert [row[1] for row in preview.rows] == ["1.500", "", "2.000,5"]
    # Codes stay text; turning them into numbers must be asked for explicitly.
    numbers = api.retype_column(dataset.key, 2, "codigo", ColumnType.INTEGER)
    assert numbers.columns[0].type is ColumnType.INTEGER


def test_impossible_type_changes_are_refused(dataset):
    upload(dataset.key, "fecha;n\n2024-01-01;3\n")
    with pytest.raises(api.ReshapeRefused, match="Pásela primero a texto"):
        api.retype_column(dataset.key, 1, "n", ColumnType.DATE)
    with pytest.raises(api.ReshapeRefused, match="ya es"):
        api.retype_column(dataset.key, 1, "n", ColumnType.INTEGER)
    as_text = api.retype_column(dataset.key, 1, "n", ColumnType.TEXT)
    assert as_text.columns[1].type is ColumnType.TEXT
