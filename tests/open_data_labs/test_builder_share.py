"""The builder's percentage: the part's rows over the whole's, per group.

On a long table, one column says what each row counts (voters, potential
voters…); a turnout or a share is the sum over one kind of row divided by the
sum over another. Values are parameters, the SQL shown runs as it is.
"""

from __future__ import annotations

import pytest

from open_data_labs import api
from open_data_labs.data import QueryProblem

from .conftest import upload

LONG = (
    "lugar;cuenta;valor\n"
    "Kennedy;Total votantes (válidos + nulos);50\nKennedy;Potencial;200\n"
    "Bosa;Total votantes (válidos + nulos);30\nBosa;Potencial;60\n"
    "Suba;Total votantes (válidos + nulos);10\nSuba;Potencial;0\n"
)
TURNOUT = {
    "group_by": ("lugar",),
    "measure": api.Measure.SHARE,
    "measure_column": "valor",
    "share_column": "cuenta",
    "share_part": "total VOTANTES",
    "share_whole": "Potencial",
    "sort_by": api.MEASURE_SORT,
    "descending": True,
}


@pytest.fixture
def long_table(dataset):
    upload(dataset.key, LONG)
    return dataset.key


def test_turnout_per_place_is_part_over_whole_times_100(long_table):
    result = api.run_query(long_table, 1, api.BuilderQuery(**TURNOUT))
    assert [c.name for c in result.columns] == ["lugar", "porcentaje_valor"]
    # A whole of 0 gives no value (not an error); it sorts last.
    assert result.rows == (("Bosa", 50.0), ("Kennedy", 25.0), ("Suba", None))


def test_the_step_says_what_it_computes_and_its_sql_runs_as_is(long_table):
    compiled = api.compile_query(long_table, 1, api.BuilderQuery(**TURNOUT))
    step = {s.key: s for s in compiled.steps}["calculo"]
    assert step.sentence == (
        "Calcula el porcentaje en cada grupo: la suma de «valor» en las filas cuyo "
        "«cuenta» empieza por «total VOTANTES», dividida por la suma en las que "
        "empieza por «Potencial», por 100."
    )
    assert "starts_with(lower(CAST(\"cuenta\" AS VARCHAR)), lower('Potencial'))" in (
        step.sql
    )
    assert compiled.params == ("total VOTANTES", "Potencial")
    shown = api.run_query(long_table, 1, compiled.display_sql)
    assert shown.rows == (("Bosa", 50.0), ("Kennedy", 25.0), ("Suba", None))


def test_values_are_parameters_not_sql(long_table):
    sneaky = {**TURNOUT, "share_part": "x')) OR 1=1 --"}
    result = api.run_query(long_table, 1, api.BuilderQuery(**sneaky))
    assert [row[1] for row in result.rows] == [None, None, None]


def test_percentage_steps_travel_in_the_address():
    query = api.BuilderQuery(**TURNOUT)
    params = {}
    for name, value in api.builder_to_params(query):
        params.setdefault(name, []).append(value)
    assert params["pc"] == ["cuenta"] and params["pt"] == ["Potencial"]
    assert api.builder_from_params(params) == query


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"share_whole": " "}, "escriba cómo empiezan los valores"),
        ({"share_column": ""}, "elija la columna que dice qué se cuenta"),
        (
            {"measure_column": "lugar"},
            "sacar un porcentaje elija una columna de números",
        ),
        ({"share_column": "no_existe"}, "«no_existe» no está en esta versión"),
    ],
)
def test_an_incomplete_percentage_is_refused_in_spanish(long_table, changes, words):
    with pytest.raises(api.QueryRefused) as caught:
        api.run_query(long_table, 1, api.BuilderQuery(**{**TURNOUT, **changes}))
    assert words in str(caught.value)
    assert caught.value.problem in (QueryProblem.BAD_VALUE, QueryProblem.UNKNOWN_COLUMN)
