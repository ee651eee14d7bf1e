"""Where a kept public answer's time goes, in process: for bench/monitoring.py
``--profile N``.

Each address is asked N times through Django's own WSGI handler (what gunicorn
calls), as an anonymous visitor taking gzip, with the request path of a
deployment (sessions ``cached_db``, static files found once), after one visit
has kept it. Prints the time per answer and the functions that took the most,
from cProfile (ADR 0049 quotes it).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import sys
import time

from django.test import override_settings

DEPLOYED = {
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    "WHITENOISE_AUTOREFRESH": False,
    "WHITENOISE_USE_FINDERS": False,
}


def addresses(code: str, upz: str) -> list[str]:
    """The eight addresses a visitor reads, with one project and one UPZ."""
    return [
        "/seguimiento/",
        f"/seguimiento/?upz={upz}",
        f"/seguimiento/proyectos/{code}/",
        "/seguimiento/datos/proyectos.csv",
        "/seguimiento/datos/proyectos.json",
        "/seguimiento/datos/reportes.csv",
        "/seguimiento/datos/reportes.json",
        "/seguimiento/datos/ocds.json",
    ]


def _environ(host: str, path: str) -> dict:
    path_info, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def profile_kept(host: str, paths: list[str], times: int, top: int = 25) -> None:
    from django.core.handlers.wsgi import WSGIHandler

    with override_settings(**DEPLOYED):
        handler = WSGIHandler()

        def ask(path: str) -> None:
            status = []
            body = handler(_environ(host, path), lambda s, h: status.append(s))
            b"".join(body)
            body.close()
            if not status[0].startswith("200"):
                raise SystemExit(f"{path}: {status[0]}")

        for path in paths:
            ask(path)  # kept now
        for path in paths:
            took = []
            for _ in range(times):
                started = time.perf_counter()
                ask(path)
                took.append((time.perf_counter() - started) * 1e6)
            print(
                f"perfil: {path} guardada: mediana {statistics.median(took):.0f} µs "
                f"por respuesta ({times} respuestas)"
            )
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(times):
            for path in paths:
                ask(path)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())
