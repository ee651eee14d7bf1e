"""Benchmark: profile of a 1,000,000-row snapshot (time and peak memory).

Run: .venv/bin/python bench/open_data_profile.py [--rows 1000000] [--with-csv]
     [--real]

A generated snapshot shaped like local open data (locality names as files write
them, a few places that are not localities and a TOTAL row, codes with leading
zeros, dates, integers, pesos, percentages, some empty values) is written as
Parquet; then a fresh child process computes its profile with the platform's
DuckDB limits (``OPEN_DATA_DUCKDB_MEMORY``, ``OPEN_DATA_DUCKDB_THREADS``) and
reports the wall time and the growth of its peak resident memory. Target: under
5 s. ``--with-csv`` also times reading and typing the same rows from
a Colombian CSV (";" delimiter, decimal commas, "$"), as an upload would.
``--real`` also profiles the real Registraduría file of ``../shared/datasets``
as an upload reads it (wide: one column per place), then turned into one row per
place and count (as the demo's version 2), and prints each flag's Spanish
message. No database is touched: the profile reads only the Parquet file.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://bench@127.0.0.1:1/sin-base")
os.environ.setdefault(
    "LMS_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "bench")
)

TARGET_SECONDS = 5.0
PLACES = (
    "KENNEDY, BOSA, SUBA, ENGATIVA, USME, CIUDAD BOLIVAR, FONTIBON, USAQUEN, "
    "CHAPINERO, SANTA_FE, SAN_CRISTOBAL, TUNJUELITO, BARRIOS_UNIDOS, TEUSAQUILLO, "
    "MARTIRES, ANTONIO_NARINO, PUENTE_ARANDA, CANDELARIA, RAFAEL_URIBE_URIBE, "
    "SUMAPAZ, CARCELES, CORFERIAS, Total Bogota"
).split(", ")


def _generate(path: Path, rows: int) -> None:
    import duckdb

    places = "[" + ", ".join(f"'{p}'" for p in PLACES) + "]"
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT
                list_extract({places}, 1 + (i * 7919) % {len(PLACES)}) AS localidad,
                lpad(CAST(1 + (i % 20) AS VARCHAR), 2, '0') AS cod_localidad,
                DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS fecha,
                CASE WHEN i % 97 = 0 THEN NULL ELSE (i * 31) % 5000 END AS votos,
                CAST(((i * 17) % 100000) * 1234.5 AS DOUBLE) AS monto,
                CASE WHEN i % 50000 = 0 THEN 140.0 ELSE (i % 1000) / 10.0 END
                  AS participacion,
                (i * 13) % 9000 AS potencial_votantes
              FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet, COMPRESSION zstd)
            """
        )


def _columns():
    from open_data_labs.data import ColumnData, ColumnType

    return [
        ColumnData("localidad", ColumnType.TEXT),
        ColumnData("cod_localidad", ColumnType.TEXT),
        ColumnData("fecha", ColumnType.DATE),
        ColumnData("votos", ColumnType.INTEGER),
        ColumnData("monto", ColumnType.DECIMAL),
        ColumnData("participacion", ColumnType.DECIMAL, unit="%"),
        ColumnData("potencial_votantes", ColumnType.INTEGER),
    ]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _profile_child(path: str, out: multiprocessing.Queue) -> None:
    import django

    django.setup()
    from open_data_labs import profiling
    from open_data_labs.engine import connect

    profiling.compute_profile  # noqa: B018 - imported before measuring
    before = _peak_mb()
    started = time.perf_counter()
    with connect() as con:
        profile = profiling.compute_profile(con, f"read_parquet('{path}')", _columns())
    seconds = time.perf_counter() - started
    out.put((seconds, before, _peak_mb(), [f.kind.value for f in profile.all_flags]))


def _csv_child(path: str, out: multiprocessing.Queue) -> None:
    import django

    django.setup()
    from open_data_labs.engine import connect, literal
    from open_data_labs.reading import read_file
    from open_data_labs.typed_tables import type_columns

    data = Path(path).read_bytes()
    before = _peak_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        raw = read_file(data, filename="bench.csv", folder=Path(folder))
        with connect() as con:
            con.execute(
                f"CREATE TABLE raw AS SELECT * FROM read_csv({literal(str(raw.path))}, "
                "header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"
            )
            columns, _ = type_columns(con, "raw", hint=raw.decimal_hint, notes=[])
    seconds = time.perf_counter() - started
    out.put((seconds, before, _peak_mb(), [c.type.value for c in columns]))


REAL = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "datasets"
    / "registraduria-senado-2018-participacion-localidades.csv"
)


def _real_child(path: str, out: multiprocessing.Queue) -> None:
    import django

    django.setup()
    from open_data_labs import profiling
    from open_data_labs.data import ColumnData, ColumnType
    from open_data_labs.engine import connect, ident, literal
    from open_data_labs.reading import read_file
    from open_data_labs.typed_tables import type_columns

    started = time.perf_counter()
    report = []
    with tempfile.TemporaryDirectory() as folder:
        raw = read_file(Path(path).read_bytes(), filename="r.csv", folder=Path(folder))
        with connect() as con:
            con.execute(
                f"CREATE TABLE raw AS SELECT * FROM read_csv({literal(str(raw.path))}, "
                "header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"
            )
            columns, _ = type_columns(con, "raw", hint=raw.decimal_hint, notes=[])
            wide = profiling.compute_profile(con, "typed", list(columns))
            report.append(
                (f"ancha: {wide.row_count} filas, {len(columns)} columnas", wide)
            )
            places = [c.name for c in columns[1:]]
            con.execute(
                f"CREATE TABLE long AS UNPIVOT typed ON "
                f"{', '.join(ident(p) for p in places)} "
                f"INTO NAME lugar VALUE votos"
            )
            long_columns = [
                columns[0],
                ColumnData("lugar", ColumnType.TEXT),
                ColumnData("votos", ColumnType.INTEGER),
            ]
            long = profiling.compute_profile(con, "long", long_columns)
            report.append((f"larga: {long.row_count} filas, 3 columnas", long))
    seconds = time.perf_counter() - started
    out.put(
        (
            seconds,
            [
                (title, [(f.kind.value, f.column, f.message) for f in p.all_flags])
                for title, p in report
            ],
        )
    )


def _run(target, path: Path):
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    child = multiprocessing.get_context("spawn").Process(
        target=target, args=(str(path), queue)
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"El proceso de medición falló (código {child.exitcode}).")
    return queue.get(timeout=5)


def _write_csv(parquet: Path, target: Path) -> None:
    import duckdb

    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT localidad, cod_localidad, strftime(fecha, '%d/%m/%Y') AS fecha,
                     CAST(votos AS VARCHAR) AS votos,
                     '$ ' || replace(replace(replace(format('{{:,.2f}}', monto),
                        ',', '#'), '.', ','), '#', '.') AS monto,
                     replace(CAST(participacion AS VARCHAR), '.', ',') || '%'
                       AS participacion
              FROM read_parquet('{parquet}')
            ) TO '{target}' (FORMAT csv, DELIMITER ';', HEADER true)
            """
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--with-csv", action="store_true")
    parser.add_argument("--real", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-datos-") as folder:
        path = Path(folder) / "snapshot.parquet"
        started = time.perf_counter()
        _generate(path, args.rows)
        size = path.stat().st_size / 1024 / 1024
        print(
            f"Instantánea generada: {args.rows:,} filas, {size:.1f} MB Parquet "
            f"({time.perf_counter() - started:.1f} s)"
        )
        seconds, before, peak, flags = _run(_profile_child, path)
        verdict = "cumple" if seconds < TARGET_SECONDS else "NO cumple"
        print(
            f"Perfil: {seconds:.2f} s (meta < {TARGET_SECONDS:.0f} s: {verdict}); "
            f"memoria pico del proceso {peak:.0f} MB (+{peak - before:.0f} MB "
            "durante el perfil)"
        )
        print(f"Alertas: {', '.join(sorted(set(flags)))}")
        if args.with_csv:
            csv_path = Path(folder) / "datos.csv"
            _write_csv(path, csv_path)
            mb = csv_path.stat().st_size / 1024 / 1024
            seconds, before, peak, types = _run(_csv_child, csv_path)
            print(
                f"Lectura y tipos de un CSV colombiano de {mb:.0f} MB: {seconds:.2f} s; "
                f"memoria pico {peak:.0f} MB (+{peak - before:.0f} MB); tipos: "
                + ", ".join(types)
            )
    if args.real:
        seconds, report = _run(_real_child, REAL)
        print(
            f"Archivo real de la Registraduría: leído, tipado y perfilado en {seconds:.2f} s"
        )
        for title, flags in report:
            print(f"  Versión {title}:")
            for kind, column, message in flags:
                print(f"    - [{kind}] «{column}»: {message}")


if __name__ == "__main__":
    main()
