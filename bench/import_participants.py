"""Benchmark: bulk import of 50,000 participants from one CSV.

Run: LMS_DATA_DIR=.data/bench-accounts .venv/bin/python bench/import_participants.py
     [--rows 50000] [--rounds 3]
Creates its own database (LMS_TEST_DB_NAME, default bench_lms_accounts) on the
embedded server (or DATABASE_URL) with four localities, writes a generated
Latin-1 CSV (as Excel in Spanish saves it; 1% of rows malformed on purpose) and,
each round, imports it into an empty accounts table. Prints per round and as
medians: seconds for the file, rows per second, peak traced Python memory
(tracemalloc, one extra round, as tracing slows the run) and the process peak RSS;
then the time of importing the same file again (everything already registered,
nothing created). Target: the whole file in under 60 s. The database is dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_accounts")
os.environ.setdefault(
    "LMS_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "bench")
)

LOCALITIES = [("kennedy", "Kennedy"), ("bosa", "Bosa"), ("suba", "Suba")]
LOCALITIES.append(("ciudad-bolivar", "Ciudad Bolívar"))
FIRST = [
    "María",
    "José",
    "Luz Dary",
    "Andrés",
    "Ángela",
    "Jhon Fredy",
    "Yésica",
    "Óscar",
]
LAST = ["Rodríguez", "Gómez", "Muñoz", "Peña", "Díaz", "Hernández", "Castañeda"]


def make_csv(rows: int) -> bytes:
    rng = random.Random(3)  # noqa: S311 - reproducible data, not secrets
    lines = [
        "nombres;apellidos;correo;tipo_documento;numero_documento;localidad;fecha_nacimiento"
    ]
    for i in range(rows):
        number = str(1_000_000_000 + i * 7)
        born = f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        locality = rng.choice(LOCALITIES)[1]
        if i % 100 == 99:  # malformed on purpose: letters in the document
            number = number[:4] + "O" + number[5:]
        lines.append(
            f"{rng.choice(FIRST)};{rng.choice(LAST)};persona{i}@example.org;"
            f"{'TI' if born > '2008' else 'CC'};{number};{locality};{born}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from lms.accounts import api
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    old = setup_databases(verbosity=0, interactive=False)
    try:
        for slug, name in LOCALITIES:
            tenants_api.provision_locality(
                LocalitySpec(
                    schema_name=tenants_api.schema_name_for(slug), name=name, slug=slug
                )
            )
        content = make_csv(args.rows)
        print(f"Archivo: {args.rows} filas, {len(content) / 1e6:.1f} MB (Latin-1, ';')")
        users = get_user_model().objects

        def one_round() -> tuple[float, object]:
            # Raw delete: the ORM cascade would look for Wagtail's per-locality
            # tables from the public schema; the imported people have no rows there.
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {users.model._meta.db_table}")  # noqa: S608
            started = time.perf_counter()
            result = api.import_participants(content, filename="jornada.csv")
            return time.perf_counter() - started, result

        seconds = []
        for n in range(1, args.rounds + 1):
            took, result = one_round()
            seconds.append(took)
            print(
                f"ronda {n}: {took:.1f} s, {args.rows / took:,.0f} filas/s "
                f"(creadas {result.created}, rechazadas {result.rejected})"
            )
        tracemalloc.start()
        one_round()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        started = time.perf_counter()
        again = api.import_participants(content, filename="jornada.csv")
        reimport = time.perf_counter() - started
        median = statistics.median(seconds)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"mediana: {median:.1f} s, {args.rows / median:,.0f} filas/s (meta < 60 s)"
        )
        print(
            f"memoria: pico Python {peak / 1e6:.0f} MB (tracemalloc), RSS máx. {rss_mb:.0f} MB"
        )
        print(
            f"reimportar el mismo archivo: {reimport:.1f} s, creadas {again.created}, "
            f"ya registradas {again.already_registered}"
        )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
