"""Learner queries in worker processes (``OPEN_DATA_QUERY_PROCESSES``): the same
answers, refusals and limits as in the web process, from real spawned workers."""

from __future__ import annotations

import pytest

from open_data_labs import api
from open_data_labs.query_pool import shut_down_pool

from .conftest import upload

CSV = "localidad;votos\nKennedy;1.000\nBosa;1.200\nSuba;2.000\n"
SQL = "SELECT localidad, votos FROM datos ORDER BY votos DESC"


@pytest.fixture
def pooled(dataset, settings):
    upload(dataset.key, CSV)
    settings.OPEN_DATA_QUERY_CACHE_SECONDS = 0  # every answer really runs
    here = api.run_query(dataset.key, 1, SQL)
    settings.OPEN_DATA_QUERY_PROCESSES = 1
    yield dataset.key, here
    shut_down_pool()


def test_a_worker_gives_the_same_rows_as_the_web_process(pooled):
    key, here = pooled
    there = api.run_query(key, 1, SQL)
    assert (
        there.rows == here.rows == (("Suba", 2000), ("Bosa", 1200), ("Kennedy", 1000))
    )
    assert there.columns == here.columns


def test_refusals_and_limits_travel_to_the_worker(pooled, settings):
    key, _here = pooled
    with pytest.raises(api.QueryRefused) as refused:
        api.run_query(key, 1, "SELECT * FROM read_csv('/etc/passwd')")
    assert refused.value.problem is api.QueryProblem.FILE_OR_NETWORK
    assert "no pueden abrir archivos" in str(refused.value)

    settings.OPEN_DATA_QUERY_MAX_ROWS = 2  # the web's limit, read by the worker
    capped = api.run_query(key, 1, SQL)
    assert len(capped.rows) == 2 and capped.is_truncated
