"""gunicorn for the benchmarks: the platform as deployed, on the benchmark's database.

Used by bench/learning.py and bench/dashboards.py (``from bench.server import``,
with the project root on ``sys.path`` as those scripts put it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# ``bench/settings_deployed.py``: found through this folder on the server's path,
# so the same settings serve this checkout and an older commit's copy.
SETTINGS = "settings_deployed"


def server_pythonpath(root: Path) -> str:
    """That checkout's code first (never the virtualenv's), then the settings."""
    return os.pathsep.join([str(root), str(ROOT / "bench")])


def start_gunicorn(port: int, root: Path = ROOT, **env_extra: str) -> subprocess.Popen:
    """Start gunicorn (one process per core x 4 threads) and wait until it answers.

    Call with Django set up: the server uses the database of this connection and
    ``bench/settings_deployed.py``, plus ``env_extra``. ``root`` is the checkout it serves
    (another commit's, for a side-by-side run).
    """
    from django.db import connection

    from lms.database import url_for

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"El puerto {port} ya está en uso; use --port otro.")
    env = dict(
        os.environ,
        DATABASE_URL=url_for(connection.settings_dict),
        DJANGO_SETTINGS_MODULE=SETTINGS,
        PYTHONPATH=server_pythonpath(root),
        **env_extra,
    )
    workers = os.cpu_count() or 2
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "lms.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--chdir={root}",
            f"--workers={workers}",
            "--threads=4",
            "--worker-class=gthread",
            "--log-level=warning",
        ],
        cwd=root,
        env=env,
    )
    for _ in range(60):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=10)
            break
        except requests.RequestException:
            time.sleep(0.5)
    else:
        server.terminate()
        raise SystemExit("gunicorn no respondió en 30 s.")
    print(f"gunicorn: {workers} procesos x 4 hilos, {os.cpu_count()} núcleos")
    return server
