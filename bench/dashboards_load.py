"""Load for bench/dashboards.py: the server, managers opening the dashboard, and
random learner actions made through the real APIs."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.dashboards_seed import COURSES, LESSONS, PUBLISHED


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def start_server(port: int, root: Path | None = None) -> subprocess.Popen:
    """gunicorn serving this tree's code, or ``root``'s (an older commit)."""
    from bench.server import ROOT, start_gunicorn

    # The production default (the test settings turn the throttle off).
    return start_gunicorn(
        port,
        root=root or ROOT,
        REPORTING_REBUILD_SECONDS=os.environ.get("REPORTING_REBUILD_SECONDS", "30"),
    )


def session_cookie(manager) -> str:
    from django.test import Client

    from tenants import api as tenants_api

    client = Client(HTTP_HOST="campus.test")
    with tenants_api.in_locality("campus"):
        client.force_login(manager)
    return client.cookies["sessionid"].value


def managers_load(
    port: int,
    cookie: str,
    *,
    per_manager: int,
    cold: bool = False,
    paths=("/tablero/",),
    seconds: float | None = None,
) -> list[float]:
    """10 managers, each loading the dashboard ``per_manager`` times in a row
    (or again and again for ``seconds``)."""
    from django.core.cache import cache

    samples: list[float] = []
    lock = threading.Lock()

    def manager(n: int) -> None:
        session = requests.Session()
        session.headers["Host"] = "campus.test"
        session.cookies.set("sessionid", cookie)
        until = time.perf_counter() + seconds if seconds else None
        i = 0
        while (time.perf_counter() < until) if until else (i < per_manager):
            i += 1
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = session.get(
                f"http://127.0.0.1:{port}{paths[(n + i) % len(paths)]}", timeout=60
            )
            elapsed = time.perf_counter() - started
            if response.status_code != 200 or "Tablero" not in response.text:
                raise RuntimeError(f"dashboard answered {response.status_code}")
            with lock:
                samples.append(elapsed)

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(manager, range(10)))
    return samples


def report(label: str, samples: list[float]) -> tuple[float, float]:
    """Print and return (median, p95) in milliseconds."""
    median, high = statistics.median(samples) * 1000, p95(samples) * 1000
    print(f"{label}: n={len(samples)} median={median:.0f} ms p95={high:.0f} ms")
    return median, high


class LearnerActions:
    """Random learner actions through the real APIs, in random localities.

    Enrollments, withdrawals, lesson views (which enroll, mark activity and may
    complete a course, whose certificate the certificates app's own handler then
    issues, eagerly here) and revocations. Each sends the signals that feed the
    reporting table after its commit, as in production. Half the actions go to
    a small set of learners so that some of them complete courses.
    """

    def __init__(self, schemas: list[str], ids: list[int], seed: int) -> None:
        from lms.celery import app

        app.conf.task_always_eager = True  # issue certificates inline, no worker
        self.rng = random.Random(seed)  # noqa: S311 - seeded test data
        self.schemas, self.ids = schemas, ids
        self.hot = [
            (self.rng.choice(schemas), self.rng.choice(ids), self.rng.choice(PUBLISHED))
            for _ in range(300)
        ]
        self.done: dict[str, int] = {}

    def one(self) -> None:
        from django.apps import apps

        from certificates import api as certificates_api
        from lms.learning import api as learning_api
        from tenants import api as tenants_api

        rng = self.rng
        if rng.random() < 0.5:
            schema, user, course = rng.choice(self.hot)
        else:
            schema, user = rng.choice(self.schemas), rng.choice(self.ids)
            course = rng.choice(COURSES)
        roll = rng.random()
        with tenants_api.in_locality(schema):
            try:
                if roll < 0.2:
                    kind = "enroll"
                    learning_api.enroll(user, course)
                elif roll < 0.3:
                    kind = "withdraw"
                    learning_api.withdraw(user, course)
                elif roll < 0.97:
                    kind = "lesson view"
                    lesson = f"{course}-{rng.choice(LESSONS)}"
                    learning_api.record_lesson_view(user, course, lesson)
                else:
                    kind = "revoke"
                    code = (
                        apps.get_model("certificates", "Certificate")
                        .objects.filter(revoked_at__isnull=True)
                        .order_by("?")
                        .values_list("code", flat=True)
                        .first()
                    )
                    certificates_api.revoke_certificate(code, reason="Prueba")
            except learning_api.LearningError:
                kind += " (refused: already so)"
        self.done[kind] = self.done.get(kind, 0) + 1

    def summary(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(self.done.items()))


def live_events(actions: LearnerActions, per_second: float, stop: threading.Event):
    """Learner actions at a steady pace until ``stop`` is set (another thread)."""
    from django.db import connection

    count = 0
    started = time.perf_counter()
    while not stop.is_set():
        actions.one()
        count += 1
        pause = started + count / per_second - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    connection.close()
    return count


def profile_cold_page(manager, path: str = "/tablero/", top: int = 25) -> None:
    """cProfile of one city page built without cache, in this process (view,
    build and template): where a cold page spends its time."""
    import cProfile
    import io
    import pstats

    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenants import api as tenants_api

    client = Client(HTTP_HOST="campus.test")
    with tenants_api.in_locality("campus"):
        client.force_login(manager)
    client.get(path)  # warm the process (imports, templates)
    cache.clear()
    reset_queries()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        response = client.get(path)
        profiler.disable()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"dashboard answered {response.status_code}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]
    print(
        f"cold page {path} in process: {elapsed * 1000:.0f} ms,"
        f" {len(queries.captured_queries)} queries,"
        f" SQL {sum(float(q['time']) for q in queries.captured_queries) * 1000:.0f} ms"
    )
    for query in slowest:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")
    print(out.getvalue())
