"""Benchmark: program dashboards over 20 localities (issue #8).

Run: LMS_DATA_DIR=.data/bench-reports .venv/bin/python bench/dashboards.py [--scale 1]
Creates its own database (LMS_TEST_DB_NAME, default bench_lms_reports) on the
embedded server (or DATABASE_URL), 20 localities and the campus, and seeds at
--scale 1: 50,000 people, 120,000 enrollments (reporting tables, bulk_create)
and 1,000,000 xAPI statements (COPY into the locality schemas, what the recount
reads). Prints: city dashboard p95 with 10 concurrent managers (cold: cache
cleared before every request; warm: the cache as in production), recount
time, and drift after N random events (statement + learner_active signal).
The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_reports")
os.environ.setdefault(
    "LMS_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".data" / "bench")
)

COURSES = [f"curso-{i:02d}" for i in range(12)]
GENDERS = ["Mujer"] * 50 + ["Hombre"] * 45 + ["No binario"] * 3 + [""] * 2
ETHNIC = ["", "", "", "", "Afrocolombiano", "Indígena", "Raizal", "Rrom"]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def seed(schemas: list[str], scale: float, now: datetime) -> None:
    from django.db import connection

    from reporting.models import LearnerCourse, LearnerDay, PersonProfile
    from tenants import api as tenants_api

    rng = random.Random(8)  # noqa: S311 - seeded test data
    people = int(50_000 * scale)
    enrollments = int(120_000 * scale)
    statements = int(1_000_000 * scale)
    home = {u: rng.choice(schemas) for u in range(1, people + 1)}
    today = now.date()
    PersonProfile.objects.bulk_create(
        (
            PersonProfile(
                user_id=u,
                gender=rng.choice(GENDERS),
                birth_date=today - timedelta(days=rng.randint(14 * 365, 80 * 365)),
                ethnic_group=rng.choice(ETHNIC),
                has_disability=rng.random() < 0.07,
                is_victim=rng.random() < 0.1,
                is_lgbtiq=rng.random() < 0.05,
                is_rural=rng.random() < 0.04,
            )
            for u in home
        ),
        batch_size=5000,
    )
    seen: set[tuple[str, int, str]] = set()
    rows = []
    while len(rows) < enrollments:
        user = rng.randint(1, people)
        schema = home[user] if rng.random() < 0.9 else rng.choice(schemas)
        course = rng.choice(COURSES)
        if (schema, user, course) in seen:
            continue
        seen.add((schema, user, course))
        enrolled = now - timedelta(days=rng.randint(0, 180))
        done = enrolled + timedelta(days=30) if rng.random() < 0.45 else None
        done = done if done and done < now else None
        rows.append(
            LearnerCourse(
                schema_name=schema,
                user_id=user,
                course_key=course,
                is_enrolled=True,
                first_enrolled_at=enrolled,
                enrollment_changed_at=enrolled,
                completed_at=done,
                certified_at=done + timedelta(hours=1)
                if done and rng.random() < 0.8
                else None,
            )
        )
    LearnerCourse.objects.bulk_create(rows, batch_size=5000)
    # Statements: what the recount reads; LearnerDay rows as the events left them.
    by_schema: dict[str, list[tuple[int, datetime]]] = {s: [] for s in schemas}
    pairs = [(r.schema_name, r.user_id) for r in rows]
    for _ in range(statements):
        schema, user = rng.choice(pairs)
        by_schema[schema].append(
            (user, now - timedelta(minutes=rng.randint(0, 60 * 24 * 90)))
        )
    from django.utils import timezone

    # The same window as the recount (local midnight, 35 days back).
    window = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    window -= timedelta(days=35)
    days = set()
    for schema, items in by_schema.items():
        with tenants_api.in_locality(schema), connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY learning_xapistatement (statement_id, user_id, activity_key,"
                " verb, counts_for_activity, statement, stored_at) FROM STDIN"
            ) as copy:
                for user, at in items:
                    sid = uuid.uuid4()
                    copy.write_row(
                        (
                            sid,
                            user,
                            "h5p:quiz",
                            "http://adlnet.gov/expapi/verbs/answered",
                            True,
                            f'{{"id": "{sid}"}}',
                            at,
                        )
                    )
        days.update(
            (schema, u, timezone.localdate(at)) for u, at in items if at >= window
        )
    LearnerDay.objects.bulk_create(
        (LearnerDay(schema_name=s, user_id=u, day=d) for s, u, d in days),
        batch_size=10000,
    )
    print(
        f"seeded: {people} people, {len(rows)} enrollments, {statements} statements,"
        f" {len(days)} active days"
    )


def dashboard_p95(manager, *, requests: int, cold: bool) -> list[float]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from tenants import api as tenants_api

    samples: list[float] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        client = Client(HTTP_HOST="campus.test")
        with tenants_api.in_locality("campus"):
            client.force_login(manager)
        try:
            _requests(client, n)
        finally:
            connection.close()

    def _requests(client, n: int) -> None:
        for _ in range(n):
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = client.get("/tablero/")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code  # noqa: S101
            with lock:
                samples.append(elapsed)

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(worker, [requests // 10] * 10))
    return samples


def drift_after_events(schemas: list[str], n: int) -> dict[str, int]:
    from lms.learning import api as learning_api
    from lms.learning import signals
    from reporting import api
    from tenants import api as tenants_api

    rng = random.Random(80)  # noqa: S311 - seeded test data
    for i in range(n):
        schema = rng.choice(schemas)
        user = rng.randint(1, 60_000)
        with tenants_api.in_locality(schema):
            learning_api.record_statements(
                user,
                [
                    {
                        "id": str(uuid.uuid4()),
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    }
                ],
                activity_key="h5p:quiz",
            )
            signals.learner_active.send(
                sender=None,
                user_id=user,
                course_key=rng.choice(COURSES),
                occurred_at=datetime.now(tz=UTC),
            )
            if i % 3 == 0:  # enrollment events too (no locality source yet)
                signals.enrollment_created.send(
                    sender=None,
                    user_id=user,
                    course_key=rng.choice(COURSES),
                    occurred_at=datetime.now(tz=UTC),
                    enrollment_id=i,
                    cohort_id=None,
                )
    return api.recount().drift


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    from lms.locality_roles.api import Role, grant_role
    from reporting import api
    from tenants import api as tenants_api
    from tenants.data import LocalityKind, LocalitySpec

    old = setup_databases(verbosity=0, interactive=False)
    try:
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
        now = datetime.now(tz=UTC)
        started = time.perf_counter()
        seed(schemas, args.scale, now)
        print(f"seed took {time.perf_counter() - started:.1f} s (scale {args.scale})")
        from django.contrib.auth import get_user_model

        manager = get_user_model().objects.create_user("gestor", password="x-bench-1")  # noqa: S106
        with tenants_api.in_locality("campus"):
            grant_role(manager.pk, Role.PROGRAM_MANAGER)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for cold in (True, False):
            samples = dashboard_p95(manager, requests=args.requests, cold=cold)
            print(
                f"city dashboard, 10 concurrent, {'cold' if cold else 'warm'} cache:"
                f" n={len(samples)} median={statistics.median(samples) * 1000:.0f} ms"
                f" p95={_p95(samples) * 1000:.0f} ms"
            )
        times = []
        for _ in range(3):
            result = api.recount()
            times.append(result.seconds)
            print(
                f"recount: {result.seconds:.2f} s drift={result.drift}"
                f" unverified={result.unverified}"
            )
        print(f"recount median: {statistics.median(times):.2f} s")
        started = time.perf_counter()
        drift = drift_after_events(schemas, args.events)
        print(
            f"{args.events} random events in {time.perf_counter() - started:.1f} s;"
            f" drift found by the recount: {drift}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
