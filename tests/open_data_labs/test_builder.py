"""The guided builder's query model: steps in, safe SQL and Spanish sentences out."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from open_data_labs import api
from open_data_labs.data import QueryProblem

from .conftest import upload

CSV = (
    "localidad;votos;potencial;fecha\n"
    "Kennedy;1.000;4.000;01/03/2018\nBosa;1.200;3.000;01/03/2018\n"
    "Suba;2.000;5.000;01/03/2018\nCORFERIAS;80;;01/03/2018\n"
    "Kennedy;500;2.000;11/03/2018\n"
)


@pytest.fixture
def published(dataset):
    upload(dataset.key, CSV)
    return dataset


def run(published, **steps):
    return api.run_query(published.key, 1, api.BuilderQuery(**steps))


def test_group_and_sum_sorted_by_the_measure(published):
    result = run(
        published,
        group_by=("localidad",),
        measure=api.Measure.SUM,
        measure_column="votos",
        sort_by=api.MEASURE_SORT,
        descending=True,
    )
    assert [c.name for c in result.columns] == ["localidad", "sumar_votos"]
    assert result.rows == (
        ("Suba", 2000),
        ("Kennedy", 1500),
        ("Bosa", 1200),
        ("CORFERIAS", 80),
    )


def test_filter_values_are_parameters_not_sql(published):
    sneaky = "Kennedy' OR '1'='1"
    result = run(
        published,
        filters=(api.Filter("localidad", api.FilterOp.EQUALS, sneaky),),
    )
    assert result.rows == ()
    compiled = api.compile_query(
        published.key,
        1,
        api.BuilderQuery(
            filters=(api.Filter("localidad", api.FilterOp.EQUALS, sneaky),)
        ),
    )
    assert compiled.params == (sneaky,)
    assert '"localidad" = ?' in compiled.sql
    # The text shown to the learner writes the value as a quoted literal.
    assert "'Kennedy'' OR ''1''=''1'" in compiled.display_sql


def test_colombian_numbers_and_dates_in_filters(published):
    result = run(
        published,
        columns=("localidad", "votos"),
        filters=(
            api.Filter("votos", api.FilterOp.GREATER_OR_EQUAL, "1.000"),
            api.Filter("fecha", api.FilterOp.LESS, "05/03/2018"),
        ),
    )
    assert result.rows == (("Kennedy", 1000), ("Bosa", 1200), ("Suba", 2000))


def test_average_without_groups_and_empty_values(published):
    result = run(
        published,
        filters=(api.Filter("potencial", api.FilterOp.IS_NOT_EMPTY),),
        measure=api.Measure.AVERAGE,
        measure_column="potencial",
    )
    assert result.rows == ((3500.0,),)
    empty = run(published, filters=(api.Filter("potencial", api.FilterOp.IS_EMPTY),))
    assert [row[0] for row in empty.rows] == ["CORFERIAS"]


def test_contains_ignores_case(published):
    result = run(
        published,
        columns=("localidad",),
        filters=(api.Filter("localidad", api.FilterOp.CONTAINS, "ken"),),
    )
    assert result.rows == (("Kennedy",), ("Kennedy",))


def test_grouping_without_a_measure_counts_rows(published):
    result = run(published, group_by=("localidad",))
    assert result.rows[0] == ("Bosa", 1)
    assert ("Kennedy", 2) in result.rows


@pytest.mark.parametrize(
    ("steps", "problem", "words"),
    [
        ({"columns": ("votantes",)}, QueryProblem.UNKNOWN_COLUMN, "«votantes»"),
        (
            {"filters": (api.Filter("votos", api.FilterOp.GREATER, "muchos"),)},
            QueryProblem.BAD_VALUE,
            "«muchos» no se puede comparar con «votos»",
        ),
        (
            {"measure": api.Measure.SUM, "measure_column": "localidad"},
            QueryProblem.BAD_VALUE,
            "«localidad» es Texto",
        ),
        (
            {"columns": ("localidad",), "sort_by": "votos"},
            QueryProblem.UNKNOWN_COLUMN,
            "Solo se puede ordenar por una columna del resultado",
        ),
    ],
)
def test_bad_steps_are_refused_in_spanish(published, steps, problem, words):
    with pytest.raises(api.QueryRefused) as caught:
        run(published, **steps)
    assert caught.value.problem is problem
    assert words in str(caught.value)


def test_each_step_has_a_sentence_and_its_sql(published):
    compiled = api.compile_query(
        published.key,
        1,
        api.BuilderQuery(
            filters=(api.Filter("localidad", api.FilterOp.NOT_EQUALS, "CORFERIAS"),),
            group_by=("localidad",),
            measure=api.Measure.SUM,
            measure_column="votos",
            sort_by=api.MEASURE_SORT,
            descending=True,
            limit=3,
        ),
    )
    steps = {s.key: s for s in compiled.steps}
    assert steps["filtro"].sentence == (
        "Deja las filas en que «localidad» es distinto de «CORFERIAS»."
    )
    assert steps["filtro"].sql == "WHERE \"localidad\" <> 'CORFERIAS'"
    assert steps["grupos"].sql == 'GROUP BY "localidad"'
    assert steps["calculo"].sentence == "Suma «votos» en cada grupo."
    assert steps["orden"].sentence == (
        "Ordena por «sumar_votos», de mayor a menor. Muestra como máximo 3 filas."
    )
    # The SQL shown runs as it is in the SQL editor, with the same answer.
    shown = api.run_query(published.key, 1, compiled.display_sql)
    assert shown.rows == (("Suba", 2000), ("Kennedy", 1500), ("Bosa", 1200))


def test_steps_travel_in_the_address_and_back():
    query = api.BuilderQuery(
        columns=("localidad", "votos"),
        filters=(api.Filter("votos", api.FilterOp.GREATER, "1.000"),),
        group_by=("localidad",),
        measure=api.Measure.MAXIMUM,
        measure_column="votos",
        sort_by=api.MEASURE_SORT,
        descending=True,
        limit=20,
    )
    params = QueryDict(mutable=True)
    for name, value in api.builder_to_params(query):
        params.appendlist(name, value)
    assert api.builder_from_params(params) == query


def test_address_junk_is_ignored_or_bounded():
    params = QueryDict("fc=votos&fo=DROP&fv=1&m=borrar&n=99999999&c=&c=votos")
    query = api.builder_from_params(params)
    assert query.filters == () and query.measure is None
    assert query.limit == 1000 and query.columns == ("votos",)
