"""Benchmark: release one course of 10 modules x 5 lessons to 20 localities.

Run after `make run` has provisioned the localities:
    .venv/bin/python bench/publish_course.py [--rounds 2]
Uses the configured database; the bench course (key ``bench-curso``) is removed
from the campus and every locality afterwards. Prints total time and the median
time per locality for each round (round 1 creates, later rounds update).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

KEY = "bench-curso"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds

    import django

    django.setup()
    from courses import api
    from courses.models import CoursePage
    from tenants import api as tenants_api

    localities = tenants_api.locality_schemas(include_campus=False)
    print(f"{len(localities)} localidades")
    try:
        with tenants_api.in_locality("campus"):
            api.create_course("Curso de prueba de carga", key=KEY)
            for m in range(10):
                module = api.add_module(KEY, f"Módulo {m + 1}", key=f"{KEY}-m{m}")
                for n in range(5):
                    api.add_lesson(
                        module,
                        f"Lección {m + 1}.{n + 1}",
                        key=f"{KEY}-m{m}-l{n}",
                        body=[("text", "<p>" + "Texto de la lección. " * 80 + "</p>")],
                    )
            for round_no in range(1, rounds + 1):
                release = api.release_course(KEY)
                started = time.perf_counter()
                result = api.run_release(release.release_id)
                total = time.perf_counter() - started
                per_locality = [t.seconds for t in result.targets if t.seconds]
                print(
                    f"ronda {round_no}: {result.status}, {result.done_count}/"
                    f"{len(result.targets)} localidades, total {total:.1f} s, "
                    f"mediana por localidad {statistics.median(per_locality):.2f} s "
                    f"(min {min(per_locality):.2f}, max {max(per_locality):.2f})"
                )
    finally:
        for schema in ["campus", *localities]:
            with tenants_api.in_locality(schema):
                for page in CoursePage.objects.filter(key=KEY):
                    page.delete()


if __name__ == "__main__":
    main()
