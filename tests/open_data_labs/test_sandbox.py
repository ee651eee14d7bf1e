"""The SQL sandbox: learner SQL runs read-only on one pinned version, bounded.

Each hostile attempt has its own test, and each checks both the Spanish message
and that nothing happened (no file written, no limit lifted, the next query
still answers).
"""

from __future__ import annotations

import threading
import time

import pytest

from open_data_labs import api
from open_data_labs.data import QueryProblem
from open_data_labs.sandbox import run_sandboxed

from .conftest import upload

CSV = (
    "localidad;votos;potencial\n"
    "Kennedy;10;40\nBosa;12;30\nSuba;20;50\nCORFERIAS;8;\nTOTAL;50;120\n"
)


@pytest.fixture
def published(dataset):
    upload(dataset.key, CSV)
    return dataset


def refused(published, sql: str) -> api.QueryRefused:
    with pytest.raises(api.QueryRefused) as caught:
        api.run_query(published.key, 1, sql)
    return caught.value


def test_a_select_answers_with_typed_rows(published):
    result = api.run_query(
        published.key,
        1,
        "SELECT localidad, votos FROM datos WHERE votos > 10 ORDER BY votos",
    )
    assert [c.name for c in result.columns] == ["localidad", "votos"]
    assert result.columns[1].type is api.ColumnType.INTEGER
    assert result.rows == (("Bosa", 12), ("Suba", 20), ("TOTAL", 50))
    assert not result.is_truncated
    assert result.sha256 == api.get_snapshot(published.key, 1).sha256


def test_with_and_from_first_queries_are_queries_too(published):
    assert api.run_query(published.key, 1, "FROM datos LIMIT 2").rows[0][0] == "Kennedy"
    with_query = "WITH t AS (SELECT sum(votos) s FROM datos) SELECT s FROM t;"
    assert api.run_query(published.key, 1, with_query).rows == ((100,),)


def test_reading_etc_passwd_is_refused(published):
    error = refused(published, "SELECT * FROM read_csv('/etc/passwd', sep=':')")
    assert error.problem is QueryProblem.FILE_OR_NETWORK
    assert "no pueden abrir archivos" in str(error)
    assert "root" not in str(error)


def test_reading_a_url_is_refused(published):
    error = refused(published, "SELECT * FROM read_csv('https://example.org/x.csv')")
    assert error.problem in (QueryProblem.FILE_OR_NETWORK, QueryProblem.EXTENSION)


def test_copy_to_a_file_is_refused_and_writes_nothing(published, tmp_path):
    target = tmp_path / "robado.csv"
    error = refused(published, f"COPY datos TO '{target}' (HEADER)")
    assert error.problem is QueryProblem.FILE_OR_NETWORK
    assert "COPY" in str(error)
    assert not target.exists()


def test_copy_inside_a_select_cannot_write_either(published, tmp_path):
    # A query may not smuggle a COPY through query(): it is still one SELECT,
    # and DuckDB's external-access switch refuses the file.
    target = tmp_path / "robado.csv"
    error = refused(published, f"SELECT * FROM query('COPY datos TO ''{target}''')")
    assert error.problem is not None
    assert not target.exists()


def test_attach_is_refused(published, tmp_path):
    error = refused(published, f"ATTACH '{tmp_path / 'otra.duckdb'}' AS otra")
    assert error.problem is QueryProblem.FILE_OR_NETWORK
    assert not (tmp_path / "otra.duckdb").exists()


def test_install_httpfs_is_refused(published):
    error = refused(published, "INSTALL httpfs")
    assert error.problem is QueryProblem.EXTENSION
    assert "extensiones" in str(error)


def test_load_httpfs_is_refused(published):
    assert refused(published, "LOAD httpfs").problem is QueryProblem.EXTENSION


@pytest.mark.parametrize(
    "sql",
    [
        "SET memory_limit = '16GB'",
        "SET threads = 64",
        "SET enable_external_access = true",
        "RESET lock_configuration",
    ],
)
def test_set_cannot_lift_a_limit(published, sql):
    error = refused(published, sql)
    assert error.problem is QueryProblem.CHANGES_SETTINGS
    assert "los límites de tiempo, memoria y filas son fijos" in str(error)


def test_the_limits_are_in_force_inside_the_query(published, settings):
    settings.OPEN_DATA_QUERY_MEMORY = "128MB"
    result = api.run_query(
        published.key,
        1,
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('enable_external_access'), "
        "current_setting('lock_configuration')",
    )
    memory, threads, external, locked = result.rows[0]
    assert memory.replace(" ", "") in {"128.0MiB", "122.0MiB", "128MB", "122.0MB"}
    assert (threads, external, locked) == (1, False, True)


def test_pragma_is_refused(published):
    error = refused(published, "PRAGMA threads = 8")
    assert error.problem is QueryProblem.CHANGES_SETTINGS


def test_a_cross_join_that_would_run_forever_is_interrupted(published, settings):
    settings.OPEN_DATA_QUERY_SECONDS = 1
    started = time.monotonic()
    error = refused(
        published,
        "SELECT count(*) FROM datos a, datos b, range(1000000000000) c "
        "WHERE a.votos + c.range > b.votos",
    )
    assert error.problem is QueryProblem.TIMEOUT
    assert str(error).startswith("La consulta tardó más de 1 segundos y se detuvo")
    assert time.monotonic() - started < 5
    # The next learner's query runs normally.
    assert api.run_query(published.key, 1, "SELECT count(*) FROM datos").rows == ((5,),)


def test_millions_of_rows_are_capped(published, settings):
    settings.OPEN_DATA_QUERY_MAX_ROWS = 1_000
    started = time.monotonic()
    result = api.run_query(published.key, 1, "SELECT * FROM datos, range(5000000)")
    assert len(result.rows) == 1_000 and result.is_truncated
    assert result.max_rows == 1_000
    assert time.monotonic() - started < 5


def test_multiple_statements_are_refused(published):
    error = refused(published, "SELECT 1; DROP TABLE datos")
    assert error.problem is QueryProblem.SEVERAL_STATEMENTS
    assert "se encontraron 2 sentencias" in str(error)
    assert api.run_query(published.key, 1, "SELECT count(*) FROM datos").rows == ((5,),)


def test_reading_another_snapshots_file_is_refused(published, in_town_a):
    other = api.create_dataset("Contratos")
    upload(other.key, "contrato;valor\nC-1;100\n")
    other_path = api.snapshot_path(other.key, 1)
    assert other_path.exists()
    error = refused(published, f"SELECT * FROM read_parquet('{other_path}')")
    assert error.problem is QueryProblem.FILE_OR_NETWORK
    assert "C-1" not in str(error)


def test_getenv_does_not_exist_in_the_sandbox(published, monkeypatch):
    monkeypatch.setenv("SECRETO_DE_PRUEBA", "no-debe-salir")
    error = refused(published, "SELECT getenv('SECRETO_DE_PRUEBA')")
    assert error.problem is QueryProblem.UNKNOWN_FUNCTION
    assert "«getenv» no existe o no está permitida" in str(error)
    assert "no-debe-salir" not in str(error)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM datos",
        "CREATE TABLE copia AS SELECT * FROM datos",
        "UPDATE datos SET votos = 0",
        "DROP VIEW datos",
    ],
)
def test_writing_is_refused(published, sql):
    assert refused(published, sql).problem is QueryProblem.READ_ONLY


def test_too_much_memory_is_stopped_in_spanish(published, settings):
    settings.OPEN_DATA_QUERY_MEMORY = "64MB"
    error = refused(
        published, "SELECT string_agg(repeat('x', 1000), ',') FROM range(2000000)"
    )
    assert error.problem is QueryProblem.MEMORY
    assert "más memoria de la permitida (64MB)" in str(error)


def test_syntax_error_says_where(published):
    error = refused(published, "SELECT localidad,\n  votos FRM datos")
    assert error.problem is QueryProblem.SYNTAX
    assert str(error).startswith(
        "Error de sintaxis en la línea 2, columna 13, cerca de «datos»"
    )


def test_syntax_error_at_the_end(published):
    error = refused(published, "SELECT sum(votos FROM datos")
    assert error.problem is QueryProblem.SYNTAX
    assert "Error de sintaxis" in str(error)


def test_unknown_column_lists_the_real_ones(published):
    error = refused(published, "SELECT votantes FROM datos")
    assert error.problem is QueryProblem.UNKNOWN_COLUMN
    assert "La columna «votantes» no existe" in str(error)
    assert "«localidad», «votos», «potencial»" in str(error)


def test_unknown_table_points_at_datos(published):
    error = refused(published, "SELECT * FROM votos_2018")
    assert error.problem is QueryProblem.UNKNOWN_TABLE
    assert "están en la tabla «datos»" in str(error)


def test_empty_and_overlong_sql(published, settings):
    assert refused(published, "  ; ").problem is QueryProblem.EMPTY
    settings.OPEN_DATA_QUERY_MAX_SQL_CHARS = 50
    error = refused(published, "SELECT " + ", ".join(["votos"] * 20) + " FROM datos")
    assert error.problem is QueryProblem.TOO_LONG


def test_a_busy_process_asks_to_retry(published, settings):
    settings.OPEN_DATA_QUERY_CONCURRENCY = 1
    settings.OPEN_DATA_QUERY_QUEUE_SECONDS = 0.2
    settings.OPEN_DATA_QUERY_SECONDS = 2
    slow = "SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3"
    path = api.snapshot_path(published.key, 1)
    outcome = []

    def run_slow():
        # The sandbox itself: the thread has no database connection of its own.
        try:
            run_sandboxed(path, slow)
        except api.QueryRefused as exc:
            outcome.append(exc.problem)

    worker = threading.Thread(target=run_slow)
    worker.start()
    time.sleep(0.3)
    try:
        # A query no earlier test ran: a kept answer would need no slot.
        error = refused(published, "SELECT 'ocupado' AS estado")
    finally:
        worker.join()
    assert error.problem is QueryProblem.BUSY
    assert "Espere unos segundos" in str(error)
    assert outcome == [QueryProblem.TIMEOUT]
    assert api.run_query(published.key, 1, "SELECT 1").rows == ((1,),)


def test_the_next_query_on_the_same_version_is_just_as_locked(published):
    # Prepared databases are reused between queries on one version (opening one
    # costs more than the query): the second query meets the same walls.
    for _ in range(3):
        assert api.run_query(published.key, 1, "SELECT count(*) FROM datos").rows
        error = refused(published, "SELECT * FROM read_csv('/etc/passwd')")
        assert error.problem is QueryProblem.FILE_OR_NETWORK
    locked = api.run_query(
        published.key, 1, "SELECT current_setting('lock_configuration')"
    )
    assert locked.rows == ((True,),)


def test_a_kept_answer_is_the_same_and_refusals_are_not_kept(published, settings):
    sql = "SELECT localidad FROM datos WHERE votos >= 12 ORDER BY 1 -- guardada"
    first = api.run_query(published.key, 1, sql)
    again = api.run_query(published.key, 1, sql)
    assert again.is_cached and not first.is_cached
    assert again.rows == first.rows == (("Bosa",), ("Suba",), ("TOTAL",))
    # Another row cap is another answer.
    assert not api.run_query(published.key, 1, sql, max_rows=1).is_cached
    settings.OPEN_DATA_QUERY_SECONDS = 1
    slow = "SELECT count(*) FROM datos, range(1000000000000) -- nunca guardada"
    for _ in range(2):
        assert refused(published, slow).problem is QueryProblem.TIMEOUT


def test_queries_read_a_native_copy_made_once_and_still_locked(published, settings):
    # The version's rows in DuckDB's own format, made once from the checked
    # Parquet copy and attached read-only; the Parquet file itself is no longer
    # reachable, and nothing can attach, write or read anything else.
    sql = "SELECT localidad, votos FROM datos ORDER BY votos DESC -- nativa"
    native_rows = api.run_query(published.key, 1, sql).rows
    parquet = api.snapshot_path(published.key, 1)
    [native] = parquet.parent.glob(f"{parquet.stem}.duckdb-*.db")
    made = native.stat().st_mtime_ns
    assert api.run_query(published.key, 1, "SELECT count(*) FROM datos").rows == ((5,),)
    assert native.stat().st_mtime_ns == made
    for hostile in (
        f"SELECT * FROM read_parquet('{parquet}')",
        f"ATTACH '{native}' AS otra",
        "INSERT INTO instantanea.datos VALUES ('X', 1, 1)",
    ):
        assert refused(published, hostile).problem in (
            QueryProblem.FILE_OR_NETWORK,
            QueryProblem.READ_ONLY,
        ), hostile
    # The same answer straight from the Parquet file.
    settings.OPEN_DATA_QUERY_NATIVE_COPY = False
    settings.OPEN_DATA_QUERY_CACHE_SECONDS = 0
    assert api.run_query(published.key, 1, sql).rows == native_rows
