"""The sandbox between learners and in time: nothing one query leaves behind is
seen by the next, a query is stopped at its limit even when DuckDB does not look
at the interrupt, and big results are streamed, never materialised.

Prepared databases are kept between queries on the same version (ADR 0024), so
these tests run learner A and learner B on the *same* kept database (checked by
counting how many were prepared) and look for what A tried to leave.
"""

from __future__ import annotations

import time

import duckdb
import pytest

from open_data_labs import api, sandbox
from open_data_labs.data import QueryProblem
from open_data_labs.sandbox import run_sandboxed

from .conftest import upload

CSV = "localidad;votos\nKennedy;10\nBosa;12\nSuba;20\n"


@pytest.fixture
def published(dataset, settings):
    # Every query really runs (a kept answer would hide what the engine does).
    settings.OPEN_DATA_QUERY_CACHE_SECONDS = 0
    upload(dataset.key, CSV)
    return dataset


@pytest.fixture
def prepared(monkeypatch):
    """How many databases were prepared (the rest of the queries reused one)."""
    made: list[duckdb.DuckDBPyConnection] = []
    original = sandbox._prepare

    def counting(key):
        made.append(original(key))
        return made[-1]

    monkeypatch.setattr(sandbox, "_prepare", counting)
    sandbox._idle.clear()  # no database kept by an earlier test
    return made


def refused(key: str, sql: str) -> api.QueryRefused:
    with pytest.raises(api.QueryRefused) as caught:
        api.run_query(key, 1, sql)
    return caught.value


# Learner A's attempt to leave state; learner B's look for it, what B sees, and
# how many databases were prepared for both.
LEFTOVERS = [
    pytest.param(
        "SET VARIABLE secreto = 'de A'",
        "SELECT getvariable('secreto') AS v",
        ((None,),),
        1,
        id="variable",
    ),
    pytest.param(
        "CREATE TEMP TABLE apuntes AS SELECT 'de A' AS x",
        "SELECT * FROM apuntes",
        QueryProblem.UNKNOWN_TABLE,
        1,
        id="temp-table",
    ),
    pytest.param(
        "CREATE TEMP VIEW datos AS SELECT 'falso' AS localidad",
        "SELECT count(*) FROM datos",
        ((3,),),
        1,
        id="temp-view-hiding-datos",
    ),
    pytest.param(
        "CREATE MACRO doble(x) AS x * 2",
        "SELECT doble(2)",
        QueryProblem.UNKNOWN_FUNCTION,
        1,
        id="macro",
    ),
    pytest.param(
        "CREATE TEMP MACRO doble(x) AS x * 2",
        "SELECT doble(2)",
        QueryProblem.UNKNOWN_FUNCTION,
        1,
        id="temp-macro",
    ),
    pytest.param(
        "PREPARE de_a AS SELECT 'de A'",
        "EXECUTE de_a",
        QueryProblem.NOT_A_SELECT,
        1,
        id="prepared-statement",
    ),
    pytest.param(
        "SET SESSION default_order = 'DESC'",
        "SELECT current_setting('default_order') AS orden",
        (("ASCENDING",),),
        1,
        id="session-setting",
    ),
    pytest.param(
        # Smuggled inside one SELECT: DuckDB's query() admits only a SELECT.
        "SELECT * FROM query('CREATE TEMP TABLE apuntes AS SELECT 1 AS x')",
        "SELECT * FROM apuntes",
        QueryProblem.UNKNOWN_TABLE,
        # This one reaches the engine, which refuses it; a database whose query
        # failed is closed, so B is lent a new one.
        2,
        id="create-inside-query",
    ),
]


@pytest.mark.parametrize(("leave", "look", "seen", "databases"), LEFTOVERS)
def test_what_learner_a_tries_to_leave_learner_b_does_not_see(
    published, prepared, leave, look, seen, databases
):
    # The first wall refuses A's statement before any database sees it.
    assert api.run_query(published.key, 1, "SELECT count(*) FROM datos").rows
    assert refused(published.key, leave).problem is not None
    if isinstance(seen, QueryProblem):
        assert refused(published.key, look).problem is seen
    else:
        assert api.run_query(published.key, 1, look).rows == seen
    # A and B were lent the same kept database (unless A's query failed in it).
    assert len(prepared) == databases


def test_a_seed_set_by_one_learner_is_gone_for_the_next(published, prepared):
    # setseed() is a query (it passes the statement check) and seeds the
    # session's random numbers: what learner B would draw if it leaked.
    with duckdb.connect() as plain:
        plain.execute("SELECT setseed(0.5)")
        leaked = plain.execute("SELECT random()").fetchone()
    assert api.run_query(published.key, 1, "SELECT setseed(0.5)").rows == ((None,),)
    drawn = api.run_query(published.key, 1, "SELECT random() AS r").rows[0]
    assert drawn != leaked
    assert len(prepared) == 1


def test_past_the_statement_check_a_session_still_leaves_nothing(published, prepared):
    # The second wall alone: A's statements run on a lent session as if the
    # statement check had let them through; the next lending starts fresh.
    path = api.snapshot_path(published.key, 1)
    with sandbox._lent_cursor(path) as lease_a:
        session = lease_a.cursor
        session.execute("SET VARIABLE secreto = 'de A'")
        session.execute("CREATE TEMP TABLE apuntes AS SELECT 'de A' AS x")
        session.execute("CREATE TEMP VIEW datos AS SELECT 'falso' AS localidad")
        session.execute("CREATE TEMP MACRO doble(x) AS x * 2")
        session.execute("PREPARE de_a AS SELECT 'de A'")
        # DuckDB's lock already refuses session settings too.
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            session.execute("SET SESSION default_order = 'DESC'")
        assert session.execute("SELECT count(*) FROM datos").fetchone() == (1,)
        database_a = lease_a.database
    with sandbox._lent_cursor(path) as lease_b:
        assert lease_b.database is database_a
        session = lease_b.cursor
        assert session.execute("SELECT getvariable('secreto')").fetchone() == (None,)
        assert session.execute("SELECT count(*) FROM datos").fetchone() == (3,)
        assert session.execute(
            "SELECT current_setting('default_order')"
        ).fetchone() == ("ASCENDING",)
        for gone in ("SELECT * FROM apuntes", "SELECT doble(2)", "EXECUTE de_a"):
            with pytest.raises(duckdb.Error):
                session.execute(gone)
        # The database's walls are global and locked: a session inherits them.
        assert session.execute(
            "SELECT current_setting('enable_external_access'), "
            "current_setting('lock_configuration'), "
            "current_setting('python_enable_replacements')"
        ).fetchone() == (False, True, False)
    assert len(prepared) == 1


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def test_a_query_that_ignores_the_interrupt_is_answered_at_its_limit(
    published, monkeypatch, settings
):
    # DuckDB reads the interrupt between pieces of work; one long call (here a
    # Python function, in real life a list of millions built in one call) does
    # not look at it. The learner is told at the limit; the slot stays taken
    # until the engine really stops, and that database is never lent again.
    settings.OPEN_DATA_QUERY_SECONDS = 0.5
    settings.OPEN_DATA_QUERY_CONCURRENCY = 1
    settings.OPEN_DATA_QUERY_QUEUE_SECONDS = 0.1
    original = sandbox._prepare
    made = []

    def with_a_slow_function(key):
        con = original(key)
        con.create_function("pausa", lambda s: _pause(s) or s, ["DOUBLE"], "DOUBLE")
        made.append(con)
        return con

    monkeypatch.setattr(sandbox, "_prepare", with_a_slow_function)
    sandbox._idle.clear()
    path = api.snapshot_path(published.key, 1)
    started = time.monotonic()
    with pytest.raises(api.QueryRefused) as caught:
        run_sandboxed(path, "SELECT pausa(4.0) AS p")
    answered_after = time.monotonic() - started
    assert caught.value.problem is QueryProblem.TIMEOUT
    assert "tardó más de 0.5 segundos" in str(caught.value)
    # The limit, the grace, and opening the database (not part of the limit).
    assert answered_after < 3.0
    # The runaway still holds the only slot: the next learner is told to wait.
    with pytest.raises(api.QueryRefused) as busy:
        run_sandboxed(path, "SELECT 1")
    assert busy.value.problem is QueryProblem.BUSY
    # Once it has stopped, queries answer again, on a new database.
    deadline = time.monotonic() + 10
    while True:
        try:
            assert run_sandboxed(path, "SELECT count(*) FROM datos").rows == ((3,),)
            break
        except api.QueryRefused:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert len(made) == 2  # the interrupted database was closed, not kept


def test_an_endless_recursive_query_is_stopped(published, settings):
    settings.OPEN_DATA_QUERY_SECONDS = 1
    started = time.monotonic()
    error = refused(
        published.key,
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) "
        "SELECT count(*) FROM t",
    )
    assert error.problem in (QueryProblem.TIMEOUT, QueryProblem.MEMORY)
    assert time.monotonic() - started < 5
    assert api.run_query(published.key, 1, "SELECT count(*) FROM datos").rows == ((3,),)


@pytest.mark.parametrize("params", [(), (0,)], ids=["sql", "with-parameters"])
def test_two_hundred_million_rows_are_streamed_not_materialised(
    published, settings, params
):
    # 200,000,000 rows of two numbers are 3.2 GB: with 64 MB of memory the
    # answer only comes if DuckDB stops reading after the row cap.
    settings.OPEN_DATA_QUERY_MEMORY = "64MB"
    where = "WHERE range >= ?" if params else ""
    sql = f"SELECT range, range * 2 AS doble FROM range(200000000) {where}"
    started = time.monotonic()
    answer = run_sandboxed(
        api.snapshot_path(published.key, 1), sql, params=params, max_rows=1_000
    )
    assert len(answer.rows) == 1_000 and answer.is_truncated
    assert time.monotonic() - started < 5
