"""Benchmark of the learning records.

Seeds LEARNERS people and STATEMENTS xAPI statements spread over LOCALITIES
localities (each with one course of 3 lessons, a cohort with 2 sessions and
enrollments, lesson progress and activity states), then measures:

1. lesson page p95 and requests/s under 20 concurrent signed-in clients
   (Locust, headless, against gunicorn on this machine);
2. statements ingested per second through ``api.record_statements`` (one per
   call and batches of 100), on the seeded tables;
3. time to evaluate completion for one learner (median and p95).

Run: .venv/bin/python bench/learning.py [--learners 50000] [--statements 1000000]
     [--localities 20] [--seconds 30] [--seed 1]
     [--baseline <commit> --users 20,50 --rounds 3] [--client fast|requests]

With ``--baseline``, only the lesson pages are measured: a gunicorn of that
commit's files and one of this checkout serve the same seeded database, and
interleaved Locust rounds at each number of users print a side-by-side table
(``bench/side_by_side.py``). The seed fixes which lessons the clients open.
Set ``REDIS_CACHE_URL`` for the deployed cache (otherwise each process has its own).
Creates its own throw-away database (``bench_lms_learning``) and drops it at the
end; the development data is not touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
os.environ.setdefault("LMS_TEST_DB_NAME", "bench_lms_learning")
VERBS = "http://adlnet.gov/expapi/verbs/"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def statement(score: float = 0.9) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": VERBS + "answered"},
        "object": {"id": "http://bench/h5p/x/"},
        "result": {"score": {"raw": score * 10, "max": 10, "scaled": score}},
    }


def signin_backend(backends: list[str]) -> str:
    """The backend a real sign-in records in the session: the project's own.

    django-axes' backend only checks lock-outs and never authenticates anyone.
    """
    own = [path for path in backends if not path.startswith("axes.")]
    if not own:
        sys.exit("AUTHENTICATION_BACKENDS no tiene un backend que inicie sesión.")
    return own[0]


def check_signed_in(port: int, entry: dict) -> None:
    """Stop the bench if a planned session would load the lesson anonymously."""
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{entry['urls'][0]}",
        headers={"Host": entry["host"], "Cookie": f"sessionid={entry['cookie']}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        page = response.read().decode()
    if entry["signed_in_marker"] not in page:
        sys.exit(
            f"La sesión de {entry['host']} no quedó iniciada: la página de la "
            "lección se sirvió como anónima. Las cifras no valdrían."
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--localities", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", help="older commit to compare with")
    parser.add_argument("--users", default="20", help="e.g. 20,50 (with --baseline)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--client",
        choices=["fast", "requests"],
        default="fast",
        help="Locust's FastHttpUser (default) or the requests-based HttpUser",
    )
    args = parser.parse_args()
    os.environ["LEARNING_BENCH_SEED"] = str(args.seed)
    os.environ["LEARNING_BENCH_CLIENT"] = args.client
    media = Path(tempfile.mkdtemp(prefix="bench-learning-"))
    os.environ["LMS_TEST_MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from django.urls import reverse
    from django.utils import timezone

    from bench.server import start_gunicorn
    from courses import api as courses_api
    from courses.models import LessonPage
    from lms.learning import api
    from lms.learning.models import (
        ActivityState,
        Enrollment,
        LessonProgress,
        XapiStatement,
    )
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    # Only a signed-in page has the sign-out form; an anonymous one has the
    # sign-in link instead. The Locust check and the pre-flight look for it.
    signed_in_marker = f'action="{reverse("logout")}"'
    backend = signin_backend(settings.AUTHENTICATION_BACKENDS)

    def signed_in_session(user) -> str:
        """A session as a real sign-in leaves it, in the active locality's schema.

        Django only honours a session whose backend is listed in
        ``AUTHENTICATION_BACKENDS``; naming another one (as this bench once did
        with ``ModelBackend``) silently makes every request anonymous.
        """
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = backend
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    server = None
    try:
        t0 = time.perf_counter()
        User = get_user_model()
        password = make_password(None)
        with tenants_api.in_public_schema():
            User.objects.bulk_create(
                (
                    User(
                        username=f"b{i}",
                        email=f"b{i}@example.org",
                        password=password,
                    )
                    for i in range(args.learners)
                ),
                batch_size=5000,
            )
            user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        per_town = args.learners // args.localities
        per_learner = max(1, args.statements // args.learners)
        plan = []
        now = timezone.now()
        for n in range(args.localities):
            spec = LocalitySpec(
                schema_name=f"bench_l{n}", name=f"Bench {n}", slug=f"bench-l{n}"
            )
            host = f"bench-l{n}.test"
            tenants_api.provision_locality(spec, domain=host)
            people = user_ids[n * per_town : (n + 1) * per_town]
            with tenants_api.in_locality(spec.schema_name):
                courses_api.create_course(
                    "Control social", key="control", completion_min_score=60
                )
                courses_api.add_module("control", "Módulo", key="m")
                for k in range(3):
                    courses_api.add_lesson("m", f"Lección {k + 1}", key=f"l{k}")
                keys = ["h5p:a", "h5p:b"]
                api.set_course_rule(
                    "control",
                    version=1,
                    title="Control social",
                    url="/control-social/",
                    lessons=[
                        api.LessonRef(key=f"l{k}", title=f"L{k}", url=f"/l{k}/")
                        for k in range(3)
                    ],
                    graded_activity_keys=keys,
                    min_score=60,
                    min_attendance=80,
                )
                Enrollment.objects.bulk_create(
                    Enrollment(
                        user_id=u,
                        course_key="control",
                        status="active",
                        enrolled_at=now,
                    )
                    for u in people
                )
                LessonProgress.objects.bulk_create(
                    LessonProgress(
                        user_id=u,
                        course_key="control",
                        lesson_key=f"l{k}",
                        first_viewed_at=now,
                        last_viewed_at=now,
                        completed_at=now,
                    )
                    for u in people
                    for k in range(2)
                )
                ActivityState.objects.bulk_create(
                    ActivityState(
                        user_id=u,
                        activity_key=key,
                        attempted=True,
                        completed=True,
                        best_score_scaled=0.8,
                        statements_count=per_learner // 2,
                    )
                    for u in people
                    for key in keys
                )
                batch: list = []
                for u in people:
                    for s in range(per_learner):
                        sid = uuid.uuid4()
                        batch.append(
                            XapiStatement(
                                statement_id=sid,
                                user_id=u,
                                activity_key=keys[s % 2],
                                verb=VERBS + "answered",
                                score_scaled=0.8,
                                statement={"id": str(sid), "verb": {"id": "answered"}},
                            )
                        )
                    if len(batch) >= 20_000:
                        XapiStatement.objects.bulk_create(batch)
                        batch = []
                XapiStatement.objects.bulk_create(batch)
                urls = [p.url for p in LessonPage.objects.order_by("path")]
                user = User.objects.get(pk=people[0])
                plan.append(
                    {
                        "host": host,
                        "cookie": signed_in_session(user),
                        "urls": urls,
                        "signed_in_marker": signed_in_marker,
                    }
                )
            connection.set_schema_to_public()
        seeded = time.perf_counter() - t0
        with tenants_api.in_locality("bench_l0"):
            total_statements = XapiStatement.objects.count() * args.localities
        print(
            f"Sembrado: {len(user_ids):,} personas, ~{total_statements:,} declaraciones "
            f"en {args.localities} localidades, en {seeded:.0f} s"
        )

        if args.baseline:
            from bench import side_by_side

            side_by_side.run(args, plan, media, check_signed_in)
            return

        # 2. Statements ingested per second (through the API, on seeded tables).
        learner = user_ids[0]
        with tenants_api.in_locality("bench_l0"):
            for label, size, count in (
                ("1 por llamada", 1, 300),
                ("lotes de 100", 100, 30),
            ):
                latencies = []
                started = time.perf_counter()
                for _ in range(count):
                    t = time.perf_counter()
                    api.record_statements(
                        learner,
                        [statement() for _ in range(size)],
                        activity_key="h5p:a",
                    )
                    latencies.append(time.perf_counter() - t)
                elapsed = time.perf_counter() - started
                print(
                    f"Ingesta, {label}: {count * size / elapsed:,.0f} declaraciones/s; "
                    f"mediana {statistics.median(latencies) * 1000:.1f} ms, "
                    f"p95 {p95(latencies) * 1000:.1f} ms por llamada"
                )

            # 3. Completion evaluation for one learner (rule with lessons, scores
            # and attendance; the learner is in a cohort with 2 sessions).
            facilitator = user_ids[1]
            cohort = api.create_cohort(
                "control",
                "Grupo",
                facilitator_id=facilitator,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
                capacity=50,
            )
            probe = user_ids[2]
            Enrollment.objects.filter(user_id=probe).delete()
            api.enroll(probe, "control", cohort_id=cohort.cohort_id)
            for _ in range(2):
                api.schedule_session(
                    cohort.cohort_id,
                    "Sesión",
                    starts_at=timezone.now(),
                    ends_at=timezone.now() + timedelta(hours=1),
                )
            times = []
            for _ in range(300):
                t = time.perf_counter()
                check = api.evaluate_completion(probe, "control")
                times.append(time.perf_counter() - t)
            if check.met:
                sys.exit("La persona de prueba no debía aprobar.")
            print(
                f"Evaluar la finalización de una persona: mediana "
                f"{statistics.median(times) * 1000:.2f} ms, p95 {p95(times) * 1000:.2f} ms "
                f"(300 evaluaciones; falta: {'; '.join(check.missing)})"
            )
        connection.set_schema_to_public()

        # 1. Lesson pages under 20 concurrent clients (Locust against gunicorn).
        plan_file = media / "plan.json"
        plan_file.write_text(json.dumps(plan))
        bin_dir = Path(sys.executable).parent
        workers = os.cpu_count() or 2
        server = start_gunicorn(args.port, LEARNING_BENCH_PLAN=str(plan_file))
        for entry in plan:
            check_signed_in(args.port, entry)
        print(
            f"Sesiones comprobadas: las {len(plan)} personas de la carga ven la "
            "lección con su sesión iniciada."
        )
        prefix = media / "locust"
        subprocess.run(
            [
                str(bin_dir / "locust"),
                "-f",
                str(ROOT / "bench" / "learning_locustfile.py"),
                "--headless",
                "-u",
                "20",
                "-r",
                "20",
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=dict(os.environ, LEARNING_BENCH_PLAN=str(plan_file)),
            check=False,
        )
        with open(f"{prefix}_stats.csv") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
        row = rows["lección"]
        print(
            f"Página de lección, 20 clientes concurrentes, {args.seconds} s "
            f"(gunicorn {workers} procesos x 4 hilos, {os.cpu_count()} núcleos): "
            f"{float(row['Requests/s']):.1f} solicitudes/s, mediana "
            f"{row['50%']} ms, p95 {row['95%']} ms, "
            f"{row['Request Count']} solicitudes, {row['Failure Count']} fallas"
        )
        if int(row["Failure Count"]):
            sys.exit("Hubo fallas: las cifras de la página no valen.")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
