"""CPU time of one repeat lesson view, in process, this checkout against an older commit.

Seeds one locality (a course of 3 lessons, one signed-in learner) in a throw-away
database (``bench_lms_lesson_cpu``), then runs, in fresh processes of each
checkout with ``bench/settings_deployed.py`` (as the servers of
``bench/learning.py``), one view to warm the caches followed by VIEWS repeat
views through Django's test client: the whole middleware stack and the page,
without an HTTP server or a load generator to share the cores with. Each
process reports ``time.process_time()`` per view and the SQL queries of one
more view. Rounds interleave the two checkouts (old, new, new, old, ...).

Run: .venv/bin/python bench/lesson_cpu.py --baseline <commit> [--views 1000]
     [--rounds 3]
Set ``REDIS_CACHE_URL`` for the deployed cache (sessions read from it too).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(plan: dict, views: int) -> dict:
    """In a checkout's process: CPU per repeat view, and one view's queries."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=plan["host"])
    client.cookies["sessionid"] = plan["cookie"]
    for _ in range(20):  # the first view, then every cache warm
        page = client.get(plan["url"])
    if page.status_code != 200 or plan["marker"] not in page.content.decode():
        sys.exit("La lección no se sirvió con la sesión iniciada.")
    started, wall = time.process_time(), time.perf_counter()
    for _ in range(views):
        client.get(plan["url"])
    cpu = (time.process_time() - started) / views
    wall = (time.perf_counter() - wall) / views
    with CaptureQueriesContext(connection) as seen:
        client.get(plan["url"])
    return {"cpu_ms": cpu * 1000, "wall_ms": wall * 1000, "queries": len(seen)}


def seed() -> dict:
    """The locality, course and signed-in learner the views are made by."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from courses import api as courses_api
    from courses.models import LessonPage
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    spec = LocalitySpec(schema_name="cpu_l0", name="CPU 0", slug="cpu-l0")
    host = "cpu-l0.test"
    tenants_api.provision_locality(spec, domain=host)
    with tenants_api.in_public_schema():
        user = get_user_model().objects.create_user("cpu0", "cpu0@example.org", "x")
    with tenants_api.in_locality(spec.schema_name):
        courses_api.create_course("Control social", key="control")
        courses_api.add_module("control", "Módulo", key="m")
        for k in range(3):
            courses_api.add_lesson("m", f"Lección {k + 1}", key=f"l{k}")
        url = LessonPage.objects.order_by("path").first().url
        backend = next(
            b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes.")
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = backend
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
    return {
        "host": host,
        "url": url,
        "cookie": session.session_key,
        "marker": f'action="{reverse("logout")}"',
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True, help="older commit")
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(json.loads(args.worker), args.views)))
        return

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    os.environ["LMS_TEST_DB_NAME"] = "bench_lms_lesson_cpu"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from bench.server import SETTINGS, server_pythonpath
    from bench.side_by_side import checkout, compile_messages
    from lms.database import url_for

    old_root = checkout(args.baseline)
    compile_messages(old_root)
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        plan = seed()
        connection.set_schema_to_public()
        old, new = f"anterior {args.baseline[:7]}", "esta rama"
        roots = {old: old_root, new: ROOT}
        results: dict[str, list[dict]] = {old: [], new: []}
        for n in range(args.rounds):
            for label in (old, new) if n % 2 == 0 else (new, old):
                env = dict(
                    os.environ,
                    DATABASE_URL=url_for(connection.settings_dict),
                    DJANGO_SETTINGS_MODULE=SETTINGS,
                    PYTHONPATH=server_pythonpath(roots[label]),
                )
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        f"--views={args.views}",
                        f"--baseline={args.baseline}",
                        f"--worker={json.dumps(plan)}",
                    ],
                    cwd=roots[label],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                row = json.loads(out.strip().splitlines()[-1])
                results[label].append(row)
                print(
                    f"  ronda {n + 1}, {label}: CPU {row['cpu_ms']:.2f} ms/vista, "
                    f"{row['wall_ms']:.2f} ms de reloj, {row['queries']} consultas",
                    flush=True,
                )
        cache = os.environ.get("REDIS_CACHE_URL", "en memoria por proceso")
        print(f"{args.views} vistas repetidas por ronda; caché {cache}")
        print("| Versión | CPU ms/vista (mediana) | reloj ms/vista | consultas |")
        print("|---|---|---|---|")
        medians = {}
        for label in (old, new):
            rows = results[label]
            medians[label] = statistics.median(r["cpu_ms"] for r in rows)
            wall = statistics.median(r["wall_ms"] for r in rows)
            print(
                f"| {label} | {medians[label]:.2f} | {wall:.2f} | "
                f"{rows[-1]['queries']} |"
            )
        print(f"CPU por vista, anterior ÷ nueva: {medians[old] / medians[new]:.2f} x")
    finally:
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
