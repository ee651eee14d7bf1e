"""Profile one locality's copy of the bench course (10 modules x 5 lessons), in process.

    .venv/bin/python bench/profile_locality_copy.py [--schema <locality>] [--top 25]

Creates the course of ``bench/publish_course.py`` at the campus, snapshots it
and applies the snapshot twice in one locality (1: creates, 2: updates), each
under cProfile and with every query counted. Prints per round the wall time,
the queries (total, per lesson, the most frequent statements) and the
functions with the most cumulative time. No worker, broker or web server: the
figure that depends least on the machine's load. The course is removed from
the campus and the locality afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path

LESSONS = 50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", help="locality (default: the first one)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.publish_course import KEY, clean_bench_course, create_bench_course
    from courses import publishing
    from courses.models import CoursePage
    from tenants import api as tenants_api

    schema = args.schema or tenants_api.locality_schemas(include_campus=False)[0]
    try:
        with tenants_api.in_locality("campus"):
            create_bench_course([schema])
            snapshot = publishing.snapshot_course(CoursePage.objects.get(key=KEY))
        for round_no in range(1, args.rounds + 1):
            snapshot["version"] = round_no
            with tenants_api.in_locality(schema):
                # The log keeps the last 9,000 queries: counted from empty.
                connection.queries_log.clear()
                profiler = cProfile.Profile()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    profiler.enable()
                    publishing.apply_snapshot(snapshot)
                    profiler.disable()
                    seconds = time.perf_counter() - started
            _report(round_no, schema, seconds, queries.captured_queries, profiler, args)
    finally:
        clean_bench_course([schema])


def _report(round_no, schema, seconds, captured, profiler, args) -> None:
    name = "crea" if round_no == 1 else "actualiza"
    print(
        f"\n== ronda {round_no} ({name}) en {schema}: {seconds:.2f} s, "
        f"{len(captured)} consultas ({len(captured) / LESSONS:.1f} por lección)"
    )
    shapes = Counter(_shape(q["sql"]) for q in captured)
    for shape, count in shapes.most_common(args.top):
        print(f"{count:6d}  {shape[:150]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


def _shape(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\s+", " ", sql)


if __name__ == "__main__":
    main()
