"""Benchmark: learner queries on a 1,000,000-row snapshot, 10 learners at once.

Run: .venv/bin/python bench/open_data_lab.py [--rows 1000000] [--learners 10]
     [--rounds 20] [--processes N] [--parquet] [--concurrency N]

``--processes N`` sends the learners' queries to N worker processes
(``open_data_labs.query_pool``, as with ``OPEN_DATA_QUERY_PROCESSES``), started
and warmed up before the clock runs; 0 (the default) runs them in this process.

``--parquet`` makes queries read the Parquet file itself instead of the native
DuckDB copy made from it (``OPEN_DATA_QUERY_NATIVE_COPY=false``), for comparison;
``--concurrency N`` sets ``OPEN_DATA_QUERY_CONCURRENCY`` (queries at once).

A generated snapshot shaped like local open data (places, codes, dates, votes,
pesos) is written as Parquet, and its native copy made (timed) before the
clock runs, as the first query on a version does. Then:

1. **Memory of one query**: a fresh child process runs the guided builder's
   grouped query once through the sandbox and reports the growth of its peak
   resident memory (target: under 256 MB).
2. **10 concurrent learners**: threads in one process (as one web node's
   request threads) each run ``--rounds`` queries, alternating the builder's
   grouped query (filter, group, sum, sort) and a hand-written SQL query, through
   the same code path as the pages (``compile_builder`` + ``run_sandboxed``, with
   the default limits, so the per-process concurrency cap queues some of them).
   Reports p50/p95/max latency, queries per second and the process's peak memory
   (target: p95 under 300 ms).

HTTP, templates and the database row lookup are left out: they cost the same
for every page and are measured by the other benchmarks. No database is touched.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://bench@127.0.0.1:1/sin-base")
os.environ.setdefault(
    "LMS_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "bench")
)

TARGET_P95_MS = 300.0
TARGET_QUERY_MB = 256.0
SQL = (
    "SELECT localidad, avg(participacion) AS participacion, count(*) AS filas "
    "FROM datos WHERE fecha >= DATE '2021-01-01' GROUP BY localidad "
    "ORDER BY participacion DESC"
)


def _generate(path: Path, rows: int) -> None:
    import duckdb

    places = (
        "['KENNEDY','BOSA','SUBA','ENGATIVA','USME','CIUDAD BOLIVAR','FONTIBON',"
        "'USAQUEN','CHAPINERO','SANTA FE','SAN CRISTOBAL','TUNJUELITO',"
        "'BARRIOS UNIDOS','TEUSAQUILLO','LOS MARTIRES','ANTONIO NARINO',"
        "'PUENTE ARANDA','LA CANDELARIA','RAFAEL URIBE URIBE','SUMAPAZ',"
        "'CORFERIAS','Total Bogota']"
    )
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT
                list_extract({places}, 1 + (i * 7919) % 22) AS localidad,
                lpad(CAST(1 + (i % 20) AS VARCHAR), 2, '0') AS cod_localidad,
                DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS fecha,
                CASE WHEN i % 97 = 0 THEN NULL ELSE (i * 31) % 5000 END AS votos,
                CAST(((i * 17) % 100000) * 1234.5 AS DOUBLE) AS monto,
                (i % 1000) / 10.0 AS participacion
              FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet, COMPRESSION zstd)
            """  # noqa: S608 - generated data, no outside value
        )


def _builder_query():
    from open_data_labs.data import BuilderQuery, Filter, FilterOp, Measure

    return BuilderQuery(
        filters=(Filter("localidad", FilterOp.NOT_EQUALS, "Total Bogota"),),
        group_by=("localidad",),
        measure=Measure.SUM,
        measure_column="votos",
        sort_by="__medida__",
        descending=True,
    )


def _columns(path: Path):
    import duckdb

    from open_data_labs.data import ColumnData, ColumnType
    from open_data_labs.typing_rules import type_of_duckdb

    with duckdb.connect() as con:
        described = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()  # noqa: S608
    return tuple(
        ColumnData(name, type_of_duckdb(kind) or ColumnType.TEXT)
        for name, kind, *_ in described
    )


def _one_query(path: str, queue, native: bool) -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.OPEN_DATA_QUERY_NATIVE_COPY = native
    from open_data_labs.builder import compile_builder
    from open_data_labs.sandbox import run_sandboxed

    columns = _columns(Path(path))
    compiled = compile_builder(_builder_query(), columns)
    before = _resident_mb()
    peak = [before]
    done = threading.Event()

    def sample() -> None:  # the resident size while the query runs
        while not done.is_set():
            peak[0] = max(peak[0], _resident_mb())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    answer = run_sandboxed(Path(path), compiled.sql, params=compiled.params)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    queue.put((seconds, peak[0] - before, len(answer.rows)))


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _learners(path: Path, learners: int, rounds: int, processes: int = 0) -> dict:
    from django.conf import settings

    from open_data_labs.builder import compile_builder
    from open_data_labs.query_pool import run_in_pool
    from open_data_labs.sandbox import run_sandboxed

    compiled = compile_builder(_builder_query(), _columns(path))
    run = run_in_pool if processes else run_sandboxed
    if processes:
        settings.OPEN_DATA_QUERY_PROCESSES = processes
        # Start every worker and prepare its database before timing.
        with ThreadPoolExecutor(max_workers=processes * 2) as warm:
            list(warm.map(lambda _n: run(path, SQL), range(processes * 4)))

    from open_data_labs.refusals import QueryRefused

    busy = []

    def learner(n: int) -> list[float]:
        times = []
        for r in range(rounds):
            started = time.perf_counter()
            try:
                if (n + r) % 2:
                    run(path, SQL)
                else:
                    run(path, compiled.sql, params=compiled.params)
            except QueryRefused as refusal:  # told to retry: counted, not timed
                busy.append(refusal.problem)
                continue
            times.append((time.perf_counter() - started) * 1000)
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=learners) as pool:
        latencies = sorted(t for ts in pool.map(learner, range(learners)) for t in ts)
    wall = time.perf_counter() - started
    return {
        "refused": len(busy),
        "queries": len(latencies),
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "max": latencies[-1],
        "per_second": len(latencies) / wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--parquet", action="store_true")
    parser.add_argument("--concurrency", type=int, default=0)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    from open_data_labs.engine import native_copy
    from open_data_labs.limits import limit

    settings.OPEN_DATA_QUERY_NATIVE_COPY = not args.parquet
    if args.concurrency:
        settings.OPEN_DATA_QUERY_CONCURRENCY = args.concurrency
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as folder:
        path = Path(folder) / "snapshot.parquet"
        _generate(path, args.rows)
        print(f"Snapshot: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        if not args.parquet:
            started = time.perf_counter()
            native = native_copy(path)
            print(
                f"Native copy made once: {time.perf_counter() - started:.2f} s, "
                f"{native.stat().st_size / 1e6:.1f} MB"
            )
        queue = multiprocessing.get_context("spawn").Queue()
        child = multiprocessing.get_context("spawn").Process(
            target=_one_query, args=(str(path), queue, not args.parquet)
        )
        child.start()
        seconds, grown_mb, rows = queue.get()
        child.join()
        print(
            f"One grouped query alone: {seconds * 1000:.0f} ms, {rows} rows, "
            f"+{grown_mb:.0f} MB peak memory (target < {TARGET_QUERY_MB:.0f} MB)"
        )
        figures = _learners(path, args.learners, args.rounds, args.processes)
        where = f"{args.processes} worker processes" if args.processes else "in-process"
        where += ", Parquet file" if args.parquet else ", native copy"
        where += f", {limit('OPEN_DATA_QUERY_CONCURRENCY')} at once"
        print(
            f"{args.learners} learners ({where}), {args.rounds} queries each "
            f"({figures['queries']} answered, {figures['refused']} told to retry; "
            "builder and SQL alternating): "
            f"p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms "
            f"(target < {TARGET_P95_MS:.0f}), max {figures['max']:.0f} ms, "
            f"{figures['per_second']:.1f} queries/s, process peak "
            f"{figures['peak_mb']:.0f} MB"
        )
        if args.processes:
            from open_data_labs.query_pool import shut_down_pool

            shut_down_pool()
        ok = figures["p95"] < TARGET_P95_MS and grown_mb < TARGET_QUERY_MB
        print("Targets met." if ok else "Targets NOT met on this machine.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
