"""Benchmark of the xAPI endpoint, side by side with an older commit.

POSTs to ``/h5p/<key>/xapi/`` as the lesson page's relay does (session cookie
and CSRF token), from CLIENTS processes, one signed-in learner each, against
gunicorn (2 processes x 4 threads on this machine, as deployed) with the
Redis cache. The activity is graded by a course every learner is enrolled in,
so results go through completion as in a campaign. Measured at an empty store
and again after STORED statements were copied in (``COPY``, not the API), one
per request and in batches of BATCH.

With ``--baseline <commit>`` the same database is served by a second gunicorn
running that commit's code (``git archive`` into a temporary folder), and the
rounds alternate between the two (baseline first in odd rounds, second in
even ones), so drift in the machine's load falls on both. The commit must use
the same database schema as this checkout.

Run: .venv/bin/python bench/xapi.py [--baseline b7ec38e] [--rounds 3]
     [--seconds 8] [--clients 8] [--stored 1000000] [--seed 18]
Creates its own throw-away database (``bench_lms_xapi``) and drops it at the
end; the development data is not touched.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
# Its own database whatever the environment says: it is dropped at the end.
os.environ["LMS_TEST_DB_NAME"] = "bench_lms_xapi"
FIXTURE = ROOT.parent / "shared" / "fixtures" / "h5p" / "valid" / "H5P.TrueFalse.h5p"
HOST = "bench-xapi.test"
CSRF = "x" * 32  # any 32 letters; the header repeats it
VERB = "http://adlnet.gov/expapi/verbs/answered"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _client(job: tuple[int, str, str, int, float, str]) -> tuple:
    """One learner posting for ``seconds`` over a kept-alive connection."""
    port, path, cookie, size, seconds, seed = job
    rng = random.Random(seed)  # noqa: S311  (repeatable data, not secrets)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Host": HOST,
        "Content-Type": "application/json",
        "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
    }
    latencies, errors, stored, first_error = [], 0, 0, ""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        body = [
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "verb": {"id": VERB},
                "object": {"id": f"http://{HOST}{path[:-5]}"},
                "result": {"score": {"raw": rng.randint(0, 10), "max": 10}},
            }
            for _ in range(size)
        ]
        t0 = time.perf_counter()
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status == 200 and json.loads(data)["stored"] == size:
            stored += size
        else:
            errors += 1
            first_error = first_error or f"{response.status} {data[:200]!r}"
    conn.close()
    return stored, latencies, errors, first_error


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def cpu_snapshot(server_pid: int) -> dict[int, int]:
    """CPU ticks of the gunicorn master and workers, and of every PostgreSQL
    backend on the bench database: only one side runs at a time, so the
    difference over a run is that side's CPU, whatever else loads the machine."""
    from django.db import connection

    task = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    pids = [server_pid, *(int(p) for p in task.read_text().split())]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        )
        pids += [row[0] for row in cursor.fetchall()]
    return {pid: _ticks(pid) for pid in pids}


def measure(
    port: int,
    path: str,
    cookies: list[str],
    size: int,
    seconds: float,
    seed: str,
    server_pid: int,
) -> dict:
    """Statements/s, latencies and CPU per statement of one run; every run
    sends other ids (the seed names the run), so both sides store all."""
    jobs = [
        (port, path, c, size, seconds, f"{seed}-{i}") for i, c in enumerate(cookies)
    ]
    before = cpu_snapshot(server_pid)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
        results = pool.map(_client, jobs)
    elapsed = time.perf_counter() - started
    after = cpu_snapshot(server_pid)
    ticks = sum(after[p] - before.get(p, 0) for p in after)
    latencies = [x for r in results for x in r[1]]
    stored = sum(r[0] for r in results)
    return {
        "rate": stored / elapsed,
        "cpu_ms": 1000 * ticks / os.sysconf("SC_CLK_TCK") / max(stored, 1),
        "p95": p95(latencies) * 1000,
        "median": statistics.median(latencies) * 1000,
        "errors": sum(r[2] for r in results),
        "first_error": next((r[3] for r in results if r[3]), ""),
        "requests": len(latencies),
    }


def start_server(code: Path, port: int, env_extra: dict[str, str]):
    """gunicorn serving ``code`` (this checkout or the baseline's copy)."""
    from django.db import connection

    from bench.server import SETTINGS, server_pythonpath
    from lms.database import url_for

    env = dict(
        os.environ,
        DATABASE_URL=url_for(connection.settings_dict),
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PYTHONPATH=server_pythonpath(code),
        **env_extra,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "lms.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--threads=4",
            "--worker-class=gthread",
            "--log-level=warning",
        ],
        cwd=code,
        env=env,
    )
    for _ in range(120):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            probe.request("GET", "/", headers={"Host": HOST})
            probe.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn ({code}) no respondió en 60 s.")


def seed_statements(schema: str, count: int, seed: int) -> None:
    """``count`` statements of 5,000 other people over 50 activities, by COPY."""
    from django.db import connection

    rng = random.Random(f"{seed}-stored")  # noqa: S311  (repeatable, not secret)
    columns = (
        "statement_id, user_id, activity_key, verb, counts_for_activity, "
        "score_raw, score_max, score_scaled, success, completion, statement, "
        "stored_at"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        copy_sql = f"COPY {schema}.learning_xapistatement ({columns}) FROM STDIN"
        with raw.copy(copy_sql) as copy:
            for _ in range(count):
                sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                raw_score = rng.randint(0, 10)
                body = {"id": sid, "verb": {"id": VERB}, "result": {"score": {}}}
                body["result"]["score"] = {"raw": raw_score, "max": 10}
                copy.write_row(
                    (
                        sid,
                        1_000_000 + rng.randrange(5000),
                        f"h5p:seed{rng.randrange(50)}",
                        VERB,
                        True,
                        raw_score,
                        10,
                        raw_score / 10,
                        raw_score >= 6,
                        True,
                        json.dumps(body),
                        "2026-01-01T00:00:00Z",
                    )
                )
        cursor.execute(f"ANALYZE {schema}.learning_xapistatement")


def git_sha(ref: str) -> str:
    return subprocess.check_output(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, text=True
    ).strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="commit to compare with, e.g. b7ec38e")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--port", type=int, default=8095)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    args = parser.parse_args()
    media = Path(tempfile.mkdtemp(prefix="bench-xapi-"))
    os.environ["LMS_TEST_MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from courses import api as courses_api
    from courses.models import LessonPage
    from h5p import api as h5p_api
    from lms.learning import api as learning_api
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b)
    sides = {"nuevo": (ROOT, git_sha("HEAD"), args.port)}
    if args.baseline:
        copy = Path(tempfile.mkdtemp(prefix="bench-xapi-base-"))
        archive = subprocess.run(
            ["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(copy)], input=archive.stdout, check=True)
        sides = {"base": (copy, git_sha(args.baseline), args.port + 1), **sides}
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    servers = []
    try:
        spec = LocalitySpec(schema_name="bench_xapi", name="Bench", slug="bench-xapi")
        tenants_api.provision_locality(spec, domain=HOST)
        User = get_user_model()
        with tenants_api.in_public_schema():
            people = [
                User.objects.create_user(username=f"x{i}", email=f"x{i}@example.org")
                for i in range(args.clients)
            ]
        cookies = []
        with tenants_api.in_locality(spec.schema_name):
            checked = h5p_api.check_package(
                FIXTURE.read_bytes(), name=FIXTURE.name, may_add_libraries=True
            )
            key = h5p_api.install_package(checked).key
            courses_api.create_course("Fondos", key="fondos", completion_min_score=60)
            courses_api.add_module("fondos", "Módulo", key="fm")
            courses_api.add_lesson(
                "fm", "Verdadero o falso", key="fvf",
                body=[("h5p", h5p_api.content_id(key))],
            )  # fmt: skip
            LessonPage.objects.get(key="fvf")
            for person in people:
                learning_api.enroll(person.pk, "fondos")
                session = SessionStore()
                session["_auth_user_id"] = str(person.pk)
                session["_auth_user_backend"] = backend
                session["_auth_user_hash"] = person.get_session_auth_hash()
                session.create()
                cookies.append(session.session_key)
        connection.set_schema_to_public()
        env = {"REDIS_CACHE_URL": args.redis}
        pids = {}
        for name, (code, _sha, port) in sides.items():
            servers.append(start_server(code, port, env))
            pids[name] = servers[-1].pid
        path = f"/h5p/{key}/xapi/"
        print(
            f"semilla {args.seed}; {args.clients} clientes (procesos, conexión "
            f"persistente), {args.clients} personas; {args.rounds} rondas "
            f"alternadas de {args.seconds:g} s por modo; gunicorn 2 procesos x "
            f"4 hilos (gthread), bench/settings_deployed.py (sesiones en Redis), caché Redis {args.redis}; "
            f"{os.cpu_count()} núcleos; lotes de {args.batch}"
        )
        for name, (code, sha, port) in sides.items():
            print(f"  {name}: commit {sha} en :{port} ({code})")
        for name, (_code, _sha, port) in sides.items():  # connections, imports
            measure(port, path, cookies, 1, 2, f"{args.seed}-warm-{name}", pids[name])
        results: dict[tuple[str, str, str], list[dict]] = {}
        for level, seeded in (("vacío", 0), (f"{args.stored:,}", args.stored)):
            if seeded:
                t0 = time.perf_counter()
                seed_statements(spec.schema_name, seeded, args.seed)
                print(
                    f"COPY de {seeded:,} declaraciones: {time.perf_counter() - t0:.0f} s"
                )
            for n in range(args.rounds):
                order = list(sides) if n % 2 == 0 else list(reversed(sides))
                for name in order:
                    port = sides[name][2]
                    for mode, size in (("1 por solicitud", 1), ("lotes", args.batch)):
                        run = f"{args.seed}-{level}-{n}-{name}-{size}"
                        got = measure(
                            port, path, cookies, size, args.seconds, run, pids[name]
                        )
                        results.setdefault((level, mode, name), []).append(got)
                        print(
                            f"  [{level}] ronda {n + 1} {name:5} {mode:16} "
                            f"{got['rate']:8,.0f} decl/s  p95 {got['p95']:6.1f} ms  "
                            f"CPU {got['cpu_ms']:5.2f} ms/decl  "
                            f"errores {got['errors']} {got['first_error']}"
                        )
        with tenants_api.in_locality(spec.schema_name):
            total = learning_api.get_activity_state(people[0].pk, f"h5p:{key}")
        print(f"(estado de la persona 1: {total.statements_count:,} declaraciones)")
        print()
        head = [f"{'almacén':>10} {'modo':16}"]
        for n in sides:
            head.append(f"{n + ' decl/s':>13} {n + ' p95':>10} {n + ' CPU':>10}")
        print(" ".join(head) + ("  razón decl/s  razón CPU" if len(sides) == 2 else ""))
        for level, mode in dict.fromkeys((lv, m) for lv, m, _ in results):
            cells, rates, cpus = [f"{level:>10} {mode:16}"], [], []
            for name in sides:
                runs = results[(level, mode, name)]
                rates.append(statistics.median(r["rate"] for r in runs))
                cpus.append(statistics.median(r["cpu_ms"] for r in runs))
                p95_ms = statistics.median(r["p95"] for r in runs)
                cells.append(f"{rates[-1]:13,.0f} {p95_ms:8.1f}ms {cpus[-1]:8.2f}ms")
            if len(sides) == 2:
                cells.append(
                    f"  {rates[1] / rates[0]:11.2f}x {cpus[0] / cpus[1]:9.2f}x"
                )
            print(" ".join(cells))
        print(
            "(medianas de las rondas; CPU = ms de CPU de gunicorn y PostgreSQL por "
            "declaración; razón decl/s = nuevo / base, razón CPU = base / nuevo)"
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        connection.set_schema_to_public()
        connection.close()
        teardown_databases(config, verbosity=0)
        shutil.rmtree(media, ignore_errors=True)
        if args.baseline:
            shutil.rmtree(sides["base"][0], ignore_errors=True)


if __name__ == "__main__":
    main()
