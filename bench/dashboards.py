"""Benchmark: program dashboards over 20 localities.

Run: LMS_DATA_DIR=.data/bench-reports .venv/bin/python bench/dashboards.py [--scale 1]
     [--baseline <commit>]
Creates its own database (LMS_TEST_DB_NAME, default bench_lms_reports) on the
embedded server (or DATABASE_URL), 20 localities and the campus, and seeds at
--scale 1 (seed 8): 50,000 people, 120,000 enrollments and 1,000,000 xAPI
statements over 20 localities (``dashboards_seed``). Server: gunicorn, one
process per core x 4 threads, test settings, a Redis cache shared with this
process (``REDIS_CACHE_URL``, db 14), rebuild throttle 30 s. Client: 10 managers
(threads with ``requests``), each signed in with the same program manager's
session, loading ``/tablero/`` at the campus one request after another.

Prints the recount time, each build without cache in process, and the city page
for 10 managers: warm (no change meanwhile), while learners act, and with the
cache emptied before every request (each request builds). With ``--baseline``,
the same seeded database is also served by the code of that commit (extracted
with ``git archive``) and the page loads alternate between the two servers,
round by round, ending with a side-by-side table (medians, p95 and their ratio).
Finally it makes N random learner actions and reports the drift the recount
finds. The database is dropped at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# A cache shared by the server's processes and this one, as in production.
os.environ.setdefault("REDIS_CACHE_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_reports")
os.environ.setdefault("LMS_DATA_DIR", str(ROOT / ".data" / "bench"))

from bench.dashboards_load import (  # noqa: E402 - after the settings above
    LearnerActions,
    live_events,
    managers_load,
    p95,
    profile_cold_page,
    report,
    session_cookie,
    start_server,
)
from bench.dashboards_seed import COURSES, seed  # noqa: E402
from bench.side_by_side import checkout, compile_messages  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--live-rate", type=float, default=5.0)
    parser.add_argument(
        "--live-seconds",
        type=float,
        default=120.0,
        help="long enough to span several rebuild throttles (30 s)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--baseline",
        metavar="COMMIT",
        help="also serve the same data with this older commit, side by side",
    )
    parser.add_argument(
        "--repo",
        default=str(ROOT),
        help="the git repository holding the baseline commit (default: this tree)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds per measurement"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (for profiling)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the database a run with --keep left (no provisioning or seed)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile one cold city page (and a filtered one) in process",
    )
    return parser.parse_args()


def _provision() -> list[str]:
    from tenants import api as tenants_api
    from tenants.data import LocalityKind, LocalitySpec

    started = time.perf_counter()
    schemas = [f"bench_loc_{i:02d}" for i in range(1, 21)]
    for i, schema in enumerate(schemas, start=1):
        tenants_api.provision_locality(
            LocalitySpec(
                schema_name=schema, name=f"Localidad {i}", slug=f"loc-{i}", code=i
            ),
            domain=f"loc-{i}.test",
        )
    tenants_api.provision_locality(
        LocalitySpec(
            schema_name="campus",
            name="Campus",
            slug="campus",
            kind=LocalityKind.CITY_CAMPUS,
        ),
        domain="campus.test",
    )
    print(f"21 schemas provisioned in {time.perf_counter() - started:.1f} s")
    return schemas


def _builds_in_process(schemas: list[str]) -> None:
    from django.utils import timezone

    from reporting import dashboards
    from reporting.data import Filters

    today = timezone.localdate()
    for label, schema, filters in (
        ("city", "", Filters()),
        ("one locality", schemas[2], Filters()),
        ("city, women 28-59", "", Filters(gender="mujer", age_group="28 a 59")),
        ("city, one course", "", Filters(course_key=COURSES[3])),
    ):
        builds = []
        for _ in range(5):
            started = time.perf_counter()
            dashboards._build(schema, filters, today)
            builds.append(time.perf_counter() - started)
        print(
            f"build without cache, {label}: median of 5"
            f" {statistics.median(builds) * 1000:.0f} ms"
        )


def _baseline_tree(commit: str, repo: str) -> Path:
    """The files of ``commit`` with compiled catalogs (``side_by_side``, the
    one place that unpacks an older commit for the benchmarks)."""
    tree = checkout(commit, repo=Path(repo))
    compile_messages(tree)
    return tree


# Filtered pages (gender and age group; a course): built from the counts kept
# under each filter, like the page without filters.
FILTERED_PATHS = (
    "/tablero/?genero=mujer&edad=28+a+59",
    f"/tablero/?curso={COURSES[3]}",
    "/tablero/?genero=hombre",
)


def _side_by_side(
    servers: dict[str, int], cookie: str, per: int, rounds: int
) -> dict[str, dict[str, list[float]]]:
    """Warm and cold page loads, alternating the servers round by round."""
    kinds = ("warm", "cold", "cold, filtered")
    samples: dict[str, dict[str, list[float]]] = {
        kind: {name: [] for name in servers} for kind in kinds
    }
    for port in servers.values():
        managers_load(port, cookie, per_manager=2)  # warm the processes
    for n in range(rounds):
        order = list(servers.items())
        if n % 2:
            order.reverse()
        for name, port in order:
            samples["warm"][name] += managers_load(port, cookie, per_manager=per)
            samples["cold"][name] += managers_load(
                port, cookie, per_manager=max(per // 4, 1), cold=True
            )
            samples["cold, filtered"][name] += managers_load(
                port,
                cookie,
                per_manager=max(per // 4, 1),
                cold=True,
                paths=FILTERED_PATHS,
            )
    return samples


def _print_table(samples: dict[str, dict[str, list[float]]], baseline: str) -> None:
    print("\nside by side (city page, 10 managers; ms):")
    print(f"{'':14} {'server':>10} {'n':>5} {'median':>8} {'p95':>8}")
    for kind, by_server in samples.items():
        figures = {}
        for name, values in by_server.items():
            figures[name] = (statistics.median(values) * 1000, p95(values) * 1000)
            print(
                f"{kind:14} {name:>10} {len(values):>5} {figures[name][0]:>8.0f}"
                f" {figures[name][1]:>8.0f}"
            )
        old, new = figures[baseline], figures["this tree"]
        print(
            f"{kind:14} {'ratio':>10} {'':>5} {old[0] / new[0]:>7.1f}x"
            f" {old[1] / new[1]:>7.1f}x  (baseline / this tree)"
        )


def _live(port: int, cookie: str, schemas, ids, args) -> None:
    actions = LearnerActions(schemas, ids, seed=5)
    stop = threading.Event()
    per = max(args.requests // 10, 1)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(live_events, actions, args.live_rate, stop)
        samples = managers_load(
            port, cookie, per_manager=per, seconds=args.live_seconds
        )
        stop.set()
        made = future.result()
    report(
        f"city dashboard, 10 managers for {args.live_seconds:g} s,"
        f" {args.live_rate:g} learner actions/s meanwhile ({made} actions)",
        samples,
    )


def _drift_after_actions(schemas, ids, events: int) -> None:
    from reporting import api
    from reporting.models import LearnerCourse

    def done() -> tuple[int, int]:
        rows = LearnerCourse.objects
        return (
            rows.filter(completed_at__isnull=False).count(),
            rows.filter(certified_at__isnull=False).count(),
        )

    before = done()
    actions = LearnerActions(schemas, ids, seed=80)
    started = time.perf_counter()
    for _ in range(events):
        actions.one()
    print(
        f"{events} random learner actions in"
        f" {time.perf_counter() - started:.1f} s: {actions.summary()}"
    )
    after = done()
    print(
        f"completions {after[0] - before[0]:+d}, valid certificates"
        f" {after[1] - before[1]:+d} (issued minus revoked)"
    )
    result = api.recount()
    print(f"recount after them: {result.seconds:.2f} s, drift found: {result.drift}")


def main() -> None:
    args = _arguments()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    from lms.locality_roles.api import Role, grant_role
    from reporting import api
    from tenants import api as tenants_api

    baseline = _baseline_tree(args.baseline, args.repo) if args.baseline else None
    old = setup_databases(verbosity=0, interactive=False, keepdb=args.reuse)
    try:
        if args.reuse:
            schemas = [f"bench_loc_{i:02d}" for i in range(1, 21)]
            people = get_user_model().objects.filter(username__startswith="p")
            ids = list(people.values_list("pk", flat=True))
            manager = get_user_model().objects.get(username="gestor")
            print(f"reusing the kept database: {len(ids)} people")
        else:
            schemas = _provision()
            started = time.perf_counter()
            ids = seed(schemas, args.scale, datetime.now(tz=UTC))
            print(
                f"seed took {time.perf_counter() - started:.1f} s (scale {args.scale})"
            )
            manager = get_user_model().objects.create_user(
                "gestor",
                password="x-bench-1",  # noqa: S106
            )
            with tenants_api.in_locality("campus"):
                grant_role(manager.pk, Role.PROGRAM_MANAGER)
        if args.profile:
            profile_cold_page(manager)
            profile_cold_page(manager, FILTERED_PATHS[0])
        with connection.cursor() as cursor:
            # As autovacuum leaves a live database: statistics, and the
            # visibility map that lets index-only scans skip the table.
            cursor.execute("VACUUM ANALYZE")
        times = []
        for _ in range(3):
            result = api.recount()
            times.append(result.seconds)
            print(f"recount: {result.seconds:.2f} s drift={result.drift}")
        print(f"recount median of 3: {statistics.median(times):.2f} s")
        _builds_in_process(schemas)

        servers = {"this tree": args.port}
        processes = [start_server(args.port)]
        if baseline:
            servers[args.baseline] = args.port + 1
            processes.append(start_server(args.port + 1, baseline))
        try:
            cookie = session_cookie(manager)
            per = max(args.requests // 10, 1)
            samples = _side_by_side(servers, cookie, per, args.rounds)
            for kind, by_server in samples.items():
                report(f"city dashboard, 10 managers, {kind}", by_server["this tree"])
            if baseline:
                _print_table(samples, args.baseline)
            if args.live_seconds:
                _live(args.port, cookie, schemas, ids, args)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
        if args.events:
            _drift_after_actions(schemas, ids, args.events)
    finally:
        connections.close_all()
        if not (args.keep or args.reuse):
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
