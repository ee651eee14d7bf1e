"""Web nodes for the fault tests: gunicorn with the project's node settings,
started in their own session (so ``kill -9`` takes master and workers), plus a
signed-in learner's cookies and a small client that counts what happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from deploy import local_s3
from tenants import api as tenants_api

from ..workers import PROJECT_DIR, wait_for

CSRF = "c" * 32  # a fixed CSRF secret: cookie and header carry the same value


def start_node(env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 2):
    """A gunicorn node on a free port; returns (process, base URL)."""
    port = local_s3.free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    node_env = dict(
        env,
        DJANGO_SETTINGS_MODULE="tests.deploy.node_settings",
        PROMETHEUS_MULTIPROC_DIR=str(log.parent / f"metrics-{port}"),
    )
    with log.open("w") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "lms.wsgi:application",
                "-c",
                str(PROJECT_DIR / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ],
            cwd=PROJECT_DIR,
            env=node_env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    wait_for(
        lambda: _answers(url),
        90,
        lambda: f"el nodo no arrancó: {log.read_text()[-2000:]}",
    )
    return process, url


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def kill_node(process: subprocess.Popen) -> None:
    """``kill -9`` the node: master and workers at once."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop_node(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def signed_in(user, schema: str) -> dict[str, str]:
    """Cookies of a session signed in as ``user`` in the locality ``schema``."""
    with tenants_api.in_locality(schema):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = next(
            b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes.")
        )
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key, "csrftoken": CSRF}
