"""Benchmark: program dashboards over 20 localities.

Run: LMS_DATA_DIR=.data/bench-reports .venv/bin/python bench/dashboards.py [--scale 1]
Creates its own database (LMS_TEST_DB_NAME, default bench_lms_reports) on the
embedded server (or DATABASE_URL), 20 localities and the campus, and seeds at
--scale 1: 50,000 people, 120,000 enrollments and 1,000,000 xAPI statements over
20 localities. The localities' own tables (enrollments, completions,
certificates, active days, statements; COPY) and the public reporting table are
seeded from the same values, so the first recount must find no drift. Prints:
city dashboard p95 with 10 concurrent managers, recount time, and the drift the
recount finds after N random learner actions made through the real APIs.
The database is dropped at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# A cache shared by the server's processes and this one, as in production.
os.environ.setdefault("REDIS_CACHE_URL", "redis://127.0.0.1:6379/14")
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


LESSONS = ("l1", "l2", "l3")  # per course: lesson keys are f"{course}-{lesson}"
# Courses published as real pages in every locality (certificates need one);
# the others exist only as completion rules, which is all the records need.
PUBLISHED = COURSES[:2]


def _copy(table: str, columns: str, rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def seed(schemas: list[str], scale: float, now: datetime) -> list[int]:
    """Seed accounts, profiles, every locality's records and the reporting table.

    The locality tables (enrollments, completions, certificates, active days,
    statements) are written first; the reporting rows are derived from the same
    values, so the first recount must find no drift. Returns the people's ids.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from courses import api as courses_api
    from lms.learning import api as learning_api
    from lms.learning.data import LessonRef
    from reporting.models import LearnerCourse, LearnerDay, PersonProfile
    from tenants import api as tenants_api

    rng = random.Random(8)  # noqa: S311 - seeded test data
    n_people = int(50_000 * scale)
    n_enrollments = int(120_000 * scale)
    n_statements = int(1_000_000 * scale)
    today = now.date()
    users = get_user_model().objects.bulk_create(
        (
            get_user_model()(
                username=f"p{u}",
                password=make_password(None),  # unusable: they never sign in here
                first_name=f"Persona {u}",
                last_name="Prueba",
                date_joined=now - timedelta(days=rng.randint(0, 400)),
            )
            for u in range(n_people)
        ),
        batch_size=5000,
    )
    ids = [u.pk for u in users]
    PersonProfile.objects.bulk_create(
        (
            PersonProfile(
                user_id=u.pk,
                registered_at=u.date_joined,
                gender=rng.choice(GENDERS),
                birth_date=today - timedelta(days=rng.randint(14 * 365, 80 * 365)),
                ethnic_group=rng.choice(ETHNIC),
                has_disability=rng.random() < 0.07,
                is_victim=rng.random() < 0.1,
                is_lgbtiq=rng.random() < 0.05,
                is_rural=rng.random() < 0.04,
            )
            for u in users
        ),
        batch_size=5000,
    )
    home = {u: rng.choice(schemas) for u in ids}
    seen: set[tuple[str, int, str]] = set()
    by_schema: dict[str, list] = {s: [] for s in schemas}
    while len(seen) < n_enrollments:
        user = rng.choice(ids)
        schema = home[user] if rng.random() < 0.9 else rng.choice(schemas)
        key = (schema, user, rng.choice(COURSES))
        if key in seen:
            continue
        seen.add(key)
        enrolled = now - timedelta(
            days=rng.randint(0, 180), minutes=rng.randint(0, 999)
        )
        done = enrolled + timedelta(days=30) if rng.random() < 0.45 else None
        done = done if done and done < now else None
        withdrawn = None
        if done is None and rng.random() < 0.1:
            withdrawn = enrolled + timedelta(days=rng.randint(1, 20))
            withdrawn = withdrawn if withdrawn < now else None
        certified = done + timedelta(hours=1) if done and rng.random() < 0.8 else None
        by_schema[schema].append((user, key[2], enrolled, withdrawn, done, certified))
    reporting_rows, reporting_days = [], set()
    statements_per_schema = n_statements // len(schemas)
    for number, schema in enumerate(schemas, start=1):
        rows = by_schema[schema]
        with tenants_api.in_locality(schema):
            for course in COURSES:
                if course in PUBLISHED:
                    courses_api.create_course(f"Curso {course}", key=course)
                    courses_api.add_module(course, "Módulo", key=f"{course}-m")
                    for lesson in LESSONS:
                        courses_api.add_lesson(
                            f"{course}-m", lesson, key=f"{course}-{lesson}"
                        )
                    continue
                learning_api.set_course_rule(
                    course,
                    version=1,
                    title=course,
                    url="",
                    lessons=[
                        LessonRef(
                            key=f"{course}-{k}",
                            title=k,
                            url="",
                            module_key="m",
                            module_title="M",
                            required=True,
                        )
                        for k in LESSONS
                    ],
                )
            _copy(
                "learning_enrollment",
                "user_id, course_key, status, enrolled_at, activated_at, withdrawn_at",
                (
                    (u, c, "withdrawn" if w else "active", e, e, w)
                    for u, c, e, w, _, _ in rows
                ),
            )
            _copy(
                "learning_coursecompletion",
                "user_id, course_key, course_version, completed_at, rule",
                ((u, c, 1, d, "{}") for u, c, _, _, d, _ in rows if d),
            )
            _copy(
                "certificates_certificate",
                "uuid, code, user_id, course_key, course_version, completed_at,"
                " issued_at, holder_name, document_type, document_last_digits,"
                " course_title, hours, locality_name, pdf, revocation_reason",
                (
                    (
                        uuid.uuid4(),
                        f"B{number}-{i}",
                        u,
                        c,
                        1,
                        d,
                        z,
                        f"Persona {u}",
                        "",
                        "",
                        c,
                        10,
                        schema,
                        "",
                        "",
                    )
                    for i, (u, c, _, _, d, z) in enumerate(rows)
                    if z
                ),
            )
            # Activity: sessions of about 8 statements on a learner's active day.
            days = set()
            statements = []
            while len(statements) < statements_per_schema:
                u, c, enrolled, withdrawn, done, _ = rng.choice(rows)
                end = min(x for x in (withdrawn, done, now) if x)
                span = max(int((end - enrolled).total_seconds() // 60), 1)
                at = enrolled + timedelta(minutes=rng.randint(0, span))
                days.add((u, c, timezone.localdate(at)))
                for k in range(8):
                    statements.append((u, c, at + timedelta(seconds=40 * k)))
            _copy(
                "learning_activeday",
                "user_id, course_key, day",
                iter(days),
            )
            _copy(
                "learning_xapistatement",
                "statement_id, user_id, activity_key, verb, counts_for_activity,"
                " statement, stored_at",
                (
                    (
                        sid,
                        u,
                        f"h5p:{c}",
                        "http://adlnet.gov/expapi/verbs/answered",
                        True,
                        f'{{"id": "{sid}"}}',
                        at,
                    )
                    for sid, (u, c, at) in ((uuid.uuid4(), st) for st in statements)
                ),
            )
        reporting_days.update((schema, u, d) for u, _, d in days)
        reporting_rows.extend(
            LearnerCourse(
                schema_name=schema,
                user_id=u,
                course_key=c,
                is_enrolled=w is None,
                first_enrolled_at=e,
                enrollment_changed_at=w or e,
                completed_at=d,
                certified_at=z,
            )
            for u, c, e, w, d, z in rows
        )
    LearnerCourse.objects.bulk_create(reporting_rows, batch_size=5000)
    LearnerDay.objects.bulk_create(
        (LearnerDay(schema_name=s, user_id=u, day=d) for s, u, d in reporting_days),
        batch_size=10000,
    )
    # The per-person summaries the events would have kept (same SQL as the recount).
    from reporting import api as reporting_api

    reporting_api._rebuild_summaries()
    print(
        f"seeded: {n_people} people, {len(reporting_rows)} enrollments,"
        f" {statements_per_schema * len(schemas)} statements,"
        f" {len(reporting_days)} active (locality, person, day)"
    )
    return ids


def start_server(port: int) -> subprocess.Popen:
    from bench.server import start_gunicorn

    # The production default (the test settings turn the throttle off).
    return start_gunicorn(
        port,
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


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label}: n={len(samples)} median={statistics.median(samples) * 1000:.0f} ms"
        f" p95={_p95(samples) * 1000:.0f} ms"
    )


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


def main() -> None:
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
        "--keep", action="store_true", help="keep the database (for profiling)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

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
        ids = seed(schemas, args.scale, now)
        print(f"seed took {time.perf_counter() - started:.1f} s (scale {args.scale})")
        from django.contrib.auth import get_user_model

        manager = get_user_model().objects.create_user("gestor", password="x-bench-1")  # noqa: S106
        with tenants_api.in_locality("campus"):
            grant_role(manager.pk, Role.PROGRAM_MANAGER)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        times = []
        for _ in range(3):
            result = api.recount()
            times.append(result.seconds)
            print(f"recount: {result.seconds:.2f} s drift={result.drift}")
        print(f"recount median of 3: {statistics.median(times):.2f} s")

        from reporting import _queries
        from reporting.data import Filters

        today = timezone.localdate()
        for label, schema, filters in (
            ("city", "", Filters()),
            ("one locality", schemas[2], Filters()),
            ("city, women 28-59", "", Filters(gender="Mujer", age_group="28 a 59")),
            ("city, one course", "", Filters(course_key=COURSES[3])),
        ):
            builds = []
            for _ in range(5):
                started = time.perf_counter()
                _queries._build(schema, filters, today)
                builds.append(time.perf_counter() - started)
            print(
                f"build without cache, {label}: median of 5"
                f" {statistics.median(builds) * 1000:.0f} ms"
            )

        server = start_server(args.port)
        try:
            cookie = session_cookie(manager)
            per = max(args.requests // 10, 1)
            managers_load(args.port, cookie, per_manager=2)  # warm the processes
            report(
                "city dashboard, 10 managers, no change meanwhile",
                managers_load(args.port, cookie, per_manager=per),
            )
            actions = LearnerActions(schemas, ids, seed=5)
            stop = threading.Event()
            with ThreadPoolExecutor(1) as pool:
                future = pool.submit(live_events, actions, args.live_rate, stop)
                samples = managers_load(
                    args.port, cookie, per_manager=per, seconds=args.live_seconds
                )
                stop.set()
                made = future.result()
            report(
                f"city dashboard, 10 managers for {args.live_seconds:g} s,"
                f" {args.live_rate:g} learner actions/s meanwhile ({made} actions)",
                samples,
            )
            report(
                "city dashboard, 10 managers, cache emptied before every request",
                managers_load(
                    args.port, cookie, per_manager=max(per // 4, 1), cold=True
                ),
            )
        finally:
            server.terminate()
            server.wait(timeout=30)

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
        for _ in range(args.events):
            actions.one()
        print(
            f"{args.events} random learner actions in"
            f" {time.perf_counter() - started:.1f} s: {actions.summary()}"
        )
        after = done()
        print(
            f"completions {after[0] - before[0]:+d}, valid certificates"
            f" {after[1] - before[1]:+d} (issued minus revoked)"
        )
        result = api.recount()
        print(
            f"recount after them: {result.seconds:.2f} s, drift found: {result.drift}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
