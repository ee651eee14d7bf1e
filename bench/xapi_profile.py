"""Where the CPU of one xAPI POST goes, in process (cProfile), as served.

Sets up what ``bench/xapi.py`` sets up (a locality, a graded H5P activity, a
signed-in learner with a session in Redis) and calls the WSGI application
directly with the relay's request, REQUESTS times with one statement and
REQUESTS // 10 times with a batch of BATCH, each under cProfile; prints the
functions with the most own time and the most time below them, and the CPU
per request. Settings: ``bench/settings_deployed.py`` (sessions and cache in
Redis), so the middleware, session, account and cache reads are the
deployed ones; no gunicorn and no network, so what is left is the request
path's Python and the database's round trips.

Run: REDIS_CACHE_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/xapi_profile.py
     [--requests 2000] [--batch 100] [--top 35]
Creates its own throw-away database (``bench_lms_xapi_profile``), dropped at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "settings_deployed"
os.environ["LMS_TEST_DB_NAME"] = "bench_lms_xapi_profile"
FIXTURE = ROOT.parent / "shared" / "fixtures" / "h5p" / "valid" / "H5P.TrueFalse.h5p"
HOST = "bench-xapi.test"
CSRF = "x" * 32
VERB = "http://adlnet.gov/expapi/verbs/answered"


def _statements(rng: random.Random, path: str, size: int) -> bytes:
    return json.dumps(
        [
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "verb": {"id": VERB},
                "object": {"id": f"http://{HOST}{path[:-5]}"},
                "result": {"score": {"raw": rng.randint(0, 10), "max": 10}},
            }
            for _ in range(size)
        ]
    ).encode()


def _environ(path: str, cookie: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": HOST,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"sessionid={cookie}; csrftoken={CSRF}",
        "HTTP_X_CSRFTOKEN": CSRF,
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def _post(app, path: str, cookie: str, body: bytes) -> None:
    status = []
    chunks = app(_environ(path, cookie, body), lambda s, h, *a: status.append(s))
    payload = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{status[0]}: {payload[:300]!r}")


def _show_queries(app, path: str, cookie: str, rng: random.Random) -> None:
    """The SQL of one single-statement POST (the query budget's count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _post(app, path, cookie, _statements(rng, path, 1))
    print(f"\n=== {len(queries)} consultas en una solicitud de 1 declaración:")
    for query in queries:
        print("  ", " ".join(query["sql"].split())[:160])


def _profile(app, path, cookie, rng, size, count, top) -> None:
    bodies = [_statements(rng, path, size) for _ in range(count)]
    # CPU time, not wall time: the waits for PostgreSQL and Redis are not
    # this process's cost (the machine may be shared).
    profiler = cProfile.Profile(time.process_time)
    started = time.process_time()
    profiler.enable()
    for body in bodies:
        _post(app, path, cookie, body)
    profiler.disable()
    spent = time.process_time() - started
    print(
        f"\n=== {count} solicitudes de {size} declaración(es): "
        f"{1000 * spent / count:.2f} ms de CPU por solicitud (con cProfile, "
        f"solo este proceso: sin PostgreSQL ni Redis)"
    )
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    if not os.environ.get("REDIS_CACHE_URL"):
        raise SystemExit("Falta REDIS_CACHE_URL (sesiones y caché como en producción).")
    media = Path(tempfile.mkdtemp(prefix="bench-xapi-profile-"))
    os.environ["LMS_TEST_MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.cache import cache
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from courses import api as courses_api
    from h5p import api as h5p_api
    from lms.learning import api as learning_api
    from tenants import api as tenants_api
    from tenants.data import LocalitySpec

    cache.clear()
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b)
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        spec = LocalitySpec(schema_name="bench_xp", name="Bench", slug="bench-xp")
        tenants_api.provision_locality(spec, domain=HOST)
        with tenants_api.in_public_schema():
            person = get_user_model().objects.create_user(
                username="xp", email="xp@example.org"
            )
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
            learning_api.enroll(person.pk, "fondos")
            session = SessionStore()
            session["_auth_user_id"] = str(person.pk)
            session["_auth_user_backend"] = backend
            session["_auth_user_hash"] = person.get_session_auth_hash()
            session.create()
        connection.set_schema_to_public()
        app = get_wsgi_application()
        path = f"/h5p/{key}/xapi/"
        rng = random.Random(18)  # noqa: S311  (repeatable data, not secrets)
        for _ in range(50):  # imports, the state row, the best score, caches
            _post(app, path, session.session_key, _statements(rng, path, 1))
        _post(app, path, session.session_key, _statements(rng, path, args.batch))
        _show_queries(app, path, session.session_key, rng)
        _profile(app, path, session.session_key, rng, 1, args.requests, args.top)
        _profile(
            app,
            path,
            session.session_key,
            rng,
            args.batch,
            max(1, args.requests // 10),
            args.top,
        )
    finally:
        connection.set_schema_to_public()
        connection.close()
        teardown_databases(config, verbosity=0)
        cache.clear()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
